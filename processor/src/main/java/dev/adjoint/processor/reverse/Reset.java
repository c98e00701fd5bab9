package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Origin;

/**
 * {@code target = 0.0;}: the value whose adjoint this is was overwritten, so the earlier value
 * under the same name starts with no contributions; {@code origin} is the source line, where the
 * reset opens a statement's adjoint block, else null.
 */
public record Reset(String target, Origin origin) implements BackStmt {}
