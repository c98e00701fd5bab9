package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Origin;

/**
 * {@code double adjoint = expr;} when {@code declares}, else {@code adjoint += expr;}: one
 * contribution to an adjoint, from the source statement {@code origin}.
 */
public record Accumulate(String adjoint, String expr, boolean declares, Origin origin)
    implements BackStmt {}
