package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Cast;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Terms;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The value an integer counting the iterations of a loop ({@code count++} in
 * {@code for (double[] row : rows)}) has once the loop is done, known before the loop:
 * {@code count + n} for {@code n} iterations by ones. So {@code return total / count;} gives the
 * loop's sum an adjoint known before the loop runs, and the loop is fused ({@link Fusion}) as
 * for {@code total / rows.length}. A count stepped only in some iterations
 * ({@code if (Double.isNaN(y[i])) continue; ... seen++;}) is counted by a loop of its own before
 * the loop, which runs the steps and what decides them and nothing else ({@link #counting}).
 *
 * <p>Conditions: the loop's bounds are set before it and the integer is assigned nowhere after
 * it. The closed form: the loop counts by ones, up or down; the integer is assigned in it once,
 * {@code v = v + c} or {@code v = v - c} with a constant {@code c}, directly in its body (so in
 * every iteration: a {@code continue} puts what follows it in a branch). Integer arithmetic
 * wraps the same way counted step by step or at once, so the value is the same.
 */
final class CounterEnds {
  private CounterEnds() {}

  /** What declares a counter's end value before its loop, under a name it is given. */
  interface End {
    List<Stmt> declare(Var end, NameScope names);
  }

  /**
   * How to know {@code v} after {@code loop}, the statement at {@code position} of {@code top},
   * before the loop runs, from values {@code before} it; null if it is not such a counter.
   * {@code local}: whether a variable is declared in the loop's iteration.
   */
  static End after(Var v, Loop loop, int position, List<Stmt> top, Set<Var> before,
      Predicate<Var> local) {
    Loop.Counted counted = loop.counted();
    if (v.type() != Type.INT || counted == null || !loop.header().statements().isEmpty()
        || assignments(v, top.subList(position + 1, top.size())) > 0
        || !available(counted.from(), before) || !available(counted.to(), before)) {
      return null;
    }
    Integer step = null;
    for (Stmt stmt : loop.body().statements()) {
      if (stmt instanceof Assign assign && assign.target().equals(v)) {
        step = stepOf(assign, v);
      }
    }
    if (step != null && assignments(v, List.of(loop)) == 1 && Math.abs(counted.step()) == 1) {
      Operand trips = trips(counted, top.subList(0, position));
      int size = Math.abs(step);
      Operand total = size == 1 ? trips : Terms.mul(Constant.integer(size), trips);
      Operand closed = step > 0 ? Terms.add(v, total) : Terms.sub(v, total);
      return (end, names) -> List.of(new Declare(end, new Copy(closed)));
    }
    return counting(v, loop, before, local, top);
  }

  /**
   * A counter stepped in branches ({@code if (!Double.isNaN(y[i])) seen++}): a loop before the
   * loop runs the steps and what decides them, nothing else, on names of its own
   * ({@code int seenEnd = seen; for (...) { boolean t3 = Double.isNaN(y[i]); if (!t3) seenEnd++; }}).
   * Only when every step is {@code v = v + c}, what decides them is computed in the iteration
   * (once each, from arithmetic, loads and {@code Double}'s tests) from the loop's counter and
   * values the loop does not change, reading no array the loop writes; no inner loop takes part.
   */
  private static End counting(Var v, Loop loop, Set<Var> before, Predicate<Var> local,
      List<Stmt> top) {
    Set<Var> shared = BackStmts.sharedArrays(new Block(top));
    Set<Var> assignedInLoop = new HashSet<>();
    Statements.forEach(loop.body(), s -> assignedInLoop.addAll(BackStmts.assigned(s)));
    Set<Var> needed = new LinkedHashSet<>(List.of(v));
    for (int size = 0; size != needed.size(); ) {
      size = needed.size();
      addDecidingVars(loop.body(), needed, assignedInLoop);
    }
    Set<Var> writtenArrays = new HashSet<>();
    boolean[] ok = {true};
    Statements.forEach(loop.body(), s -> {
      if (s instanceof Store store) {
        writtenArrays.add(store.array());
      } else if (s instanceof Accumulate add && add.intoElement()) {
        writtenArrays.add(add.target());
      } else if (s instanceof Assign assign && assign.value() instanceof Call call
          && !isTest(call)) {
        Exprs.vars(call.args()).stream().filter(a -> a.type().isArray())
            .forEach(writtenArrays::add); // a call may write the arrays it is given
      }
      if (s instanceof Loop inner && Statements.mentioned(inner).stream()
          .anyMatch(needed::contains)) {
        ok[0] = false; // a step or what decides it inside an inner loop
      }
    });
    Var index = loop.counted().index();
    for (Var w : needed) {
      if (!w.equals(v) && (!local.test(w) || assignments(w, List.of(loop)) != 1)) {
        return null;
      }
    }
    Block body = sliced(loop.body(), needed);
    if (!ok[0] || body == null) {
      return null;
    }
    Predicate<Var> readable = read -> needed.contains(read) || read.equals(index)
        || !assignedInLoop.contains(read)
            && (before.contains(read) || assignments(read, top) == 0) // a constant table
            && (!read.type().isArray() || !writtenArrays.contains(read) && !shared.contains(read));
    boolean[] valid = {true};
    Statements.forEach(body, s -> {
      if (s instanceof Assign assign) {
        valid[0] &= assign.target().equals(v) ? stepOf(assign, v) != null : pure(assign.value());
        valid[0] &= Statements.vars(assign).stream().allMatch(readable);
      } else if (s instanceof If branch) {
        valid[0] &= Exprs.vars(branch.condition()).stream().allMatch(readable);
      }
    });
    if (!valid[0]) {
      return null;
    }
    return (end, names) -> {
      Map<Var, Var> renames = new HashMap<>();
      renames.put(v, end);
      for (Var w : needed) {
        if (!w.equals(v)) {
          renames.put(w, new Var(names.fresh(w.name()), w.type()));
        }
      }
      return List.of(new Declare(end, new Copy(v)),
          loop.withBody(renamed(body, renames, v)));
    };
  }

  /**
   * Adds to {@code needed} the variables of the loop ({@code inLoop}) that an assignment of a
   * needed one, or a branch holding one, reads.
   */
  private static void addDecidingVars(Block block, Set<Var> needed, Set<Var> inLoop) {
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof Assign assign && needed.contains(assign.target())) {
        Statements.vars(assign).stream().filter(inLoop::contains).forEach(needed::add);
      } else if (stmt instanceof If branch && assignsAny(branch, needed)) {
        Exprs.vars(branch.condition()).stream().filter(inLoop::contains).forEach(needed::add);
        addDecidingVars(branch.then(), needed, inLoop);
        addDecidingVars(branch.otherwise(), needed, inLoop);
      }
    }
  }

  private static boolean assignsAny(Stmt stmt, Set<Var> vars) {
    boolean[] found = {false};
    Statements.forEach(stmt, s -> found[0] |= BackStmts.assigned(s).stream()
        .anyMatch(vars::contains));
    return found[0];
  }

  /** {@code block} with only the assignments of {@code needed} and the branches holding them. */
  private static Block sliced(Block block, Set<Var> needed) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof Assign assign && needed.contains(assign.target())) {
        out.add(assign);
      } else if (stmt instanceof If branch && assignsAny(branch, needed)) {
        Block then = sliced(branch.then(), needed);
        Block otherwise = sliced(branch.otherwise(), needed);
        if (then == null || otherwise == null) {
          return null;
        }
        out.add(new If(branch.condition(), then, otherwise, branch.origin()));
      } else if (assignsAny(stmt, needed)) {
        return null; // a needed variable assigned some other way (a pop, a loop)
      }
    }
    return new Block(out);
  }

  /** Arithmetic, a load, a length, a cast, a {@code Math} function or {@code Double}'s tests. */
  private static boolean pure(Expr value) {
    return value instanceof Binary || value instanceof Unary || value instanceof Copy
        || value instanceof Load || value instanceof Length || value instanceof Cast
        || value instanceof Select || value instanceof MathCall
        || value instanceof Call call && isTest(call);
  }

  /** {@code Double.isNaN}, {@code isInfinite} or {@code isFinite}. */
  private static boolean isTest(Call call) {
    String code = call.callee().code();
    return code.equals("Double.isNaN") || code.equals("Double.isInfinite")
        || code.equals("Double.isFinite");
  }

  /** {@code body} on the new names: each variable it declares declared where it is assigned. */
  private static Block renamed(Block body, Map<Var, Var> renames, Var v) {
    UnaryOperator<Operand> f = Exprs.substituting(renames::get);
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : body.statements()) {
      if (stmt instanceof Assign assign) {
        Var target = renames.get(assign.target());
        Expr value = Exprs.map(assign.value(), f);
        out.add(assign.target().equals(v) ? new Assign(target, value, assign.origin())
            : new Declare(target, value, assign.origin()));
      } else if (stmt instanceof If branch) {
        out.add(new If(f.apply(branch.condition()), renamed(branch.then(), renames, v),
            renamed(branch.otherwise(), renames, v), branch.origin()));
      }
    }
    return new Block(out);
  }

  /** {@code c} of {@code v = v + c}, {@code v = c + v}, or {@code -c} of {@code v = v - c}. */
  private static Integer stepOf(Assign assign, Var v) {
    if (!(assign.value() instanceof Binary binary)) {
      return null;
    }
    Operand other = binary.a().equals(v) ? binary.b()
        : binary.op() == Binary.Op.ADD && binary.b().equals(v) ? binary.a() : null;
    if (!(other instanceof Constant c) || c.type() != Type.INT || c.value() == null) {
      return null;
    }
    int k = c.value().intValue();
    return binary.op() == Binary.Op.ADD ? Integer.valueOf(k)
        : binary.op() == Binary.Op.SUB ? Integer.valueOf(-k) : null;
  }

  /**
   * How many times a loop by ones runs: {@code to - from} when {@code to > from} (plus one when
   * inclusive), else 0; downward the other way round. An array's length from 0 is itself.
   */
  private static Operand trips(Loop.Counted counted, List<Stmt> before) {
    Operand low = counted.downward() ? counted.to() : counted.from();
    Operand high = counted.downward() ? counted.from() : counted.to();
    if (low instanceof Constant zero && zero.is(0) && !counted.inclusive()
        && isLength(high, before)) {
      return high;
    }
    Operand span = Terms.sub(high, low);
    if (counted.inclusive()) {
      span = Terms.add(span, Constant.integer(1));
    }
    Operand runs = Terms.binary(counted.inclusive() ? Binary.Op.GE : Binary.Op.GT, high, low);
    return Terms.select(runs, span, Constant.integer(0));
  }

  /** Whether {@code bound} is a variable set once, before the loop, to an array's length. */
  private static boolean isLength(Operand bound, List<Stmt> before) {
    int[] lengths = {0};
    int[] assignments = {0};
    for (Stmt stmt : before) {
      Statements.forEach(stmt, s -> {
        if (s instanceof Assign assign && assign.target().equals(bound)) {
          assignments[0]++;
          lengths[0] += assign.value() instanceof Length ? 1 : 0;
        }
      });
    }
    return assignments[0] == 1 && lengths[0] == 1;
  }

  private static boolean available(Operand operand, Set<Var> before) {
    return operand instanceof Constant || operand instanceof Var v && before.contains(v);
  }

  private static int assignments(Var v, List<Stmt> statements) {
    int[] found = {0};
    for (Stmt stmt : statements) {
      Statements.forEach(stmt, s -> found[0] += s instanceof Assign a && a.target().equals(v)
          ? 1 : 0);
    }
    return found[0];
  }
}
