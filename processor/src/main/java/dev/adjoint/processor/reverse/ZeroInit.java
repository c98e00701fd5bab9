package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Var;

/**
 * Declares an adjoint at the start of a block: {@code double dq = 0.0;} for a scalar whose first
 * contribution sits inside a branch or loop, {@code double[] dy = new double[y.length];} for a
 * local array ({@code shape} is the primal array, else null).
 */
public record ZeroInit(Var adjoint, Var shape) implements BackStmt {}
