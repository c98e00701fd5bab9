package dev.adjoint.processor.ir;

/**
 * Runs a loop's iterations backward: a counted loop from its last index {@code last} down to its
 * first {@code from} by its step (both as the backward sweep reads them), any other loop as many
 * times as the forward sweep counted ({@code trips}), popping that count from the tape first when
 * the loop sits inside another loop ({@code tripsOnTape}).
 */
public record ReverseLoop(Loop loop, Operand from, Operand last, Var trips, boolean tripsOnTape,
    Block body, Origin origin) implements Stmt, Located {

  /** The same loop around another body. */
  public ReverseLoop withBody(Block newBody) {
    return new ReverseLoop(loop, from, last, trips, tripsOnTape, newBody, origin);
  }
}
