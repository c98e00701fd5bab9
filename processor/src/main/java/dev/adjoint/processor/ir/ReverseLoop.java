package dev.adjoint.processor.ir;

/**
 * Runs a loop's iterations backward: a counted loop from its last index {@code last} down to its
 * first {@code from} by its step (both as the backward sweep reads them), any other loop as many
 * times as the forward sweep counted ({@code trips}), popping that count from the tape first when
 * the loop sits inside another loop ({@code tripsOnTape}). With {@code inOrder}, a counted loop
 * whose iterations are independent runs from {@code from} up to {@code last} instead, as written.
 */
public record ReverseLoop(Loop loop, Operand from, Operand last, Var trips, boolean tripsOnTape,
    Block body, Origin origin, boolean inOrder) implements Stmt, Located {

  public ReverseLoop(Loop loop, Operand from, Operand last, Var trips, boolean tripsOnTape,
      Block body, Origin origin) {
    this(loop, from, last, trips, tripsOnTape, body, origin, false);
  }

  /** The same loop around another body. */
  public ReverseLoop withBody(Block newBody) {
    return new ReverseLoop(loop, from, last, trips, tripsOnTape, newBody, origin, inOrder);
  }

  /** The same loop run in the forward order (its iterations being independent). */
  public ReverseLoop inForwardOrder() {
    return new ReverseLoop(loop, from, last, trips, tripsOnTape, body, origin, true);
  }
}
