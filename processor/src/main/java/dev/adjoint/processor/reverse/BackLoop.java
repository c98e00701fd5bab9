package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Origin;
import java.util.List;

/**
 * Replays a loop backward: a counted loop from its last index down to its first (the code of its
 * bounds in {@code from} and {@code to}), any other loop as many times as the forward sweep
 * counted ({@code trips}), popping that count from the tape first when the loop sits inside
 * another loop ({@code tripsOnTape}).
 */
public record BackLoop(Loop loop, String from, String to, String trips, boolean tripsOnTape,
    List<BackStmt> body, Origin origin) implements BackStmt {
  public BackLoop {
    body = List.copyOf(body);
  }
}
