package dev.adjoint.processor.ir;

import java.util.List;

/**
 * An array of zeros shaped like {@code shape}: the adjoint of a local array, or a buffer for an
 * argument whose adjoint nobody reads. Rows of a matrix keep their own lengths. With
 * {@code reuse}, that array zeroed when it has the shape already (a loop's iterations sharing one
 * buffer), else a fresh one.
 */
public record Zeros(Var shape, Var reuse) implements Expr {
  /** A fresh array of zeros shaped like {@code shape}. */
  public Zeros(Var shape) {
    this(shape, null);
  }

  @Override
  public List<Operand> operands() {
    return reuse == null ? List.of(shape) : List.of(shape, reuse);
  }
}
