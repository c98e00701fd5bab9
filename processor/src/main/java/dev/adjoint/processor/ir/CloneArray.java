package dev.adjoint.processor.ir;

import java.util.List;

/** A copy of an array: {@code array.clone()}, row by row for a {@code double[][]}. */
public record CloneArray(Var array) implements Expr {
  @Override
  public List<Operand> operands() {
    return List.of(array);
  }
}
