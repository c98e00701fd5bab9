package dev.adjoint.processor.ir;

import java.util.List;

/** {@code target = Owner.method(args)}: a call to a method other than {@code Math}'s. */
public record Call(Callee callee, List<Operand> args) implements Expr {
  public Call {
    args = List.copyOf(args);
  }

  @Override
  public List<Operand> operands() {
    return args;
  }
}
