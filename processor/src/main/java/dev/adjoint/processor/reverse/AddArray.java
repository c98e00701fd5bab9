package dev.adjoint.processor.reverse;

/** {@code target[k] += source[k]} for every k: the adjoint of {@code clone()}. */
public record AddArray(String target, String source) implements BackStmt {}
