package dev.adjoint.benchmarks;

import java.util.function.DoubleSupplier;

/**
 * Central finite differences {@code (f(x + h e_i) - f(x - h e_i)) / 2h} with
 * {@code h = cbrt(eps) max(1, |x_i|)}: two evaluations of the primal per input.
 */
public final class FiniteDifferences {
  private FiniteDifferences() {}

  /**
   * Fills {@code gradient[r][j]} with the central difference in {@code rows[r][j]}: each entry of
   * each row is perturbed in place and restored, {@code f} reads the rows.
   *
   * @param f the primal, evaluated on the current contents of the rows
   * @param rows the inputs, as rows (a {@code double[]} parameter is one row, a matrix its rows)
   * @param gradient the output, shaped like {@code rows}
   */
  public static void gradient(DoubleSupplier f, double[][] rows, double[][] gradient) {
    for (int r = 0; r < rows.length; r++) {
      double[] row = rows[r];
      for (int j = 0; j < row.length; j++) {
        double x = row[j];
        double h = STEP * Math.max(1, Math.abs(x));
        row[j] = x + h;
        double up = f.getAsDouble();
        row[j] = x - h;
        double down = f.getAsDouble();
        row[j] = x;
        gradient[r][j] = (up - down) / (2 * h);
      }
    }
  }

  /** The rows of several parameters as one list: arrays as one row each, matrices row by row. */
  public static double[][] rows(Object... parameters) {
    int count = 0;
    for (Object p : parameters) {
      count += p instanceof double[][] m ? m.length : 1;
    }
    double[][] rows = new double[count][];
    int next = 0;
    for (Object p : parameters) {
      if (p instanceof double[][] m) {
        for (double[] row : m) {
          rows[next++] = row;
        }
      } else {
        rows[next++] = (double[]) p;
      }
    }
    return rows;
  }

  /** Zeros shaped like {@code rows}. */
  public static double[][] zerosLike(double[][] rows) {
    double[][] zeros = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      zeros[i] = new double[rows[i].length];
    }
    return zeros;
  }

  private static final double STEP = Math.cbrt(Math.ulp(1.0));
}
