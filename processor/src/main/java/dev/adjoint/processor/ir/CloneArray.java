package dev.adjoint.processor.ir;

import java.util.List;

/** {@code target = array.clone()} of a {@code double[]}. */
public record CloneArray(Var array) implements Expr {
  @Override
  public List<Operand> operands() {
    return List.of(array);
  }
}
