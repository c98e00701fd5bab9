package dev.adjoint.processor.ir;

import java.util.List;

/** {@code target = a}. */
public record Copy(Operand a) implements Expr {
  @Override
  public List<Operand> operands() {
    return List.of(a);
  }
}
