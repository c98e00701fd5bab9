package dev.adjoint.samples;

import dev.adjoint.GradCheck;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * One example of the demo: a {@code @Differentiable} method, a point, and the gradient Adjoint
 * generated for it there, checked against centered differences of the method itself.
 *
 * <p>A point is a list of values, each a {@code Double}, a {@code double[]} or a
 * {@code double[][]}; a gradient has the same shapes. {@link GradCheck} sees them flattened in
 * order (matrices row by row).
 *
 * @param name the method's name
 * @param formula the function, for the reader
 * @param parameters the names of the differentiated parameters, in order
 * @param point one value per differentiated parameter
 * @param original calls the method itself
 * @param generated calls the generated method: the value, then one gradient per parameter
 */
record GradientExample(
    String name,
    String formula,
    List<String> parameters,
    List<Object> point,
    ToDoubleFunction<Args> original,
    Function<Args, List<Object>> generated) {

  /**
   * The generated value and gradient at the example's point and their check.
   *
   * @param value the value
   * @param gradient one gradient per parameter, shaped like it
   * @param check the comparison with centered differences, component by component
   */
  record Outcome(double value, List<Object> gradient, GradCheck.Report check) {}

  /**
   * Runs the generated code at the point and checks its gradient.
   *
   * @return the outcome
   */
  Outcome evaluate() {
    List<Object> result = generated.apply(new Args(point));
    List<Object> gradient = result.subList(1, result.size());
    double[] flat = flatten(point);
    GradCheck.Report check =
        GradCheck.check(
            x -> original.applyAsDouble(new Args(unflatten(x, point))),
            flat, flatten(gradient), componentNames());
    return new Outcome((Double) result.get(0), gradient, check);
  }

  /**
   * The value of each parameter, as fresh copies, so that no call changes the example.
   */
  static final class Args {
    private final List<Object> values;

    private Args(List<Object> values) {
      this.values = values;
    }

    double scalar(int index) {
      return (Double) values.get(index);
    }

    double[] vector(int index) {
      return ((double[]) values.get(index)).clone();
    }

    double[][] matrix(int index) {
      double[][] m = ((double[][]) values.get(index)).clone();
      for (int r = 0; r < m.length; r++) {
        m[r] = m[r].clone();
      }
      return m;
    }
  }

  /**
   * Formats a value as the lecture prints it: five decimals without trailing zeros
   * ({@code -12}, {@code 0.73106}), vectors as {@code [a, b]}, matrices as
   * {@code [[a, b], [c, d]]}.
   *
   * @param value a {@code Double}, {@code double[]} or {@code double[][]}
   * @return the text
   */
  static String format(Object value) {
    if (value instanceof double[][] m) {
      List<String> rows = new ArrayList<>();
      for (double[] row : m) {
        rows.add(format(row));
      }
      return "[" + String.join(", ", rows) + "]";
    }
    if (value instanceof double[] v) {
      List<String> parts = new ArrayList<>();
      for (double x : v) {
        parts.add(format(x));
      }
      return "[" + String.join(", ", parts) + "]";
    }
    double v = (Double) value;
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    String fixed = String.format(Locale.ROOT, "%.5f", v);
    return new BigDecimal(fixed).stripTrailingZeros().toPlainString();
  }

  private String[] componentNames() {
    List<String> names = new ArrayList<>();
    for (int k = 0; k < point.size(); k++) {
      Object value = point.get(k);
      double[][] rows = rows(value);
      for (int r = 0; r < rows.length; r++) {
        for (int c = 0; c < rows[r].length; c++) {
          String index =
              value instanceof double[][] ? "[" + r + "][" + c + "]"
                  : value instanceof double[] ? "[" + c + "]" : "";
          names.add(parameters.get(k) + index);
        }
      }
    }
    return names.toArray(new String[0]);
  }

  private static double[] flatten(List<Object> values) {
    List<Double> flat = new ArrayList<>();
    for (Object value : values) {
      for (double[] row : rows(value)) {
        for (double x : row) {
          flat.add(x);
        }
      }
    }
    return flat.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The values of {@code flat}, in order, shaped like those of {@code like}. */
  private static List<Object> unflatten(double[] flat, List<Object> like) {
    List<Object> values = new ArrayList<>();
    int at = 0;
    for (Object shape : like) {
      double[][] rows = rows(shape);
      double[][] copy = new double[rows.length][];
      for (int r = 0; r < rows.length; r++) {
        copy[r] = Arrays.copyOfRange(flat, at, at + rows[r].length);
        at += rows[r].length;
      }
      values.add(
          shape instanceof double[][] ? copy : shape instanceof double[] ? copy[0] : copy[0][0]);
    }
    return values;
  }

  /** A value as rows: a matrix as itself, a vector as one row, a scalar as one element. */
  private static double[][] rows(Object value) {
    if (value instanceof double[][] m) {
      return m;
    }
    if (value instanceof double[] v) {
      return new double[][] {v};
    }
    return new double[][] {{(Double) value}};
  }
}
