package dev.adjoint.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** ADBench's closeness {@code rho(x, y) = |x - y| / max(1, |x| + |y|)} and flattening. */
final class Compare {
  private Compare() {}

  static double rho(double x, double y) {
    return Math.abs(x - y) / Math.max(1, Math.abs(x) + Math.abs(y));
  }

  /** Fails unless {@code rho(expected[i], actual[i]) < tolerance} for every i. */
  static void assertClose(String what, double[] expected, double[] actual, double tolerance) {
    assertEquals(expected.length, actual.length, what + ": length");
    double worst = 0;
    int at = -1;
    for (int i = 0; i < expected.length; i++) {
      double r = rho(expected[i], actual[i]);
      if (!(r <= worst)) {
        worst = r;
        at = i;
      }
    }
    if (!(worst < tolerance || worst == 0)) {
      fail(what + ": rho " + worst + " >= " + tolerance + " at " + at + ": expected "
          + expected[at] + ", got " + actual[at]);
    }
  }

  static void assertClose(String what, double expected, double actual, double tolerance) {
    assertClose(what, new double[] {expected}, new double[] {actual}, tolerance);
  }

  /** The entries of doubles, double[] and double[][] arguments, in order, rows in order. */
  static double[] flatten(Object... parts) {
    int n = 0;
    for (Object p : parts) {
      if (p instanceof Double) {
        n += 1;
      } else if (p instanceof double[] a) {
        n += a.length;
      } else if (p instanceof double[][] m) {
        for (double[] row : m) {
          n += row.length;
        }
      } else {
        throw new IllegalArgumentException(String.valueOf(p));
      }
    }
    double[] out = new double[n];
    int next = 0;
    for (Object p : parts) {
      if (p instanceof Double d) {
        out[next++] = d;
      } else if (p instanceof double[] a) {
        System.arraycopy(a, 0, out, next, a.length);
        next += a.length;
      } else {
        for (double[] row : (double[][]) p) {
          System.arraycopy(row, 0, out, next, row.length);
          next += row.length;
        }
      }
    }
    return out;
  }
}
