package dev.adjoint.processor.ir;

/** Leaves the innermost {@link Loop}; always the last statement of its block. */
public record Break(Origin origin) implements Stmt {}
