package dev.adjoint.processor.ir;

import java.util.List;

/** {@code target = (to) a}: an explicit cast or an implicit primitive conversion. */
public record Cast(Type to, Operand a) implements Expr {
  @Override
  public List<Operand> operands() {
    return List.of(a);
  }
}
