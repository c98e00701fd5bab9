package dev.adjoint.processor.ir;

import java.util.List;

/** {@code array[i] = value} or {@code array[i][j] = value}. */
public record Store(Var array, List<Operand> indices, Operand value, Origin origin)
    implements Stmt {
  public Store {
    indices = List.copyOf(indices);
  }
}
