package dev.adjoint.processor.ir;

/**
 * An operation used as an operand without a name of its own: {@code Math.cos(x)} in
 * {@code dx += Math.cos(x) * g}. Only the sweeps' statements hold them, so that the code reads as
 * a person writes backpropagation; the primal body stays three-address (every intermediate
 * named).
 */
public record Nested(Expr expr, Type type) implements Operand {}
