package dev.adjoint.processor.ir;

import java.util.List;

/**
 * Calls a derivative of another method, {@code method(arguments)}: a callee's pullback, with the
 * call's own arguments, the seed, then the adjoint buffers in the callee's calling convention.
 *
 * @param method the qualified name of the derivative method
 * @param callee the method whose derivative it is (its pullback's convention, its HVP), or null
 *     for a call of a second-order derivative
 */
public record DerivativeCall(String method, List<Operand> arguments, Callee callee, Origin origin)
    implements Stmt, Located {
  public DerivativeCall {
    arguments = List.copyOf(arguments);
  }
}
