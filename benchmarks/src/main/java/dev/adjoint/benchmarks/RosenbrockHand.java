package dev.adjoint.benchmarks;

/** The extended Rosenbrock gradient written by hand: value and gradient in one pass. */
public final class RosenbrockHand {
  private RosenbrockHand() {}

  /**
   * Same contract as the generated {@code RosenbrockGrad.extendedPullback}: returns f and adds
   * {@code seed * df/dx} into {@code dx}.
   */
  public static double extendedPullback(double[] x, double seed, double[] dx) {
    double f = 0;
    for (int i = 0; i < x.length / 2; i++) {
      double x0 = x[2 * i];
      double a = x0 * x0 - x[2 * i + 1];
      double b = x0 - 1;
      f += 100 * a * a + b * b;
      double da = 200 * a * seed;
      dx[2 * i] += 2 * x0 * da + 2 * b * seed;
      dx[2 * i + 1] -= da;
    }
    return f;
  }

  /** The same gradient in {@link Rosenbrock#textbook}'s spelling: {@code i + 1 < n; i += 2}. */
  public static double textbookPullback(double[] x, double seed, double[] dx) {
    double f = 0;
    for (int i = 0; i + 1 < x.length; i += 2) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      f += 100 * a * a + b * b;
      double da = 200 * a * seed;
      dx[i] -= 2 * x[i] * da + 2 * b * seed;
      dx[i + 1] += da;
    }
    return f;
  }
}
