package dev.adjoint.processor.analysis;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shift of a log-sum-exp, which cancels: in
 * <pre>
 * double s = 0;
 * for (int i = 0; i &lt; n; i++) s = s + Math.exp(a[i] - c);
 * double v = Math.log(s) + c;
 * </pre>
 * {@code v} does not depend on {@code c}: {@code dv/dc = 1 - sum_i exp(a_i - c) / s = 0}, which
 * is why the source may subtract any {@code c} (the largest {@code a[i]}, so that no
 * exponential overflows). Differentiated step by step, {@code c}'s adjoint is that zero computed
 * as {@code dv - sum_i dv exp(a_i - c) / s}, a rounding residual that {@code Math.max} then routes
 * to the element that won: work in the forward sweep (the winner's index) and in the backward
 * one (the sum, a pass that must end before the elements' adjoints are read), and no digit of the
 * gradient. So those operands {@code c} carry no derivative, as a person differentiating the
 * formula would write it (JAX's {@code logsumexp} stops the gradient of its maximum the same
 * way); the gradient is the exact one, {@code da_i = dv exp(a_i - c) / s}. Where something
 * else takes a derivative from {@code c}, {@code c} stays active and every read adds into its
 * adjoint as before (the two dropped contributions, both still there, add up to zero); where
 * nothing does, {@code c} is not active at all.
 *
 * <p>What is required, so that the contributions dropped are the ones that add up to zero: in
 * one block, {@code s} is set to zero (directly, or a copy of a variable that is); the
 * statements after it, up to the one that holds {@code v}, add into {@code s} only terms
 * {@code e = Math.exp(u)} with {@code u = a - c}, {@code e} and {@code u} read nowhere else (a
 * row that keeps {@code e} for the backward sweep aside), take {@code Math.log(s)}, read nowhere
 * but in {@code v}, and do not assign {@code c}; nothing else takes a derivative from {@code s}.
 * Where the sum has no terms when it is read, {@code v} is {@code log(0) + c}, minus infinity,
 * whose derivative in {@code c} is dropped as well.
 */
public final class ShiftedLogSumExps {
  /** Where a statement sits: each block around it, outermost first, and its index there. */
  private record Slot(Block block, int index) {}

  private final Map<Var, List<Assign>> defs = new HashMap<>();
  /** The statements that read each variable, but those that take no derivative from it. */
  private final Map<Var, List<Stmt>> readers = new HashMap<>();
  private final Map<Stmt, List<Slot>> slots = new IdentityHashMap<>();
  /** The operands that carry no derivative, by assignment: at most one per assignment. */
  private final Map<Assign, Integer> cancelled = new IdentityHashMap<>();

  private ShiftedLogSumExps(Function function) {
    walk(function.body(), List.of());
    readers.computeIfAbsent(function.result(), v -> new ArrayList<>()).add(null);
    Statements.forEachAssign(function.body(), this::tryShiftedSum);
  }

  /**
   * For each assignment, the index of its operand that carries no derivative because it is the
   * cancelling shift of a log-sum-exp (both its subtractions and the sum that adds it back).
   */
  public static Map<Assign, Integer> of(Function function) {
    return new ShiftedLogSumExps(function).cancelled;
  }

  private void walk(Block block, List<Slot> around) {
    List<Stmt> statements = block.statements();
    for (int i = 0; i < statements.size(); i++) {
      Stmt stmt = statements.get(i);
      List<Slot> here = new ArrayList<>(around);
      here.add(new Slot(block, i));
      slots.put(stmt, here);
      if (stmt instanceof Assign assign) {
        defs.computeIfAbsent(assign.target(), v -> new ArrayList<>()).add(assign);
      }
      // a comparison (mx >= a[i]) or a cast to int reads without taking a derivative
      if (!(stmt instanceof Assign assign
          && !Activity.carriesDerivative(assign.target().type()))) {
        for (Var read : reads(stmt)) {
          readers.computeIfAbsent(read, v -> new ArrayList<>()).add(stmt);
        }
      }
      if (stmt instanceof If branch) {
        walk(branch.then(), here);
        walk(branch.otherwise(), here);
      } else if (stmt instanceof Loop loop) {
        walk(loop.header(), here);
        walk(loop.body(), here);
      }
    }
  }

  /** The variables one statement reads, once per operand that names them. */
  private static List<Var> reads(Stmt stmt) {
    var operands = Statements.operands(stmt);
    boolean writes = stmt instanceof Assign || stmt instanceof Declare declare
        && declare.init() != null;
    List<Var> vars = new ArrayList<>();
    for (var operand : writes ? operands.subList(1, operands.size()) : operands) {
      vars.addAll(Exprs.vars(List.of(operand)));
    }
    return vars;
  }

  /** {@code v = log(s) + c} (or {@code c + log(s)}): its shift {@code c} if it cancels. */
  private void tryShiftedSum(Assign sum) {
    if (!(sum.value() instanceof Binary add) || add.op() != Binary.Op.ADD
        || !(add.a() instanceof Var a) || !(add.b() instanceof Var b) || a.equals(b)) {
      return;
    }
    if (cancels(sum, a, b)) {
      cancelled.put(sum, 1);
    } else if (cancels(sum, b, a)) {
      cancelled.put(sum, 0);
    }
  }

  private boolean cancels(Assign sum, Var log, Var shift) {
    Assign logOfSum = only(defs.get(log));
    if (logOfSum == null || !readOnlyBy(log, sum) || shift.type() != Type.DOUBLE
        || !(logOfSum.value() instanceof MathCall call) || !isMath(call, "log")
        || !(call.args().get(0) instanceof Var s) || s.equals(shift)) {
      return false;
    }
    Assign start = null;
    List<Assign> subtractions = new ArrayList<>();
    for (Assign def : defs.getOrDefault(s, List.of())) {
      Var term = addedTo(def, s);
      if (term == null) {
        if (start != null || !startsAtZero(def)) {
          return false;
        }
        start = def;
        continue;
      }
      Assign subtraction = shiftedExponential(term, shift);
      if (subtraction == null) {
        return false;
      }
      subtractions.add(subtraction);
    }
    for (Stmt reader : readers.get(s)) {
      if (reader != logOfSum && !(reader instanceof Assign def && def.target().equals(s))) {
        return false;
      }
    }
    if (start == null || subtractions.isEmpty()) {
      return false;
    }
    List<Slot> startSlots = slots.get(start);
    Slot from = startSlots.get(startSlots.size() - 1);
    Slot to = slotIn(sum, from.block());
    if (to == null || to.index() <= from.index()) {
      return false;
    }
    List<Stmt> inside = new ArrayList<>(subtractions);
    inside.add(logOfSum);
    inside.addAll(defs.get(s));
    inside.remove(start);
    for (Stmt stmt : inside) {
      Slot at = slotIn(stmt, from.block());
      if (at == null || at.index() <= from.index() || at.index() > to.index()) {
        return false;
      }
    }
    for (Assign def : defs.getOrDefault(shift, List.of())) {
      Slot at = slotIn(def, from.block());
      if (at != null && at.index() > from.index() && at.index() <= to.index()) {
        return false;
      }
    }
    for (Assign subtraction : subtractions) {
      cancelled.put(subtraction, 1);
    }
    return true;
  }

  /** {@code e} in {@code s = s + e} or {@code s = e + s}, else null. */
  private static Var addedTo(Assign def, Var s) {
    if (def.value() instanceof Binary add && add.op() == Binary.Op.ADD) {
      if (add.a().equals(s) && add.b() instanceof Var e && !e.equals(s)) {
        return e;
      }
      if (add.b().equals(s) && add.a() instanceof Var e && !e.equals(s)) {
        return e;
      }
    }
    return null;
  }

  /** {@code s = 0}, or {@code s = z} with {@code z = 0} read there only. */
  private boolean startsAtZero(Assign def) {
    if (!(def.value() instanceof Copy copy)) {
      return false;
    }
    if (copy.a() instanceof Constant zero) {
      return zero.is(0);
    }
    if (copy.a() instanceof Var z && readOnlyBy(z, def)) {
      Assign zDef = only(defs.get(z));
      return zDef != null && zDef.value() instanceof Copy c && c.a() instanceof Constant zero
          && zero.is(0);
    }
    return false;
  }

  /**
   * The assignment {@code u = a - shift} of {@code term = Math.exp(u)}, each assigned once and
   * read once (by the sum, rows kept aside apart, and by the exponential), else null.
   */
  private Assign shiftedExponential(Var term, Var shift) {
    Assign exponential = only(defs.get(term));
    long sums = readers.get(term).stream().filter(r -> !keptAside(r, term)).count();
    if (exponential == null || sums != 1
        || !(exponential.value() instanceof MathCall call) || !isMath(call, "exp")
        || !(call.args().get(0) instanceof Var u) || !readOnlyBy(u, exponential)) {
      return null;
    }
    Assign subtraction = only(defs.get(u));
    return subtraction != null && subtraction.value() instanceof Binary sub
        && sub.op() == Binary.Op.SUB && sub.b().equals(shift) && !sub.a().equals(shift)
        ? subtraction : null;
  }

  /**
   * True if {@code reader} stores {@code term} into an array nothing reads: a row of values the
   * forward sweep keeps for the backward one ({@code t32Row[i] = t32}), which the result does not
   * depend on.
   */
  private boolean keptAside(Stmt reader, Var term) {
    return reader instanceof Store store && store.value().equals(term)
        && !store.indices().contains(term)
        && readers.get(store.array()).stream().allMatch(r -> r instanceof Store other
            && other.array().equals(store.array()) && !other.indices().contains(store.array())
            && !other.value().equals(store.array()));
  }

  private boolean readOnlyBy(Var v, Stmt reader) {
    List<Stmt> all = readers.get(v);
    return all != null && all.size() == 1 && all.get(0) == reader;
  }

  /** The slot of {@code block} that holds {@code stmt}, itself or around it; null if none. */
  private Slot slotIn(Stmt stmt, Block block) {
    for (Slot slot : slots.get(stmt)) {
      if (slot.block() == block) {
        return slot;
      }
    }
    return null;
  }

  private static boolean isMath(MathCall call, String function) {
    return call.function().equals(function) && call.args().size() == 1;
  }

  private static Assign only(List<Assign> assigns) {
    return assigns != null && assigns.size() == 1 ? assigns.get(0) : null;
  }
}
