package dev.adjoint.processor.ir;

import java.util.List;

/** A sequence of statements. */
public record Block(List<Stmt> statements) {
  public Block {
    statements = List.copyOf(statements);
  }

  public boolean isEmpty() {
    return statements.isEmpty();
  }
}
