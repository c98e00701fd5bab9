package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.List;

/** {@code target = array[i]} or {@code target = array[i][j]}. */
public record Load(Var array, List<Operand> indices) implements Expr {
  public Load {
    indices = List.copyOf(indices);
  }

  /** The array first, then the indices. */
  @Override
  public List<Operand> operands() {
    List<Operand> all = new ArrayList<>();
    all.add(array);
    all.addAll(indices);
    return all;
  }
}
