package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Var;
import java.util.List;

/**
 * {@code target[indices] = 0.0}: the value whose adjoint this is was overwritten, so the earlier
 * value under the same name starts with no contributions; {@code origin} is the source line,
 * where the reset opens a statement's adjoint block, else null.
 */
public record Reset(Var target, List<Operand> indices, Origin origin) implements BackStmt {
  public Reset {
    indices = List.copyOf(indices);
  }
}
