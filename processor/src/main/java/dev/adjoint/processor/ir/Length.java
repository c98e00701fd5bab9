package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.List;

/** {@code target = array.length}, or {@code array[i].length} with one row index. */
public record Length(Var array, List<Operand> rows) implements Expr {
  public Length {
    rows = List.copyOf(rows);
  }

  @Override
  public List<Operand> operands() {
    List<Operand> all = new ArrayList<>();
    all.add(array);
    all.addAll(rows);
    return all;
  }
}
