package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import java.util.List;

/**
 * Calls a callee's pullback, {@code pullback(arguments)}: the call's own arguments, the seed,
 * then the adjoint buffers in the callee's calling convention.
 *
 * @param pullback the qualified name of the pullback method
 */
public record PullbackCall(String pullback, List<Operand> arguments, Origin origin)
    implements BackStmt {
  public PullbackCall {
    arguments = List.copyOf(arguments);
  }
}
