package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * A new {@code double[]} ({@code new double[n]}, {@code b.clone()}) made in {@code buffer}
 * instead when it has the length already: {@code Shapes.zeroed(buffer, n)},
 * {@code Shapes.copied(buffer, b)}. The result of a method written into an array its caller
 * gives. Unless {@code zeroed}, the buffer's values stay as they are,
 * {@code Shapes.reused(buffer, n)} ({@code Shapes.reused(buffer, m, n)} for a matrix): for a
 * buffer known to hold zeros already.
 *
 * @param made a {@link NewArray} of one dimension or a {@link CloneArray} of a {@code double[]}
 *     (then {@code zeroed}), or, unless {@code zeroed}, a {@link NewArray} of two
 */
public record Reused(Expr made, Var buffer, boolean zeroed) implements Expr {
  /** {@code made} in {@code buffer}, its values those {@code made} has. */
  public Reused(Expr made, Var buffer) {
    this(made, buffer, true);
  }

  @Override
  public List<Operand> operands() {
    List<Operand> operands = new ArrayList<>(made.operands());
    operands.add(buffer);
    return operands;
  }
}
