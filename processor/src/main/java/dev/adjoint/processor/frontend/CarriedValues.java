package dev.adjoint.processor.frontend;

import dev.adjoint.processor.analysis.LoopFacts;
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
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Terms;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scalar that a counted loop carries into its next iteration, computed at the end of each from
 * the counter ({@code prev = x[i]}), is computed again at the start of the next one from the
 * counter one step back, as a person writes {@code x[i] - x[i - 1]}:
 * <pre>
 * double prev = x[0];                      for (int i = 1; i &lt; n; i++) {
 * for (int i = 1; i &lt; n; i++) {             double prev = x[i - 1];
 *   double d = x[i] - prev;          =&gt;      double d = x[i] - prev;
 *   s += d * d;                              s += d * d;
 *   prev = x[i];                           }
 * }
 * </pre>
 * No value then flows from one iteration to the next, so the backward sweep saves nothing for
 * it and runs inside each iteration (fusion), where it would otherwise save {@code d} per
 * iteration and hand the adjoint of {@code prev} back a step. When the value before the loop is
 * not the same operation one step before the first ({@code prev = 0}, a parameter), the first
 * iteration takes it: {@code i == 1 ? prev0 : x[i - 1]}.
 *
 * <p>Conditions, so that the value computed again is the value carried, bit for bit: the loop is
 * counted (any constant step); the scalar is assigned twice, a copy of a value in the block of
 * the loop before it, and once directly in the loop's body (so in every iteration that goes on
 * to the next), after every read of it, and is read nowhere else (not after the loop); that
 * assignment computes cheap operations (arithmetic, casts, elements) of the counter, of values
 * the loop does not assign and of values its body computes once before it the same way; and
 * the elements are of parameters or of arrays the method makes, which the loop does not write:
 * it stores only into other arrays the method makes ({@code new}), no row is stored into a
 * matrix anywhere, and it calls no method that may write an array passed to it.
 */
public final class CarriedValues {
  private static final int DEPTH = 8;

  private final Function function;
  private final LoopFacts facts;
  /** Who mentions each variable (reads or writes it), statements nested in others included. */
  private final Map<Var, List<Stmt>> mentions = new HashMap<>();
  /** The assignment of each variable assigned once. */
  private final Map<Var, Assign> definitions = new HashMap<>();
  /** Arrays every assignment of which makes a new one. */
  private final Set<Var> made = new HashSet<>();
  private final Set<Var> params = new HashSet<>();
  private boolean rowsStored;
  /** The arrays some statement stores into, under whichever name. */
  private final Set<Var> writtenArrays = new HashSet<>();
  /** Arrays a row of which some variable names ({@code double[] r = m[i]}). */
  private final Set<Var> rowsTaken = new HashSet<>();
  /** The statements the rewrite drops: each carried scalar's copy before its loop and update. */
  private final Set<Stmt> dropped = Collections.newSetFromMap(new IdentityHashMap<>());
  /** The values before their loops that stay, each under a name of its own. */
  private final Map<Stmt, Assign> renamedInits = new IdentityHashMap<>();
  /** Per loop body, what its iterations start with: the carried values computed again. */
  private final Map<Block, List<Stmt>> starts = new IdentityHashMap<>();

  private CarriedValues(Function function) {
    this.function = function;
    this.facts = LoopFacts.of(function);
    function.params().forEach(p -> params.add(p.var()));
    Map<Var, Boolean> allNew = new HashMap<>();
    Statements.forEach(function.body(), stmt -> {
      Statements.vars(stmt).forEach(v ->
          mentions.computeIfAbsent(v, x -> new ArrayList<>()).add(stmt));
      if (stmt instanceof Assign assign) {
        if (facts.assignments(assign.target()) == 1) {
          definitions.put(assign.target(), assign);
        }
        allNew.merge(assign.target(), assign.value() instanceof NewArray, Boolean::logicalAnd);
      } else if (stmt instanceof Store store) {
        rowsStored |= store.value().type().isArray();
        writtenArrays.add(store.array());
      }
      if (stmt instanceof Assign assign && assign.target().type().isArray()
          && assign.value() instanceof Load row) {
        rowsTaken.add(row.array());
      }
    });
    allNew.forEach((v, fresh) -> {
      if (fresh && v.type().isArray()) {
        made.add(v);
      }
    });
  }

  /** {@code function} with the values its counted loops carry computed again per iteration. */
  public static Function of(Function function) {
    CarriedValues pass = new CarriedValues(function);
    Statements.forEach(function.body(), stmt -> {
      if (stmt instanceof Loop loop && loop.counted() != null) {
        pass.findCarried(loop);
      }
    });
    if (pass.starts.isEmpty()) {
      return function;
    }
    return new Function(function.name(), function.params(), function.result(),
        pass.rewritten(function.body()), function.names());
  }

  private void findCarried(Loop loop) {
    if (loop.counted().step() == Integer.MIN_VALUE) {
      return;
    }
    Set<Stmt> inBody = Collections.newSetFromMap(new IdentityHashMap<>());
    Statements.forEach(loop.body(), inBody::add);
    Set<Var> assigned = new HashSet<>();
    Set<Var> stored = new HashSet<>();
    boolean[] mayWrite = {false};
    Statements.forEach(loop, stmt -> {
      if (stmt instanceof Assign assign) {
        assigned.add(assign.target());
        if (assign.value() instanceof Call call && !call.callee().readsOnly()
            && call.args().stream().anyMatch(a -> a.type().isArray())) {
          mayWrite[0] = true;
        }
      } else if (stmt instanceof Declare declare) {
        assigned.add(declare.var());
      } else if (stmt instanceof Store store) {
        stored.add(store.array());
      }
    });
    if (mayWrite[0] || rowsStored || !made.containsAll(stored)) {
      return;
    }
    Lagging lagging = new Lagging(loop, assigned, stored);
    for (Stmt stmt : loop.body().statements()) {
      if (stmt instanceof Assign update && !update.target().type().isArray()) {
        carried(loop, update, inBody, lagging);
      }
    }
  }

  /** Records the rewrite of {@code update}'s variable if it is carried as the class says. */
  private void carried(Loop loop, Assign update, Set<Stmt> inBody, Lagging lagging) {
    Var p = update.target();
    if (p.equals(function.result()) || params.contains(p) || facts.assignments(p) != 2) {
      return;
    }
    Assign init = initOf(p, loop, update, inBody);
    if (init == null) {
      return;
    }
    Loop.Counted counted = loop.counted();
    if (counted.from() instanceof Var from && lagging.assigned.contains(from)) {
      return;
    }
    int step = counted.step();
    Operand back = Terms.binary(step > 0 ? Binary.Op.SUB : Binary.Op.ADD, counted.index(),
        Constant.integer(Math.abs(step)));
    Operand lagged = lagging.at(new Nested(update.value(), p.type()), back, update, 0);
    if (lagged == null) {
      return;
    }
    Operand before = Terms.binary(step > 0 ? Binary.Op.SUB : Binary.Op.ADD, counted.from(),
        Constant.integer(Math.abs(step)));
    Operand first = lagging.at(new Nested(update.value(), p.type()), before, update, 0);
    Operand firstValue = first == null ? null : valueOf(first, 0);
    boolean same = firstValue != null
        && firstValue.equals(valueOf(new Nested(init.value(), p.type()), 0));
    if (!same && init.value() instanceof Copy copy && copy.a() instanceof Var a
        && !keeps(a, init, loop)) {
      return;
    }
    // the value before the loop: a copy is dropped, anything else stays under a name of its own
    // (for what it may throw, x[0] of an empty x, and for the first iteration to read)
    Assign stays = init.value() instanceof Copy ? null
        : new Assign(new Var(function.names().fresh(p.name()), p.type()), init.value(),
            init.origin());
    Origin origin = update.origin();
    List<Stmt> start = new ArrayList<>();
    if (same) {
      start.add(assignment(p, lagged, start, origin));
    } else {
      Operand initial = stays != null ? stays.target() : ((Copy) init.value()).a();
      Var isFirst = new Var(function.names().numbered("c"), Type.BOOLEAN);
      start.add(assignment(isFirst, Terms.binary(Binary.Op.EQ, counted.index(), counted.from()),
          start, origin));
      start.add(new Declare(p));
      List<Stmt> later = new ArrayList<>();
      later.add(assignment(p, lagged, later, origin));
      start.add(new If(isFirst, new Block(List.of(new Assign(p, new Copy(initial), origin))),
          new Block(later), origin));
    }
    starts.computeIfAbsent(loop.body(), b -> new ArrayList<>()).addAll(start);
    dropped.add(update);
    if (stays == null) {
      dropped.add(init);
    } else {
      renamedInits.put(init, stays);
    }
  }

  /**
   * The assignment of {@code p} before {@code loop}, in the loop's block, if every other
   * statement naming {@code p} is in the loop's body before {@code update}; else null.
   */
  private Assign initOf(Var p, Loop loop, Assign update, Set<Stmt> inBody) {
    Assign init = null;
    for (Stmt s : mentions.getOrDefault(p, List.of())) {
      if (s == update) {
        continue;
      }
      if (s instanceof Assign assign && assign.target().equals(p)
          && facts.blockOf(assign) == facts.blockOf(loop)
          && facts.position(assign) < facts.position(loop)) {
        init = assign;
      } else if (!inBody.contains(s) || facts.position(s) > facts.position(update)
          || s instanceof Declare) {
        return null; // read after its update, after the loop, or declared apart
      }
    }
    return init;
  }

  /**
   * True if {@code a} holds the value it had at {@code init} all through {@code loop}: nothing
   * from {@code init} to the loop's end assigns it.
   */
  private boolean keeps(Var a, Assign init, Loop loop) {
    int from = facts.position(init);
    int[] end = {facts.position(loop)};
    Statements.forEach(loop, s -> end[0] = Math.max(end[0], facts.position(s)));
    for (Stmt s : mentions.getOrDefault(a, List.of())) {
      if ((s instanceof Assign assign && assign.target().equals(a)
          || s instanceof Declare declare && declare.var().equals(a))
          && facts.position(s) > from && facts.position(s) <= end[0]) {
        return false;
      }
    }
    return true;
  }

  /**
   * What {@code operand} computes, as an operand of parameters, arrays, constants and values
   * that are not cheap operations: the variables assigned once by cheap operations written out,
   * int literals as {@link Constant#integer}. Two operands compute the same value where these
   * are equal; null where the operand reads a variable assigned more than once.
   */
  private Operand valueOf(Operand operand, int depth) {
    if (operand instanceof Constant c) {
      return normalized(c);
    }
    if (operand instanceof Nested nested) {
      return valueOf(nested.expr(), nested.type(), depth);
    }
    Var v = (Var) operand;
    int assignments = facts.assignments(v);
    if (assignments == 0) {
      return params.contains(v) || facts.isCounter(v) ? v : null;
    }
    if (assignments > 1 || depth > DEPTH) {
      return null;
    }
    if (v.type().isArray()) {
      return v;
    }
    Operand value = valueOf(definitions.get(v).value(), v.type(), depth + 1);
    return value == null ? v : value;
  }

  private Operand valueOf(Expr value, Type type, int depth) {
    if (!isCheap(value) || value instanceof Load load && !unwritten(load.array())) {
      return null;
    }
    Map<Operand, Operand> operands = new HashMap<>();
    for (Operand o : value.operands()) {
      Operand mapped = valueOf(o, depth + 1);
      if (mapped == null) {
        return null;
      }
      operands.put(o, mapped);
    }
    return operation(Exprs.map(value, operands::get), type);
  }

  /** {@code value} as an operand: int arithmetic on literals folded, a copy as what it copies. */
  private static Operand operation(Expr value, Type type) {
    if (value instanceof Binary binary) {
      return Terms.binary(binary.op(), binary.a(), binary.b());
    }
    return value instanceof Copy copy ? copy.a() : new Nested(value, type);
  }

  /**
   * True if no statement of the method writes {@code array}'s elements: a parameter or an array
   * the method makes, no store into it or into anything that may share it (a parameter may be
   * another parameter; a row under another name is the array's), no row of it named, and no
   * call given it.
   */
  private boolean unwritten(Var array) {
    boolean shareable = params.contains(array) && !made.containsAll(writtenArrays);
    return (params.contains(array) || made.contains(array)) && !shareable
        && !writtenArrays.contains(array) && !rowsTaken.contains(array)
        && mentions.getOrDefault(array, List.of()).stream()
            .noneMatch(s -> s instanceof Assign a && a.value() instanceof Call);
  }

  private static boolean isCheap(Expr value) {
    return value instanceof Binary || value instanceof Unary || value instanceof Cast
        || value instanceof Copy || value instanceof Load;
  }

  private static Constant normalized(Constant c) {
    return c.type() == Type.INT && c.value() != null ? Constant.integer(c.value().intValue()) : c;
  }

  /**
   * {@code p = value} with {@code value}'s nested operations first assigned to temporaries of
   * their own, added to {@code out}, as the lowering writes them.
   */
  private Assign assignment(Var p, Operand value, List<Stmt> out, Origin origin) {
    if (!(value instanceof Nested nested)) {
      return new Assign(p, new Copy(value), origin);
    }
    return new Assign(p, Exprs.map(nested.expr(), o -> flat(o, out, origin)), origin);
  }

  private Operand flat(Operand operand, List<Stmt> out, Origin origin) {
    if (!(operand instanceof Nested nested)) {
      return operand;
    }
    Expr value = Exprs.map(nested.expr(), o -> flat(o, out, origin));
    Var t = new Var(function.names().numbered(nested.type() == Type.BOOLEAN ? "c" : "t"),
        nested.type());
    out.add(new Assign(t, value, origin));
    return t;
  }

  private Block rewritten(Block block) {
    List<Stmt> out = new ArrayList<>(starts.getOrDefault(block, List.of()));
    for (Stmt stmt : block.statements()) {
      if (renamedInits.containsKey(stmt)) {
        out.add(renamedInits.get(stmt));
      } else if (!dropped.contains(stmt)) {
        out.add(Statements.mapBlocks(stmt, this::rewritten));
      }
    }
    return new Block(out);
  }

  /** The values of one loop's iterations, written at another value of its counter. */
  private final class Lagging {
    private final Loop loop;
    private final Set<Var> assigned;
    private final Set<Var> stored;

    Lagging(Loop loop, Set<Var> assigned, Set<Var> stored) {
      this.loop = loop;
      this.assigned = assigned;
      this.stored = stored;
    }

    /**
     * {@code operand}, computed in the loop's body before {@code update}, as an operand of the
     * counter's value {@code index}: the counter becomes {@code index}, a value the body
     * assigns once directly before {@code update} by a cheap operation becomes that operation,
     * values the loop does not assign stay; null if anything else is read.
     */
    Operand at(Operand operand, Operand index, Assign update, int depth) {
      if (operand instanceof Constant c) {
        return normalized(c);
      }
      if (operand instanceof Nested nested) {
        return at(nested.expr(), nested.type(), index, update, depth);
      }
      Var v = (Var) operand;
      if (v.equals(loop.counted().index())) {
        return index;
      }
      if (!assigned.contains(v)) {
        return v;
      }
      Assign definition = definitions.get(v);
      if (definition == null || v.type().isArray()
          || facts.blockOf(definition) != loop.body()
          || facts.position(definition) > facts.position(update)) {
        return null;
      }
      return at(definition.value(), v.type(), index, update, depth);
    }

    private Operand at(Expr value, Type type, Operand index, Assign update, int depth) {
      if (depth > DEPTH || !isCheap(value) || value instanceof Load load
          && (assigned.contains(load.array()) || stored.contains(load.array())
              || !params.contains(load.array()) && !made.contains(load.array()))) {
        return null;
      }
      Map<Operand, Operand> operands = new HashMap<>();
      for (Operand o : value.operands()) {
        Operand mapped = at(o, index, update, depth + 1);
        if (mapped == null) {
          return null;
        }
        operands.put(o, mapped);
      }
      return operation(Exprs.map(value, operands::get), type);
    }
  }
}
