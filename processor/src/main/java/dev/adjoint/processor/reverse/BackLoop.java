package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Var;
import java.util.List;

/**
 * Replays a loop backward: a counted loop from its last index down to its first ({@code from}
 * and {@code to} are its bounds as the backward sweep reads them), any other loop as many times
 * as the forward sweep counted ({@code trips}), popping that count from the tape first when the
 * loop sits inside another loop ({@code tripsOnTape}).
 */
public record BackLoop(Loop loop, Operand from, Operand to, Var trips, boolean tripsOnTape,
    List<BackStmt> body, Origin origin) implements BackStmt {
  public BackLoop {
    body = List.copyOf(body);
  }

  /** The same loop around another body. */
  public BackLoop withBody(List<BackStmt> newBody) {
    return new BackLoop(loop, from, to, trips, tripsOnTape, newBody, origin);
  }
}
