package dev.adjoint.processor.ir;

import java.util.List;

/** {@code target = new double[n]} or {@code new double[m][n]} (zeros). */
public record NewArray(Type type, List<Operand> dimensions) implements Expr {
  public NewArray {
    dimensions = List.copyOf(dimensions);
  }

  @Override
  public List<Operand> operands() {
    return dimensions;
  }
}
