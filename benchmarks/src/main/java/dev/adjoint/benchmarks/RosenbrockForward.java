package dev.adjoint.benchmarks;

import org.hipparchus.analysis.differentiation.Gradient;

/** {@link Rosenbrock#extended} in Hipparchus forward mode: n partials carried by every value. */
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
}
