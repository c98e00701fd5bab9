package dev.adjoint.processor.ir;

/** Takes this thread's tape of a kind, at the start of a pullback that uses it. */
public record OpenTape(Tape tape) implements Stmt {}
