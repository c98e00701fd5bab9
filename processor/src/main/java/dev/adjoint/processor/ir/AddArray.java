package dev.adjoint.processor.ir;

/**
 * {@code target[k] += source[k]} for every k: the adjoint of {@code clone()}; {@code target} is an
 * adjoint array, or the row of one.
 */
public record AddArray(Operand target, Var source) implements Stmt {}
