package dev.adjoint.processor.ir;

import java.util.List;

/** {@code target = Math.function(args)} (or {@code StrictMath}). */
public record MathCall(String owner, String function, List<Operand> args) implements Expr {
  public MathCall {
    args = List.copyOf(args);
  }

  @Override
  public List<Operand> operands() {
    return args;
  }
}
