package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Push;
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
 * The forward counterpart of {@link RowWalks}: a sum accumulated down a matrix's columns in the
 * pullback's forward sweep is accumulated along its rows, in the array that receives it.
 * cs231n's {@code for (h) { double z = b1[h]; for (d) z += x[d] * W1[d][h]; hidden[h] =
 * Math.max(0, z); }} becomes
 *
 * <pre>{@code
 * for (h) { double z = b1[h]; hidden[h] = z; }
 * for (d) { double xd = x[d]; for (h) hidden[h] += xd * W1[d][h]; }
 * for (h) { double z = hidden[h]; hidden[h] = Math.max(0, z); }
 * }</pre>
 *
 * Each sum receives its terms in the same order (the loop over {@code d} still runs them in
 * order for each {@code h}), so the values are the same bit for bit; the element {@code
 * hidden[h]} holds it in between, since nothing reads that array in the nest before the store
 * that gives it its value. The pullback's forward sweep then walks rows where the primal, as the
 * user wrote it, walks columns.
 *
 * <p>Taken only when safe: the outer loop's statements before the inner loop declare locals or
 * start the sum (nothing saved, nothing stored), the inner loop declares locals and adds one term
 * to the sum, reading nothing the outer iteration computes but the counter, and its bounds do not
 * change between outer iterations; the statements after it read no local of the statements
 * before but the sum, and name the receiving array only to store at the outer counter.
 */
public final class RowSums {
  private final Set<Var> shared;

  private RowSums(Pullback pullback) {
    this.shared = BackStmts.sharedArrays(pullback.body());
  }

  /** {@code pullback} with its forward sweep's column sums taken along rows. */
  public static Pullback of(Pullback pullback) {
    RowSums pass = new RowSums(pullback);
    return pullback.withBody(BackStmts.spliced(pullback.body(),
        stmt -> stmt instanceof Loop loop ? pass.turned(loop) : null));
  }

  /** The loops that replace {@code outer}, or null if it is not a column sum to turn. */
  private List<Stmt> turned(Loop outer) {
    if (!plainCounted(outer)) {
      return null;
    }
    List<Stmt> body = outer.body().statements();
    int at = -1;
    for (int i = 0; i < body.size(); i++) {
      if (body.get(i) instanceof Loop) {
        if (at >= 0) {
          return null;
        }
        at = i;
      }
    }
    if (at < 0 || !plainCounted((Loop) body.get(at))) {
      return null;
    }
    Loop inner = (Loop) body.get(at);
    List<Stmt> before = body.subList(0, at);
    List<Stmt> after = body.subList(at + 1, body.size());
    Store into = elementSum(inner, outer.counted().index());
    if (into != null) {
      return intoElement(outer, inner, before, after, into.array());
    }
    Var sum = sum(inner);
    Var h = outer.counted().index();
    Set<Var> beforeLocals = new HashSet<>();
    for (Stmt stmt : before) {
      if (stmt instanceof Declare declare && declare.init() != null) {
        beforeLocals.add(declare.var());
      } else if (!(stmt instanceof Comment || stmt instanceof Assign assign
          && assign.target().equals(sum))) {
        return null;
      }
    }
    Set<Var> changing = new HashSet<>(beforeLocals);
    for (Stmt stmt : after) {
      if (!straight(stmt) || Statements.vars(stmt).stream()
          .anyMatch(v -> beforeLocals.contains(v) && !v.equals(sum))) {
        return null;
      }
      changing.addAll(BackStmts.assigned(stmt));
    }
    if (sum == null || !before.stream().anyMatch(s -> BackStmts.assigned(s).contains(sum))
        || boundsChange(outer, changing)) {
      return null;
    }
    Loop.Counted range = invariantRange(inner, before, changing, h);
    Var slot = range == null ? null : slot(after, h);
    if (slot == null || !readsInvariants(inner, sum, changing, slot, h, after)) {
      return null;
    }
    Load element = new Load(slot, List.of(h));
    List<Stmt> started = new ArrayList<>(before);
    started.add(new Store(slot, List.of(h), sum, null));
    List<Stmt> first = withoutUnread(started);
    List<Stmt> last = new ArrayList<>();
    last.add(beforeLocals.contains(sum) ? new Declare(sum, element) : new Assign(sum, element,
        null));
    last.addAll(after);
    List<Stmt> loops = new ArrayList<>(List.of(outer.withBody(new Block(first)),
        new Comment("the sums taken along rows, each in " + slot.name() + "[" + h.name() + "]"),
        nest(outer, inner, range, sum, slot)));
    List<Stmt> afterCode = after.stream().filter(s -> !(s instanceof Comment)).toList();
    boolean storedAsItIs = beforeLocals.contains(sum) && afterCode.size() == 1
        && afterCode.get(0) instanceof Store store && store.value().equals(sum);
    if (!storedAsItIs) {
      loops.add(outer.withBody(new Block(last)));
    }
    return loops;
  }

  /**
   * A nest that adds down columns straight into the elements of an array at the outer counter
   * ({@code for (h) for (d) y[h] += W[d][h] * x[d]}), turned: nothing needs carrying, the
   * element is the sum. The statements around the inner loop may only declare locals before it
   * and must not name {@code y} after it.
   */
  private List<Stmt> intoElement(Loop outer, Loop inner, List<Stmt> before, List<Stmt> after,
      Var y) {
    Var h = outer.counted().index();
    Set<Var> changing = new HashSet<>();
    for (Stmt stmt : before) {
      if (!(stmt instanceof Comment || stmt instanceof Declare declare && declare.init() != null)) {
        return null;
      }
      changing.addAll(BackStmts.assigned(stmt));
    }
    Set<Var> beforeLocals = Set.copyOf(changing);
    for (Stmt stmt : after) {
      Set<Var> named = Statements.vars(stmt);
      if (!straight(stmt) || named.contains(y) || named.stream().anyMatch(beforeLocals::contains)) {
        return null;
      }
      changing.addAll(BackStmts.assigned(stmt));
    }
    Loop.Counted range = boundsChange(outer, changing) || shared.contains(y) ? null
        : invariantRange(inner, before, changing, h);
    if (range == null || !readsInvariants(inner, null, changing, y, h, after)) {
      return null;
    }
    List<Stmt> loops = new ArrayList<>();
    List<Stmt> first = withoutUnread(before);
    if (first.stream().anyMatch(s -> !(s instanceof Comment))) {
      loops.add(outer.withBody(new Block(first)));
    }
    loops.add(new Comment("the sums taken along rows"));
    loops.add(nest(outer, inner, range, null, y));
    if (after.stream().anyMatch(s -> !(s instanceof Comment))) {
      loops.add(outer.withBody(new Block(after)));
    }
    return loops;
  }

  /** True if {@code outer}'s bounds read a variable in {@code changing}. */
  private static boolean boundsChange(Loop outer, Set<Var> changing) {
    return Exprs.vars(List.of(outer.counted().from(), outer.counted().to())).stream()
        .anyMatch(changing::contains);
  }

  /** {@code statements} without the declarations nothing among them reads. */
  private static List<Stmt> withoutUnread(List<Stmt> statements) {
    Set<Var> read = new HashSet<>();
    statements.forEach(s -> read.addAll(Exprs.vars(Statements.operands(s).stream()
        .filter(o -> !BackStmts.assigned(s).contains(o)).toList())));
    return statements.stream()
        .filter(s -> !(s instanceof Declare local && !read.contains(local.var()))).toList();
  }

  /**
   * The inner loop's one addition into an element at the outer counter ({@code y[h] += t}), if
   * its other statements only declare locals; else null.
   */
  private static Store elementSum(Loop inner, Var h) {
    Store into = null;
    for (Stmt stmt : inner.body().statements()) {
      if (stmt instanceof Store store && into == null && store.compound() == Binary.Op.ADD
          && store.indices().equals(List.of(h)) && store.array().type() == Type.DOUBLE_ARRAY) {
        into = store;
      } else if (!(stmt instanceof Comment || stmt instanceof Declare declare
          && declare.init() != null)) {
        return null;
      }
    }
    return into;
  }

  /** The inner loop outside, its declarations independent of the outer counter before it. */
  private static Loop nest(Loop outer, Loop inner, Loop.Counted range, Var sum, Var slot) {
    Var h = outer.counted().index();
    List<Stmt> body = new ArrayList<>();
    for (Stmt stmt : inner.body().statements()) {
      if (stmt instanceof Assign add) {
        Binary plus = (Binary) add.value();
        Operand term = plus.a().equals(sum) ? plus.b() : plus.a();
        body.add(new Store(slot, List.of(h), term, Binary.Op.ADD, add.origin()));
      } else {
        body.add(stmt);
      }
    }
    BackStmts.Hoisted split = BackStmts.hoisted(body, h);
    List<Stmt> nest = new ArrayList<>(split.first());
    nest.add(outer.withBody(new Block(split.inside())));
    return new Loop(inner.header(), inner.test(), new Block(nest), false, range, inner.origin());
  }


  private static boolean plainCounted(Loop loop) {
    return loop.counted() != null && loop.header().isEmpty() && loop.test() == null
        && !loop.testAtEnd();
  }

  /**
   * The one variable the inner loop sums into ({@code s = s + t}), a {@code double}, if the
   * loop's other statements only declare locals; else null.
   */
  private static Var sum(Loop inner) {
    Var sum = null;
    for (Stmt stmt : inner.body().statements()) {
      if (stmt instanceof Assign assign && assign.target().type() == Type.DOUBLE && sum == null
          && assign.value() instanceof Binary plus && plus.op() == Binary.Op.ADD
          && (plus.a().equals(assign.target()) != plus.b().equals(assign.target()))) {
        sum = assign.target();
      } else if (!(stmt instanceof Comment || stmt instanceof Declare declare
          && declare.init() != null)) {
        return null;
      }
    }
    return sum;
  }

  /**
   * The inner loop's range with each bound a local of the outer iteration ({@code int t4 =
   * W1.length}) replaced by its value, if that value does not change between outer iterations;
   * null if a bound does.
   */
  private static Loop.Counted invariantRange(Loop inner, List<Stmt> before, Set<Var> changing,
      Var h) {
    Loop.Counted counted = inner.counted();
    Operand from = invariant(counted.from(), before, changing, h);
    Operand to = invariant(counted.to(), before, changing, h);
    return from == null || to == null ? null
        : new Loop.Counted(counted.index(), from, to, counted.inclusive(), counted.step());
  }

  private static Operand invariant(Operand bound, List<Stmt> before, Set<Var> changing, Var h) {
    Set<Var> reads = Exprs.vars(bound);
    if (reads.contains(h)) {
      return null;
    }
    if (!(bound instanceof Var v && changing.contains(v))) {
      return reads.stream().anyMatch(changing::contains) ? null : bound;
    }
    for (Stmt stmt : before) {
      if (stmt instanceof Declare declare && declare.var().equals(v)) {
        Expr value = declare.init();
        Set<Var> uses = Exprs.vars(value.operands());
        return uses.contains(h) || uses.stream().anyMatch(changing::contains) ? null
            : new Nested(value, v.type());
      }
    }
    return null;
  }

  /**
   * The array the statements after the inner loop store into at {@code h} and name no other
   * way.
   */
  private Var slot(List<Stmt> after, Var h) {
    for (Stmt stmt : after) {
      if (stmt instanceof Store store && store.compound() == null
          && store.indices().equals(List.of(h)) && store.array().type() == Type.DOUBLE_ARRAY
          && !shared.contains(store.array())
          && after.stream().allMatch(s -> s instanceof Store other
              && other.array().equals(store.array()) && other.indices().equals(List.of(h))
              || !Statements.vars(s).contains(store.array()))) {
        return store.array();
      }
    }
    return null;
  }

  /**
   * True if the inner loop reads, besides its own locals and the sum (in the sum's statement
   * only), only the outer counter and values no outer iteration changes ({@code changing}, and
   * arrays stored into after it), walking a matrix down a column.
   */
  private boolean readsInvariants(Loop inner, Var sum, Set<Var> changing, Var slot, Var h,
      List<Stmt> after) {
    Set<Var> written = new HashSet<>(List.of(slot));
    after.forEach(s -> {
      if (s instanceof Store store) {
        written.add(store.array());
      }
    });
    Var d = inner.counted().index();
    boolean down = false;
    for (Stmt stmt : inner.body().statements()) {
      if (stmt instanceof Comment) {
        continue;
      }
      List<Operand> operands = new ArrayList<>(Statements.operands(stmt));
      operands.remove(stmt instanceof Assign assign ? assign.target()
          : stmt instanceof Store into ? into.array() : ((Declare) stmt).var());
      for (Var v : Exprs.vars(operands)) {
        boolean summed = v.equals(sum) && stmt instanceof Assign;
        if (changing.contains(v) && !summed || written.contains(v)
            || v.type().isArray() && shared.contains(v)) {
          return false;
        }
      }
      Set<Var> arrays = new HashSet<>(BackStmts.elementsRead(stmt));
      if (stmt instanceof Store into) {
        arrays.remove(into.array()); // the sum itself, added into, not read
      }
      for (Var array : arrays) {
        if (written.contains(array)) {
          return false;
        }
      }
      Expr value = stmt instanceof Declare declare ? declare.init() : null;
      if (value instanceof Load load) {
        int row = load.indices().indexOf(d);
        int column = load.indices().indexOf(h);
        if (row >= 0 && column >= 0 && column < row) {
          return false;
        }
        down |= row >= 0 && column > row;
      }
    }
    return down;
  }

  /** A statement of the outer iteration after the sum that the last loop may run as it is. */
  private static boolean straight(Stmt stmt) {
    return stmt instanceof Assign || stmt instanceof Declare || stmt instanceof Store
        || stmt instanceof Push || stmt instanceof Comment;
  }
}
