package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Terms;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.List;
import java.util.Set;

/**
 * The value an integer counting the iterations of a loop ({@code count++} in
 * {@code for (double[] row : rows)}) has once the loop is done, written before the loop:
 * {@code count + n} for {@code n} iterations by ones. So {@code return total / count;} gives the
 * loop's sum an adjoint known before the loop runs, and the loop is fused ({@link Fusion}) as
 * for {@code total / rows.length}.
 *
 * <p>Conditions: the loop counts by ones, up or down, between bounds set before it; the integer
 * is assigned in it once, {@code v = v + c} or {@code v = v - c} with a constant {@code c},
 * directly in its body (so in every iteration: a {@code continue} puts what follows it in a
 * branch), and nowhere after it. Integer arithmetic wraps the same way counted step by step or
 * at once, so the value is the same.
 */
final class CounterEnds {
  private CounterEnds() {}

  /**
   * {@code v} after {@code loop}, the statement at {@code position} of {@code top}, as an
   * operand over values {@code before} it; null if it is not such a counter.
   */
  static Operand after(Var v, Loop loop, int position, List<Stmt> top, Set<Var> before) {
    Loop.Counted counted = loop.counted();
    if (v.type() != Type.INT || counted == null || Math.abs(counted.step()) != 1
        || !available(counted.from(), before) || !available(counted.to(), before)
        || assignments(v, top.subList(position + 1, top.size())) > 0) {
      return null;
    }
    Integer step = null;
    for (Stmt stmt : loop.body().statements()) {
      if (stmt instanceof Assign assign && assign.target().equals(v)) {
        step = stepOf(assign, v);
      }
    }
    if (step == null || assignments(v, List.of(loop)) != 1) {
      return null;
    }
    Operand trips = trips(counted, top.subList(0, position));
    int size = Math.abs(step);
    Operand total = size == 1 ? trips : Terms.mul(Constant.integer(size), trips);
    return step > 0 ? Terms.add(v, total) : Terms.sub(v, total);
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
    if (low instanceof Constant zero && Integer.valueOf(0).equals(intValue(zero))
        && !counted.inclusive() && isLength(high, before)) {
      return high;
    }
    Operand span = Terms.sub(high, low);
    if (counted.inclusive()) {
      span = Terms.add(span, Constant.integer(1));
    }
    Operand runs = Terms.binary(counted.inclusive() ? Binary.Op.GE : Binary.Op.GT, high, low);
    return Terms.select(runs, span, Constant.integer(0));
  }

  private static Integer intValue(Constant c) {
    return c.type() == Type.INT && c.value() != null ? c.value().intValue() : null;
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
