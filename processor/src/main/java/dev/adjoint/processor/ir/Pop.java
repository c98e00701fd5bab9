package dev.adjoint.processor.ir;

import java.util.List;

/**
 * {@code target[indices] = tape.pop()}: puts back a value the forward sweep pushed before
 * overwriting it.
 */
public record Pop(Var target, List<Operand> indices) implements Stmt {
  public Pop {
    indices = List.copyOf(indices);
  }

  /** The type of the value popped: the variable's, or an element's. */
  public Type type() {
    return indices.isEmpty() ? target.type() : target.type().element(indices.size());
  }
}
