package dev.adjoint.processor.ir;

import java.util.List;

/**
 * A fresh array of zeros shaped like {@code shape}: the adjoint of a local array, or a buffer for
 * an argument whose adjoint nobody reads. Rows of a matrix keep their own lengths.
 */
public record Zeros(Var shape) implements Expr {
  @Override
  public List<Operand> operands() {
    return List.of(shape);
  }
}
