package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A backward loop nest that walks a matrix down its columns walks it along its rows, as a person
 * writes backpropagation. cs231n's forward pass {@code for (h) { double z = b1[h]; for (d) z +=
 * x[d] * W1[d][h]; hidden[h] = Math.max(0, z); }} reads {@code W1} by columns; its backward pass,
 * as the transformation gives it, adds into {@code dW1[d][h]} by columns too, one short inner loop
 * per unit:
 *
 * <pre>{@code
 * for (h) { double dz = relu'(dhidden[h]); dhidden[h] = 0.0; for (d) dW1[d][h] += x[d] * dz;
 *           db1[h] += dz; }
 * }</pre>
 *
 * Here it becomes three loops: the per-unit statements, which leave each unit's {@code dz} in the
 * element of {@code dhidden} that they have just read and cleared; the nest interchanged, reading
 * {@code dz} back ({@code for (d) for (h) dW1[d][h] += x[d] * dhidden[h]}); and a loop that clears
 * {@code dhidden} again. No array is made.
 *
 * <p>Every variable and element receives the same contributions in the same order as before: the
 * outer loop's statements keep their order; each
 * element the inner loop adds into is indexed by one of the two counters (one contribution per
 * pair, or the contributions of one row or column in the order that counter ran), and the new
 * inner loop runs in the old outer loop's direction. The inner loop's bounds do not depend on the
 * outer counter, it reads no array either loop writes and no value of the outer iteration but the
 * one carried through the cleared element, and its statements only declare locals and add into
 * elements. An element the new inner loop adds into at every iteration ({@code dx[d]} over the
 * units, {@code dhidden[h]} over the classes) is summed in a local first and added once after it
 * ({@link ElementSums}), as a person sums a dot product in a register: the same contributions in
 * the same order, one rounding where the element held something before. An inner loop that reads nothing of the outer iteration (it reads {@code dy[i]}
 * itself) needs no carrier: the outer iteration's other statements run in a loop of their own
 * before the nest. A skip of the inner loop where the carried value is zero ({@link
 * ZeroSkipping}) is dropped: a row walk is cheaper than the test, and a zero contribution adds
 * nothing (where the other factor is infinite or NaN it adds NaN, as the sweep does without the
 * skip).
 */
public final class RowWalks {
  private final NameScope names;
  private final Set<Var> shared;

  private RowWalks(Pullback pullback) {
    this.names = pullback.primal().names();
    this.shared = BackStmts.sharedArrays(pullback.body());
  }

  /** {@code pullback} with its backward column walks turned into row walks. */
  public static Pullback of(Pullback pullback) {
    RowWalks pass = new RowWalks(pullback);
    return pullback.withBody(BackStmts.spliced(pullback.body(),
        stmt -> stmt instanceof ReverseLoop loop ? pass.interchanged(loop) : null));
  }

  /** The loops that replace {@code outer}, or null if it is not a column walk to turn. */
  private List<Stmt> interchanged(ReverseLoop outer) {
    if (!counted(outer)) {
      return null;
    }
    List<Stmt> body = outer.body().statements();
    int at = -1;
    ReverseLoop inner = null;
    for (int i = 0; i < body.size(); i++) {
      ReverseLoop nest = nested(body.get(i));
      if (nest != null) {
        if (inner != null) {
          return null;
        }
        inner = nest;
        at = i;
      } else if (!straight(body.get(i))) {
        return null;
      }
    }
    if (inner == null || !counted(inner)) {
      return null;
    }
    Var h = outer.loop().counted().index();
    Var d = inner.loop().counted().index();
    List<Stmt> around = new ArrayList<>(body);
    around.remove(at);
    Set<Var> aroundDefines = new HashSet<>();
    around.forEach(s -> aroundDefines.addAll(BackStmts.assigned(s)));
    Set<Var> bounds = Exprs.vars(List.of(inner.from(), inner.last(), outer.from(), outer.last()));
    if (Exprs.vars(List.of(inner.from(), inner.last())).contains(h)
        || bounds.stream().anyMatch(aroundDefines::contains)) {
      return null;
    }
    Set<Var> carried = carried(inner, body.get(at), aroundDefines);
    if (carried == null || carried.size() > 1) {
      return null;
    }
    Var value = carried.isEmpty() ? null : carried.iterator().next();
    Var slot = value == null ? null
        : slot(body.subList(0, at), body.subList(at + 1, body.size()), h);
    if (value != null && (value.type() != Type.DOUBLE || slot == null)
        || !columnWalk(inner, h, d, slot, around)) {
      return null;
    }
    if (slot == null) {
      List<Stmt> out = new ArrayList<>();
      if (around.stream().anyMatch(s -> !(s instanceof Comment))) {
        out.add(outer.withBody(new Block(around)));
      }
      out.add(new Comment("the nest turned to walk rows"));
      out.add(turned(outer, inner, null, null));
      return out;
    }
    List<Stmt> first = new ArrayList<>(body.subList(0, at));
    first.removeIf(s -> s instanceof Store reset && reset.array().equals(slot));
    if (!readFrom(first, value, new Load(slot, List.of(h)))) {
      first.add(new Store(slot, List.of(h), value, null));
    }
    first.addAll(body.subList(at + 1, body.size()));
    String element = slot.name() + "[" + h.name() + "]";
    return List.of(outer.withBody(new Block(first)),
        new Comment("the nest turned to walk rows, " + element + " holding each "
            + value.name()),
        turned(outer, inner, value, slot),
        new Comment(element + " cleared again"),
        outer.withBody(new Block(List.of(new Store(slot, List.of(h), Constant.ZERO, null)))));
  }

  /**
   * The nest with its loops swapped: the inner loop outside, its declarations that do not depend
   * on the outer counter before the outer loop, which reads the carried value (if any) from its
   * slot.
   */
  private ReverseLoop turned(ReverseLoop outer, ReverseLoop inner, Var carried, Var slot) {
    Var h = outer.loop().counted().index();
    List<Stmt> body = new ArrayList<>();
    Var value = carried == null ? null : new Var(names.fresh(carried.name()), Type.DOUBLE);
    if (value != null) {
      body.add(new Declare(value, new Load(slot, List.of(h))));
    }
    inner.body().statements()
        .forEach(stmt -> body.add(value == null ? stmt : BackStmts.renamed(stmt, carried, value)));
    BackStmts.Hoisted split = BackStmts.hoisted(body, h);
    List<Stmt> nest = new ArrayList<>(split.first());
    // an element the new inner loop adds into in every iteration is summed in a local
    nest.addAll(ElementSums.of(List.of(outer.withBody(new Block(split.inside()))), names,
        shared));
    return inner.withBody(new Block(nest));
  }


  /**
   * True if the last statement of {@code before} that assigns {@code v} reads it from
   * {@code element}.
   */
  private static boolean readFrom(List<Stmt> before, Var v, Load element) {
    for (int i = before.size() - 1; i >= 0; i--) {
      Stmt stmt = before.get(i);
      if (BackStmts.assigned(stmt).contains(v)) {
        Operand value = stmt instanceof Accumulate add && add.declares() ? add.value() : null;
        return stmt instanceof Declare declare && element.equals(declare.init())
            || stmt instanceof Assign assign && element.equals(assign.value())
            || value instanceof Nested nested && element.equals(nested.expr());
      }
    }
    return false;
  }

  private static boolean counted(ReverseLoop loop) {
    return loop.loop().counted() != null && loop.trips() == null;
  }

  /** The loop {@code stmt} is, or runs alone under a zero skip; else null. */
  private static ReverseLoop nested(Stmt stmt) {
    if (stmt instanceof ReverseLoop loop) {
      return loop;
    }
    if (stmt instanceof If skip && skip.otherwise().isEmpty()) {
      List<Stmt> then = skip.then().statements().stream()
          .filter(s -> !(s instanceof Comment)).toList();
      return then.size() == 1 && then.get(0) instanceof ReverseLoop loop ? loop : null;
    }
    return null;
  }

  /**
   * A statement without nested blocks that only computes, adds, stores or puts back a saved
   * scalar (the outer loop's own statements keep their order, so their pops do too).
   */
  private static boolean straight(Stmt stmt) {
    return stmt instanceof Assign || stmt instanceof Declare || stmt instanceof Accumulate
        || stmt instanceof Store || stmt instanceof Comment
        || stmt instanceof Pop pop && pop.indices().isEmpty();
  }

  /**
   * The values of the outer iteration that the inner loop (and its zero skip) reads; null if the
   * inner loop's statements do more than declare locals and add into elements.
   */
  private static Set<Var> carried(ReverseLoop inner, Stmt nest, Set<Var> aroundDefines) {
    Set<Var> local = new HashSet<>();
    Set<Var> reads = new HashSet<>();
    if (nest instanceof If skip) {
      reads.addAll(Exprs.vars(skip.condition()));
    }
    for (Stmt stmt : inner.body().statements()) {
      if (stmt instanceof Comment) {
        continue;
      }
      Var declared = BackStmts.declared(stmt);
      Var target = stmt instanceof Accumulate add ? add.target()
          : stmt instanceof Assign assign ? assign.target() : declared;
      boolean element = stmt instanceof Accumulate add && add.intoElement();
      if (declared != null) {
        local.add(declared);
      } else if (!element && !local.contains(target)) {
        return null; // writes a variable of the outer iteration, or is no computation
      }
      List<Operand> operands = new ArrayList<>(Statements.operands(stmt));
      operands.remove(target);
      reads.addAll(Exprs.vars(operands));
    }
    reads.removeAll(local);
    reads.retainAll(aroundDefines);
    return reads;
  }

  /**
   * The adjoint array whose element at the outer counter the outer iteration reads and then
   * clears before the inner loop, and touches no other way: free to carry {@code carried} to the
   * interchanged nest.
   */
  private Var slot(List<Stmt> before, List<Stmt> after, Var h) {
    for (Stmt stmt : before) {
      if (stmt instanceof Store reset && reset.indices().equals(List.of(h))
          && reset.value() instanceof Constant zero && zero.is(0)
          && reset.array().type() == Type.DOUBLE_ARRAY && !shared.contains(reset.array())
          && onlyReadAndCleared(before, reset, h)
          && after.stream().noneMatch(s -> Statements.vars(s).contains(reset.array()))) {
        return reset.array();
      }
    }
    return null;
  }

  private static boolean onlyReadAndCleared(List<Stmt> around, Store reset, Var h) {
    boolean cleared = false;
    for (Stmt stmt : around) {
      if (stmt == reset) {
        cleared = true;
      } else if (Statements.vars(stmt).contains(reset.array())
          && (cleared || !readsOnlyAt(stmt, reset.array(), h))) {
        return false;
      }
    }
    return cleared;
  }

  /**
   * True if {@code stmt} computes a scalar and names {@code array} only to read it at
   * {@code h}.
   */
  private static boolean readsOnlyAt(Stmt stmt, Var array, Var h) {
    Load element = new Load(array, List.of(h));
    if (stmt instanceof Declare declare && declare.init() != null) {
      return declare.init().equals(element) || !mentions(declare.init().operands(), array, element);
    }
    if (stmt instanceof Assign assign) {
      return assign.value().equals(element) || !mentions(assign.value().operands(), array, element);
    }
    return stmt instanceof Accumulate add && !add.intoElement()
        && !mentions(List.of(add.value()), array, element);
  }

  /** True if {@code operands} name {@code array} other than in {@code element}. */
  private static boolean mentions(List<Operand> operands, Var array, Load element) {
    for (Operand operand : operands) {
      if (operand.equals(array) || operand instanceof Nested nested
          && !nested.expr().equals(element) && mentions(nested.expr().operands(), array, element)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True if the inner loop adds into a matrix down a column (outer counter last) and nowhere
   * along a row, each element it adds into is indexed by a counter, and it reads no array the
   * nest writes.
   */
  private boolean columnWalk(ReverseLoop inner, Var h, Var d, Var slot, List<Stmt> around) {
    Set<Var> written = new HashSet<>();
    Set<Var> read = new HashSet<>();
    boolean down = false;
    for (Stmt stmt : inner.body().statements()) {
      if (stmt instanceof Accumulate add && add.intoElement()) {
        int row = add.indices().indexOf(d);
        int column = add.indices().indexOf(h);
        if (row < 0 && column < 0 || row >= 0 && column >= 0 && column < row) {
          return false;
        }
        down |= row >= 0 && column > row;
        written.add(add.target());
      }
      read.addAll(BackStmts.elementsRead(stmt));
    }
    Set<Var> aroundArrays = new HashSet<>();
    around.forEach(s -> Statements.vars(s).stream().filter(v -> v.type().isArray())
        .forEach(aroundArrays::add));
    if (slot != null) {
      aroundArrays.add(slot);
    }
    for (Var array : written) {
      if (shared.contains(array) || read.contains(array) || aroundArrays.contains(array)) {
        return false;
      }
    }
    for (Var array : read) {
      if (shared.contains(array) || aroundArrays.contains(array) && writes(around, array)) {
        return false;
      }
    }
    return down;
  }

  private static boolean writes(List<Stmt> around, Var array) {
    return around.stream().anyMatch(s -> s instanceof Store store && store.array().equals(array)
        || s instanceof Accumulate add && add.target().equals(array));
  }
}
