package dev.adjoint.processor.ir;

/**
 * {@code target[k] += source[k]} for every k (every element of a matrix): the adjoint of a copy
 * ({@link CloneArray}); {@code target} is an adjoint array, or the row of one.
 */
public record AddArray(Operand target, Var source) implements Stmt {}
