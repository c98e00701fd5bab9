package dev.adjoint.benchmarks;

import org.hipparchus.analysis.differentiation.DSFactory;
import org.hipparchus.analysis.differentiation.DerivativeStructure;
import org.hipparchus.analysis.differentiation.Gradient;

/**
 * {@link Rosenbrock#extended} in Hipparchus forward mode: n partials carried by every value
 * ({@link Gradient}), or every partial of order 1 and 2, (n + 1)(n + 2) / 2 of them
 * ({@link DerivativeStructure}).
 */
public final class RosenbrockForward {
  private RosenbrockForward() {}

  /** The function and its gradient. */
  public static Gradient extended(double[] x) {
    int n = x.length;
    Gradient f = Gradient.constant(n, 0);
    for (int i = 0; i < n / 2; i++) {
      Gradient x0 = Gradient.variable(n, 2 * i, x[2 * i]);
      Gradient x1 = Gradient.variable(n, 2 * i + 1, x[2 * i + 1]);
      Gradient a = x0.multiply(x0).subtract(x1);
      Gradient b = x0.subtract(1);
      f = f.add(a.multiply(a).multiply(100).add(b.multiply(b)));
    }
    return f;
  }

  /** The Hessian, from a {@link DerivativeStructure} of order 2, read as a user reads it. */
  public static double[][] hessian(double[] x) {
    int n = x.length;
    DSFactory factory = new DSFactory(n, 2);
    DerivativeStructure f = factory.constant(0);
    for (int i = 0; i < n / 2; i++) {
      DerivativeStructure x0 = factory.variable(2 * i, x[2 * i]);
      DerivativeStructure x1 = factory.variable(2 * i + 1, x[2 * i + 1]);
      DerivativeStructure a = x0.multiply(x0).subtract(x1);
      DerivativeStructure b = x0.subtract(1);
      f = f.add(a.multiply(a).multiply(100).add(b.multiply(b)));
    }
    double[][] hessian = new double[n][n];
    int[] orders = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        orders[i]++;
        orders[j]++;
        hessian[i][j] = f.getPartialDerivative(orders);
        orders[i]--;
        orders[j]--;
      }
    }
    return hessian;
  }
}
