package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;

/**
 * The extended Rosenbrock function (Moré, Garbow and Hillstrom's problem 21):
 * {@code f(x) = sum over pairs (x[2i], x[2i+1]) of 100 (x[2i]^2 - x[2i+1])^2 + (x[2i] - 1)^2},
 * for even {@code n}; its standard starting point is {@code (-1.2, 1, -1.2, 1, ...)}.
 */
public final class Rosenbrock {
  private Rosenbrock() {}

  /** The function, differentiated in every {@code x[i]}, twice. */
  @Differentiable(order = 2)
  public static double extended(double[] x) {
    double f = 0;
    for (int i = 0; i < x.length / 2; i++) {
      double a = x[2 * i] * x[2 * i] - x[2 * i + 1];
      double b = x[2 * i] - 1;
      f += 100 * a * a + b * b;
    }
    return f;
  }

  /**
   * The same function as the textbook writes it: a strided loop, {@code i + 1 < n; i += 2}, two
   * scalar temporaries. Same value, bit for bit (the squares of negated terms).
   */
  @Differentiable(order = 2)
  public static double textbook(double[] x) {
    double f = 0;
    for (int i = 0; i + 1 < x.length; i += 2) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      f += 100 * a * a + b * b;
    }
    return f;
  }
}
