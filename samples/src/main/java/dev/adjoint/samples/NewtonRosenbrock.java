package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import java.util.function.Consumer;

/**
 * Minimising the extended Rosenbrock function two ways from Moré, Garbow and Hillstrom's start
 * {@code (-1.2, 1, -1.2, 1, ...)}: Newton's method with conjugate gradients on {@code H p = -g},
 * which needs Hessian-vector products only (the generated {@code rosenbrockHvp}, never the
 * Hessian), against gradient descent; both with a backtracking (Armijo) line search.
 */
public final class NewtonRosenbrock {
  private NewtonRosenbrock() {}

  /** {@code Σ 100 (x[i+1] - x[i]²)² + (1 - x[i])²} over the pairs, as the textbook writes it. */
  @Differentiable(order = 2)
  public static double rosenbrock(double[] x) {
    double f = 0;
    for (int i = 0; i + 1 < x.length; i += 2) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      f += 100 * a * a + b * b;
    }
    return f;
  }

  /** The standard starting point. */
  public static double[] start(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i += 2) {
      x[i] = -1.2;
      x[i + 1] = 1;
    }
    return x;
  }

  /** One iteration of a minimiser, for printing. */
  public record Step(int iteration, double value, double gradientNorm, int innerIterations) {}

  /** Where a minimiser stopped. */
  public record Outcome(double[] x, double value, double gradientNorm, int iterations) {}

  /**
   * Truncated Newton (Nocedal and Wright, Algorithm 7.1): conjugate gradients on {@code H p = -g}
   * with HVPs, stopped at a residual below {@code min(0.01, |g|) |g|} (so convergence ends
   * quadratic) or at negative curvature,
   * then a backtracking line search along p; until {@code |g| < tolerance}.
   */
  public static Outcome newton(double[] start, double tolerance, int maxIterations,
      Consumer<Step> progress) {
    double[] x = start.clone();
    int n = x.length;
    double[] p = new double[n];
    double[] r = new double[n];
    double[] d = new double[n];
    for (int iteration = 0; ; iteration++) {
      NewtonRosenbrockGrad.Rosenbrock g = NewtonRosenbrockGrad.rosenbrock(x);
      double norm = norm(g.dx());
      if (norm < tolerance || iteration == maxIterations) {
        return new Outcome(x, g.value(), norm, iteration);
      }
      java.util.Arrays.fill(p, 0);
      for (int i = 0; i < n; i++) {
        r[i] = -g.dx()[i];
        d[i] = r[i];
      }
      double rr = dot(r, r);
      double stop = Math.min(0.01, norm) * norm;
      int inner = 0;
      while (inner < n) {
        double[] hd = NewtonRosenbrockGrad.rosenbrockHvp(x, d).hx();
        double curvature = dot(d, hd);
        if (curvature <= 0) {
          if (inner == 0) {
            System.arraycopy(r, 0, p, 0, n); // no descent direction yet: steepest descent
          }
          break;
        }
        double alpha = rr / curvature;
        for (int i = 0; i < n; i++) {
          p[i] += alpha * d[i];
          r[i] -= alpha * hd[i];
        }
        inner++;
        double next = dot(r, r);
        if (Math.sqrt(next) < stop) {
          break;
        }
        for (int i = 0; i < n; i++) {
          d[i] = r[i] + next / rr * d[i];
        }
        rr = next;
      }
      lineSearch(x, g.value(), g.dx(), p);
      progress.accept(new Step(iteration + 1, rosenbrock(x), norm(NewtonRosenbrockGrad
          .rosenbrock(x).dx()), inner));
    }
  }

  /** Gradient descent along {@code -g} with the same line search. */
  public static Outcome gradientDescent(double[] start, double tolerance, int maxIterations) {
    double[] x = start.clone();
    double[] p = new double[x.length];
    for (int iteration = 0; ; iteration++) {
      NewtonRosenbrockGrad.Rosenbrock g = NewtonRosenbrockGrad.rosenbrock(x);
      double norm = norm(g.dx());
      if (norm < tolerance || iteration == maxIterations) {
        return new Outcome(x, g.value(), norm, iteration);
      }
      for (int i = 0; i < x.length; i++) {
        p[i] = -g.dx()[i];
      }
      lineSearch(x, g.value(), g.dx(), p);
    }
  }

  /** {@code x += t p} with t halved from 1 until f decreases enough (Armijo, c = 1e-4). */
  private static void lineSearch(double[] x, double f, double[] g, double[] p) {
    double slope = dot(g, p);
    double[] trial = new double[x.length];
    for (double t = 1; t > 1e-20; t /= 2) {
      for (int i = 0; i < x.length; i++) {
        trial[i] = x[i] + t * p[i];
      }
      if (rosenbrock(trial) <= f + 1e-4 * t * slope) {
        System.arraycopy(trial, 0, x, 0, x.length);
        return;
      }
    }
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }
}
