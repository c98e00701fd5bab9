package dev.adjoint.processor.ir;

/**
 * Makes room on a tape kept in locals for {@code count} more values (a {@code long}), so that the
 * pushes that follow, up to that many, store without checking:
 * {@code doubles = doubleTape.reserve(doublesTop, n)}. With an {@code origin}, the room is for
 * the loop of that line that follows.
 */
public record Reserve(Tape tape, Operand count, Origin origin) implements Stmt, Located {}
