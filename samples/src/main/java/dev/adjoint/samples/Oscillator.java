package dev.adjoint.samples;

import dev.adjoint.Differentiable;

/**
 * A damped oscillator integrated with the classical Runge-Kutta method, each piece a method
 * returning a vector: the right-hand side {@code y' = f(y)}, one RK4 step, and a loss that runs
 * the steps and compares the end state with a measurement. Its generated gradient gives the
 * sensitivity of that loss to the spring constant through every step (adjoint sensitivity
 * analysis, discretize-then-differentiate).
 */
public final class Oscillator {
  private Oscillator() {}

  /** The damping of the oscillator. */
  static final double DAMPING = 0.1;

  /** {@code (position, velocity)' = (velocity, -k position - c velocity)}. */
  @Differentiable
  public static double[] rhs(double[] y, double k) {
    return new double[] {y[1], -k * y[0] - DAMPING * y[1]};
  }

  /** One step of RK4 with step size {@code h}. */
  @Differentiable
  public static double[] step(double[] y, double k, double h) {
    double[] k1 = rhs(y, k);
    double[] k2 = rhs(axpy(y, 0.5 * h, k1), k);
    double[] k3 = rhs(axpy(y, 0.5 * h, k2), k);
    double[] k4 = rhs(axpy(y, h, k3), k);
    double[] next = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      next[i] = y[i] + h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }
    return next;
  }

  /** {@code y + a x}. */
  @Differentiable
  public static double[] axpy(double[] y, double a, double[] x) {
    double[] z = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      z[i] = y[i] + a * x[i];
    }
    return z;
  }

  /**
   * The squared distance between the state after {@code steps} steps from {@code start} and a
   * measured {@code target}, as a function of the spring constant.
   */
  @Differentiable(wrt = {"k"})
  public static double misfit(double k, double[] start, double h, int steps, double[] target) {
    double[] y = start.clone();
    for (int s = 0; s < steps; s++) {
      y = step(y, k, h);
    }
    double e0 = y[0] - target[0];
    double e1 = y[1] - target[1];
    return e0 * e0 + e1 * e1;
  }
}
