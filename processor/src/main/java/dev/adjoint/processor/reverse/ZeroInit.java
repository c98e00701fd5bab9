package dev.adjoint.processor.reverse;

/**
 * {@code double adjoint = 0.0;} at the start of a block, for an adjoint whose first contribution
 * sits inside a branch.
 */
public record ZeroInit(String adjoint) implements BackStmt {}
