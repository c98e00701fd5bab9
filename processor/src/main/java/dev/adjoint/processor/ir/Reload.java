package dev.adjoint.processor.ir;

/**
 * Reads the array of a tape kept in locals again ({@code doubles = doubleTape.values()}) after a
 * call, of line {@code origin}, that may have grown it.
 */
public record Reload(Tape tape, Origin origin) implements Stmt, Located {}
