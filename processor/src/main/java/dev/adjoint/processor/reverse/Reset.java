package dev.adjoint.processor.reverse;

/**
 * {@code target = 0.0;}: the value whose adjoint this is was overwritten, so the earlier value
 * under the same name starts with no contributions.
 */
public record Reset(String target) implements BackStmt {}
