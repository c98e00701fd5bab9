package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Type;

/**
 * Declares an adjoint at the start of a block: {@code double dq = 0.0;} for a scalar whose first
 * contribution sits inside a branch or loop, {@code double[] dy = new double[y.length];} for a
 * local array ({@code shapeOf} names the primal array), or {@code double[] drow = dm[i];} for a
 * matrix row passed to a call ({@code aliasOf}, else null).
 */
public record ZeroInit(String adjoint, Type type, String shapeOf, String aliasOf)
    implements BackStmt {}
