package dev.adjoint.processor.ir;

/**
 * Hands the top of a tape kept in locals back to the tape ({@code doubleTape.settle(doublesTop)}):
 * before a call that may use this thread's tapes (the call's {@code origin}), and before the
 * method returns (no origin).
 */
public record Settle(Tape tape, Origin origin) implements Stmt, Located {}
