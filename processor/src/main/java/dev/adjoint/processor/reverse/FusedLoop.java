package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Stmt;
import java.util.List;

/**
 * A loop whose backward pass runs inside it, right after each iteration's forward pass ({@link
 * Fusion}): {@code before} runs before the loop (the adjoints its iterations read), {@code body}
 * after each iteration's forward statements.
 */
public record FusedLoop(List<Stmt> before, List<Stmt> body) {
  public FusedLoop {
    before = List.copyOf(before);
    body = List.copyOf(body);
  }
}
