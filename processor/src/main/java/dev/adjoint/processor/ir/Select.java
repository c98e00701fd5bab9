package dev.adjoint.processor.ir;

import java.util.List;

/** {@code condition ? then : otherwise}: the routing of {@code max}, {@code relu} and the like. */
public record Select(Operand condition, Operand then, Operand otherwise) implements Expr {
  @Override
  public List<Operand> operands() {
    return List.of(condition, then, otherwise);
  }
}
