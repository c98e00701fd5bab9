package dev.adjoint;

/**
 * The usual gates of neural networks with their derivatives, for {@code @Differentiable} code:
 * each gate's pullback is registered with {@link CustomGradient}, exactly as a user registers
 * one, so the backward sweep uses the known local derivative (cs231n: the sigmoid gate's
 * {@code s(1 - s)}) instead of differentiating the gate's body.
 */
public final class Gates {
  private Gates() {}

  /** {@code 1 / (1 + e^-x)}. */
  public static double sigmoid(double x) {
    return 1.0 / (1.0 + Math.exp(-x));
  }

  /** The pullback of {@link #sigmoid}: {@code d = s (1 - s)}. */
  @CustomGradient("sigmoid")
  public static double sigmoidPullback(double x, double seed, double[] dScalars) {
    double s = sigmoid(x);
    dScalars[0] += seed * s * (1 - s);
    return s;
  }

  /** {@code max(0, x)}. */
  public static double relu(double x) {
    return x > 0 ? x : 0.0;
  }

  /** The pullback of {@link #relu}: the gradient passes where {@code x > 0} (0 at 0). */
  @CustomGradient("relu")
  public static double reluPullback(double x, double seed, double[] dScalars) {
    if (x > 0) {
      dScalars[0] += seed;
      return x;
    }
    return 0.0;
  }

  /** {@code x} for {@code x > 0}, else {@code slope * x}. */
  public static double leakyRelu(double x, double slope) {
    return x > 0 ? x : slope * x;
  }

  /** The pullback of {@link #leakyRelu}, in {@code x} and in {@code slope}. */
  @CustomGradient("leakyRelu")
  public static double leakyReluPullback(double x, double slope, double seed,
      double[] dScalars) {
    if (x > 0) {
      dScalars[0] += seed;
      return x;
    }
    dScalars[0] += seed * slope;
    dScalars[1] += seed * x;
    return slope * x;
  }

  /** {@code log(1 + e^x)}, computed without overflow. */
  public static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  /** The pullback of {@link #softplus}: {@code d = sigmoid(x)}. */
  @CustomGradient("softplus")
  public static double softplusPullback(double x, double seed, double[] dScalars) {
    dScalars[0] += seed * sigmoid(x);
    return softplus(x);
  }

  /** {@code log(sum_i e^(x_i))}, shifted by the maximum so it does not overflow. */
  public static double logSumExp(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    if (Double.isInfinite(max)) {
      return max;
    }
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }

  /** The pullback of {@link #logSumExp}: the softmax of {@code x}. */
  @CustomGradient("logSumExp")
  public static double logSumExpPullback(double[] x, double seed, double[] dx) {
    double value = logSumExp(x);
    for (int i = 0; i < x.length; i++) {
      dx[i] += seed * Math.exp(x[i] - value);
    }
    return value;
  }

  /**
   * Returns {@code x} and stops the gradient there (JAX's {@code stop_gradient}, PyTorch's
   * {@code detach}): code after it treats the value as a constant.
   */
  public static double stopGradient(double x) {
    return x;
  }
}
