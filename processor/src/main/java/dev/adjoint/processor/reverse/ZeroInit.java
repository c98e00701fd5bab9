package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Type;

/**
 * Declares an adjoint at zero at the start of a block: {@code double dq = 0.0;} for a scalar
 * whose first contribution sits inside a branch or loop, {@code double[] dy = new
 * double[y.length];} for a local array ({@code shapeOf} names the primal array).
 */
public record ZeroInit(String adjoint, Type type, String shapeOf) implements BackStmt {}
