package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Cast;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Located;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.OpenTape;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Push;
import dev.adjoint.processor.ir.Reload;
import dev.adjoint.processor.ir.Reserve;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Settle;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Tape;
import dev.adjoint.processor.ir.Terms;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A sweep keeps its doubles' and ints' tapes in locals: it reads each tape's array and top once
 * ({@link OpenTape}), pushes {@code doubles[doublesTop++] = x} and pops
 * {@code doubles[--doublesTop]}, as a person keeps a stack in a local array. This pass says what
 * that needs, as statements:
 *
 * <ul>
 *   <li>room made before it is used ({@link Reserve}), so that no push checks capacity: before a
 *       counted loop whose iterations push a fixed number of values on a tape and whose nested
 *       loops push none on it, that number times its trip count; elsewhere before each run of
 *       pushes between loops that push, for the pushes of the run and of its branches;
 *   <li>the top handed back to the tape ({@link Settle}) before a statement that calls what may
 *       use this thread's tapes (another sweep, a registered pullback, a user's helper: anything
 *       but the runtime's own gates), and the array read again after it ({@link Reload}), the
 *       other sweep having perhaps grown it; the top handed back at the end, before the return.
 * </ul>
 *
 * <p>It runs last, on the statements as printed: no pass moves a push after it.
 */
public final class LocalTapes {
  /** The tapes this sweep keeps in locals (doubles and ints; arrays stay on their stack). */
  private final Set<Tape> local = EnumSet.noneOf(Tape.class);
  /** The tapes a loop around the statements at hand made room on for all its pushes. */
  private final Set<Tape> covered = EnumSet.noneOf(Tape.class);

  private LocalTapes() {}

  /**
   * {@code body} with the room, settling and reloading its local tapes need; the statements
   * up to the last that opens a tape ({@code double[] jvpOut = new double[1]}, the tapes) push
   * nothing.
   */
  public static Block of(Block body) {
    LocalTapes pass = new LocalTapes();
    List<Stmt> statements = body.statements();
    int opened = 0;
    for (int k = 0; k < statements.size(); k++) {
      if (statements.get(k) instanceof OpenTape open) {
        if (open.tape().keptInLocals()) {
          pass.local.add(open.tape());
        }
        opened = k + 1;
      }
    }
    if (pass.local.isEmpty()) {
      return body;
    }
    List<Stmt> out = new ArrayList<>(statements.subList(0, opened));
    out.addAll(pass.statements(statements.subList(opened, statements.size())));
    pass.local.forEach(tape -> out.add(new Settle(tape, null)));
    return new Block(out);
  }

  /** {@code pullback} with its body's local tapes made room on and settled. */
  public static Pullback of(Pullback pullback) {
    return pullback.withBody(of(pullback.body()));
  }

  private Block block(Block block) {
    return new Block(statements(block.statements()));
  }

  /**
   * The statements, each run of pushes between loops that push reserved before it on each
   * tape no loop around them reserved for; the reservation covers the run's branches too.
   */
  private List<Stmt> statements(List<Stmt> statements) {
    List<Stmt> out = new ArrayList<>();
    Set<Tape> run = EnumSet.noneOf(Tape.class);
    for (int k = 0; k < statements.size(); k++) {
      Stmt stmt = statements.get(k);
      for (Tape tape : local) {
        if (!covered.contains(tape) && (k == 0 || pushingLoopIn(statements.get(k - 1), tape))) {
          int pushes = 0;
          for (int j = k; j < statements.size() && !pushingLoopIn(statements.get(j), tape); j++) {
            pushes += directPushes(List.of(statements.get(j)), tape);
          }
          run.remove(tape);
          if (pushes > 0) {
            out.add(new Reserve(tape, Constant.integer(pushes), null));
            run.add(tape);
          }
        }
      }
      Set<Tape> inRun = EnumSet.noneOf(Tape.class);
      run.stream().filter(tape -> !covered.contains(tape) && !pushingLoopIn(stmt, tape))
          .forEach(inRun::add);
      covered.addAll(inRun);
      statement(stmt, out);
      covered.removeAll(inRun);
    }
    return out;
  }

  private void statement(Stmt stmt, List<Stmt> out) {
    Origin origin = stmt instanceof Located located ? located.origin() : null;
    boolean aroundCall = callsOutside(stmt);
    if (aroundCall) {
      local.forEach(tape -> out.add(new Settle(tape, origin)));
    }
    if (stmt instanceof Loop loop && loop.counted() != null) {
      Set<Tape> reserved = reserve(loop, out);
      covered.addAll(reserved);
      out.add(Statements.mapBlocks(stmt, this::block));
      covered.removeAll(reserved);
    } else {
      out.add(Statements.mapBlocks(stmt, this::block));
    }
    if (aroundCall) {
      local.forEach(tape -> out.add(new Reload(tape, origin)));
    }
  }

  /**
   * Room, before a counted loop, for all it pushes on each local tape where its iterations push
   * a fixed number of values (none in nested loops): that number times its trip count. The
   * tapes it reserved for; on the others each iteration reserves as it goes.
   */
  private Set<Tape> reserve(Loop loop, List<Stmt> out) {
    Set<Tape> reserved = EnumSet.noneOf(Tape.class);
    for (Tape tape : local) {
      int pushes = directPushes(loop.body().statements(), tape);
      if (!covered.contains(tape) && pushes > 0
          && loop.body().statements().stream().noneMatch(s -> pushingLoopIn(s, tape))) {
        reserved.add(tape);
        Operand trips = trips(loop.counted());
        out.add(new Reserve(tape,
            pushes == 1 ? trips : Terms.mul(trips, Constant.integer(pushes)), loop.origin()));
      }
    }
    return reserved;
  }

  /** The trip count of a counted loop, in {@code long} arithmetic (negative for none). */
  private static Operand trips(Loop.Counted counted) {
    Operand span = counted.downward() ? Terms.sub(asLong(counted.from()), counted.to())
        : counted.from() instanceof Constant zero && zero.is(0) ? asLong(counted.to())
        : Terms.sub(asLong(counted.to()), counted.from());
    int by = Math.abs(counted.step());
    int rounding = counted.inclusive() ? by : by - 1;
    Operand count = rounding == 0 ? span : Terms.add(span, Constant.integer(rounding));
    return by == 1 ? count : Terms.div(count, Constant.integer(by));
  }

  private static Operand asLong(Operand value) {
    return new Nested(new Cast(Type.LONG, value), Type.LONG);
  }

  /** Whether {@code stmt} is or holds a loop that pushes on {@code tape}. */
  private static boolean pushingLoopIn(Stmt stmt, Tape tape) {
    boolean[] found = {false};
    Statements.forEach(stmt, s -> {
      if (s instanceof Loop || s instanceof ReverseLoop) {
        Statements.forEach(s, inner -> found[0] |= inner instanceof Push push
            && push.tape() == tape);
      }
    });
    return found[0];
  }

  /**
   * Pushes on {@code tape} in {@code statements}, not in loops: in a branch, the more of its two
   * paths pushes.
   */
  private static int directPushes(List<Stmt> statements, Tape tape) {
    int count = 0;
    for (Stmt stmt : statements) {
      if (stmt instanceof Push push && push.tape() == tape) {
        count++;
      } else if (stmt instanceof If branch) {
        count += Math.max(directPushes(branch.then().statements(), tape),
            directPushes(branch.otherwise().statements(), tape));
      }
    }
    return count;
  }

  /**
   * Whether {@code stmt} itself (not the statements nested in it) calls what may use this
   * thread's tapes: a derivative call or a call in an operand ({@code ds += fBackward(x, g)})
   * of anything but the runtime's own gates.
   */
  private static boolean callsOutside(Stmt stmt) {
    if (stmt instanceof DerivativeCall call) {
      return call.callee() == null || !call.callee().runtime();
    }
    Expr value = stmt instanceof Assign assign ? assign.value()
        : stmt instanceof Declare declare ? declare.init() : null;
    boolean[] found = {value instanceof Call call && !call.callee().runtime()};
    for (Operand operand : Statements.operands(stmt)) {
      Exprs.forEachNested(operand, e -> found[0] |= e instanceof Call call
          && !call.callee().runtime());
    }
    return found[0];
  }
}
