package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * A new {@code double[]} ({@code new double[n]}, {@code b.clone()}) made in {@code buffer}
 * instead when it has the length already: {@code Shapes.zeroed(buffer, n)},
 * {@code Shapes.copied(buffer, b)}. The result of a method written into an array its caller
 * gives.
 *
 * @param made a {@link NewArray} of one dimension or a {@link CloneArray} of a {@code double[]}
 */
public record Reused(Expr made, Var buffer) implements Expr {
  @Override
  public List<Operand> operands() {
    List<Operand> operands = new ArrayList<>(made.operands());
    operands.add(buffer);
    return operands;
  }
}
