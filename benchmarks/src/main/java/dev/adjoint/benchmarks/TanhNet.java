package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;

/**
 * A one-hidden-layer tanh network fitted by least squares, written the natural way (a scalar
 * accumulator per unit, the prediction summed as it goes): {@code p = w2 · tanh(W1 x + b1) + b2},
 * the mean of {@code (p - t)^2}. Unlike ReLU, tanh has a second derivative everywhere, so its
 * Hessian-vector product does all the work second order can ask for.
 */
public final class TanhNet {
  private TanhNet() {}

  /**
   * The loss.
   *
   * @param W1 {@code H x D} weights
   * @param b1 {@code H} biases
   * @param w2 {@code H} output weights
   * @param b2 the output bias
   * @param X {@code N x D} points (a constant)
   * @param t {@code N} targets (a constant)
   */
  @Differentiable(wrt = {"W1", "b1", "w2", "b2"}, order = 2)
  public static double loss(double[][] W1, double[] b1, double[] w2, double b2, double[][] X,
      double[] t) {
    double total = 0;
    for (int i = 0; i < X.length; i++) {
      double p = b2;
      for (int h = 0; h < b1.length; h++) {
        double s = b1[h];
        for (int d = 0; d < X[i].length; d++) {
          s += W1[h][d] * X[i][d];
        }
        p += w2[h] * Math.tanh(s);
      }
      double e = p - t[i];
      total += e * e;
    }
    return total / X.length;
  }

  /** The hidden layer, {@code tanh(W1 x + b1)}: a layer returning its activations. */
  @Differentiable(order = 2)
  public static double[] hidden(double[][] W1, double[] b1, double[] x) {
    double[] a = new double[b1.length];
    for (int h = 0; h < b1.length; h++) {
      double s = b1[h];
      for (int d = 0; d < x.length; d++) {
        s += W1[h][d] * x[d];
      }
      a[h] = Math.tanh(s);
    }
    return a;
  }

  /** {@link #loss} written with its layer, as a network of layers is: the same function. */
  @Differentiable(wrt = {"W1", "b1", "w2", "b2"}, order = 2)
  public static double layered(double[][] W1, double[] b1, double[] w2, double b2,
      double[][] X, double[] t) {
    double total = 0;
    for (int i = 0; i < X.length; i++) {
      double[] a = hidden(W1, b1, X[i]);
      double p = b2;
      for (int h = 0; h < a.length; h++) {
        p += w2[h] * a[h];
      }
      double e = p - t[i];
      total += e * e;
    }
    return total / X.length;
  }
}
