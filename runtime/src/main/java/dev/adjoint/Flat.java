package dev.adjoint;

import java.util.Arrays;

/**
 * Arrays seen as one flat vector, row by row: how the generated Hessian and Jacobian drivers
 * ({@code CGrad.fHessian}, {@code CGrad.fJacobian}) walk the differentiated inputs one unit
 * direction at a time.
 */
public final class Flat {
  private Flat() {}

  /** The number of elements of {@code m}, ragged rows included. */
  public static int size(double[][] m) {
    int size = 0;
    for (double[] row : m) {
      size += row.length;
    }
    return size;
  }

  /** Makes {@code v} the {@code k}-th unit vector; all zeros when {@code k} is outside it. */
  public static void basis(double[] v, int k) {
    Arrays.fill(v, 0.0);
    if (k >= 0 && k < v.length) {
      v[k] = 1.0;
    }
  }

  /** Makes {@code v} the {@code k}-th unit vector, row by row; zeros when {@code k} is outside. */
  public static void basis(double[][] v, int k) {
    zero(v);
    for (double[] row : v) {
      if (k >= 0 && k < row.length) {
        row[k] = 1.0;
        return;
      }
      k -= row.length;
    }
  }

  public static void zero(double[] v) {
    Arrays.fill(v, 0.0);
  }

  public static void zero(double[][] v) {
    for (double[] row : v) {
      Arrays.fill(row, 0.0);
    }
  }

  /** Copies {@code from} into {@code to} from index {@code offset}. */
  public static void copyInto(double[] from, double[] to, int offset) {
    System.arraycopy(from, 0, to, offset, from.length);
  }

  /** Copies {@code from}, row by row, into {@code to} from index {@code offset}. */
  public static void copyInto(double[][] from, double[] to, int offset) {
    for (double[] row : from) {
      System.arraycopy(row, 0, to, offset, row.length);
      offset += row.length;
    }
  }

  /** {@code v[k] = value}. */
  public static void set(double[] v, int k, double value) {
    v[k] = value;
  }

  /** The {@code k}-th element of {@code v}, row by row, set to {@code value}. */
  public static void set(double[][] v, int k, double value) {
    for (double[] row : v) {
      if (k < row.length) {
        row[k] = value;
        return;
      }
      k -= row.length;
    }
  }
}
