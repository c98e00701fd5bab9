package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.List;

/**
 * {@code target[indices] = tape.pop()}: puts back a value the forward sweep pushed before
 * overwriting it.
 */
public record Restore(Var target, List<Operand> indices) implements BackStmt {
  public Restore {
    indices = List.copyOf(indices);
  }

  /** The type of the value popped: the variable's, or an element's. */
  public Type type() {
    return indices.isEmpty() ? target.type()
        : target.type() == dev.adjoint.processor.ir.Type.INT_ARRAY ? Type.INT : Type.DOUBLE;
  }
}
