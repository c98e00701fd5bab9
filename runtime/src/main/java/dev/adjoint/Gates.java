package dev.adjoint;

/**
 * The usual gates of neural networks, for {@code @Differentiable} code. The backward sweep uses
 * each gate's known local derivative instead of differentiating its body: {@link #sigmoid},
 * {@link #relu}, {@link #leakyRelu} and {@link #softplus} have theirs in Adjoint's table of
 * derivative rules, beside {@code Math}'s functions, and are written inline (cs231n's sigmoid
 * gate: {@code s (1 - s)} times the incoming gradient, from the saved {@code s}); {@link
 * #logSumExp}'s pullback is registered with {@link CustomGradient} and its second derivative with
 * {@link CustomHvp}, exactly as a user registers them.
 */
public final class Gates {
  private Gates() {}

  /** {@code 1 / (1 + e^-x)}; its derivative is {@code s (1 - s)}. */
  public static double sigmoid(double x) {
    return 1.0 / (1.0 + Math.exp(-x));
  }

  /** {@code max(0, x)}; its derivative is 1 where {@code x > 0}, else 0 (0 at 0). */
  public static double relu(double x) {
    return x > 0 ? x : 0.0;
  }

  /** {@code x} for {@code x > 0}, else {@code slope * x}. */
  public static double leakyRelu(double x, double slope) {
    return x > 0 ? x : slope * x;
  }

  /** {@code log(1 + e^x)}, computed without overflow; its derivative is {@code sigmoid(x)}. */
  public static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
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
   * The HVP of {@link #logSumExp}, for order-2 code: with {@code p} the softmax of {@code x}, the
   * gradient is {@code p} and {@code H v = p ⊙ v - p (p · v)}.
   */
  @CustomHvp("logSumExp")
  public static double logSumExpHvp(double[] x, double seed, double[] dx, double[] vx,
      double seedTangent, double[] hx) {
    double value = logSumExp(x);
    double pv = 0;
    for (int i = 0; i < x.length; i++) {
      pv += Math.exp(x[i] - value) * vx[i];
    }
    for (int i = 0; i < x.length; i++) {
      double p = Math.exp(x[i] - value);
      dx[i] += seed * p;
      hx[i] += seedTangent * p + seed * p * (vx[i] - pv);
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
