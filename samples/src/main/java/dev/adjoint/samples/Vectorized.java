package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import dev.adjoint.Gates;

/**
 * The vector and matrix examples of Stanford CS231n, written with {@code double[]} and
 * {@code double[][]} and differentiated at compile time by Adjoint.
 *
 * <p>The build generates {@link VectorizedGrad}: {@code VectorizedGrad.m(...)} returns the value
 * and one gradient per array parameter, shaped like the parameter ({@code dW} is a matrix when
 * {@code W} is), and {@code VectorizedGrad.mPullback(..., seed, dW, dx)} adds
 * {@code seed * df/dW} and {@code seed * df/dx} into caller-owned arrays. Integer parameters
 * (class labels) are constants.
 *
 * <p>The examples are built from two helpers, as one writes them by hand: {@link #dot} for each
 * score {@code s_k = W_k . x} (row {@code k} of {@code W} is passed as {@code W[k]}) and
 * {@link #softmaxCrossEntropy} for the loss of a row of scores, which {@link SpiralLoss} uses
 * too; the sigmoid is {@link Gates#sigmoid}. Each call's backward pass is the callee's
 * generated (or, for the gates, registered) pullback.
 */
public final class Vectorized {

  private Vectorized() {}

  /**
   * The two-input sigmoid neuron of lecture 4 with its weights in one vector,
   * {@code f(w, x) = sigmoid(w[0] x[0] + ... + w[n-1] x[n-1] + w[n])}, the last weight being the
   * bias.
   *
   * <p>Published: at {@code w = (2, -3, -3)}, {@code x = (-1, -2)} the value is {@code 0.73106},
   * {@code dw = (-0.19661, -0.39322, 0.19661)} and {@code dx = (0.39322, -0.58984)}.
   *
   * @param w {@code n} weights followed by the bias
   * @param x {@code n} inputs
   * @return the neuron's activation, in (0, 1)
   */
  @Differentiable
  public static double neuron(double[] w, double[] x) {
    return Gates.sigmoid(dot(w, x) + w[x.length]);
  }

  /**
   * The dot product {@code w[0] x[0] + ... + w[n-1] x[n-1]} over the {@code n} entries of
   * {@code x}; {@code w} may be longer (the {@link #neuron} keeps its bias after the weights).
   *
   * @param w at least {@code n} weights
   * @param x {@code n} inputs
   * @return {@code w . x}
   */
  @Differentiable
  public static double dot(double[] w, double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += w[i] * x[i];
    }
    return s;
  }

  /**
   * "A vectorized example" of the lecture 4 slides, {@code f(x, W) = ||W x||^2}, the sum of the
   * squares of {@code q = W x}.
   *
   * <p>Published: at {@code W = [[0.1, 0.5], [-0.3, 0.8]]}, {@code x = (0.2, 0.4)} the value is
   * {@code 0.116}, {@code dW = [[0.088, 0.176], [0.104, 0.208]]} ({@code 2 q x^T}) and
   * {@code dx = (-0.112, 0.636)} ({@code 2 W^T q}).
   *
   * @param W an {@code m x n} matrix
   * @param x a vector of {@code n} elements
   * @return {@code ||W x||^2}
   */
  @Differentiable
  public static double squaredNorm(double[][] W, double[] x) {
    double f = 0;
    for (int i = 0; i < W.length; i++) {
      double q = dot(W[i], x);
      f += q * q;
    }
    return f;
  }

  /**
   * The intermediate of that example as a vector output, {@code q = W x}: its generated
   * {@code productJacobian} has {@code dq/dx = W} and {@code dq_i/dW = e_i x^T}.
   *
   * @param W an {@code m x n} matrix
   * @param x a vector of {@code n} elements
   * @return {@code W x}
   */
  @Differentiable
  public static double[] product(double[][] W, double[] x) {
    double[] q = new double[W.length];
    for (int i = 0; i < W.length; i++) {
      q[i] = dot(W[i], x);
    }
    return q;
  }

  /**
   * The softmax (cross-entropy) loss of one example with scores {@code s = W x}:
   * {@code L = -log(e^{s_y} / sum_j e^{s_j})}, the {@linkplain #softmaxCrossEntropy softmax
   * cross-entropy} of the scores.
   *
   * <p>Gradient: with {@code p = softmax(s)}, {@code dL/ds = p - onehot(y)}, hence
   * {@code dW = (p - onehot(y)) x^T} and {@code dx = W^T (p - onehot(y))}.
   *
   * @param W the weights, {@code K x D}: one row per class
   * @param x the example, {@code D} features
   * @param y the correct class, {@code 0 <= y < K}
   * @return the loss, at least 0
   */
  @Differentiable
  public static double softmaxLoss(double[][] W, double[] x, int y) {
    double[] s = new double[W.length];
    for (int k = 0; k < W.length; k++) {
      s[k] = dot(W[k], x);
    }
    return softmaxCrossEntropy(s, y);
  }

  /**
   * The softmax cross-entropy of a row of scores, {@code L = -log(e^{s_y} / sum_j e^{s_j})},
   * written as {@code log sum_j e^{s_j} - s_y}. {@link Gates#logSumExp} subtracts the largest
   * score before exponentiating, so large scores do not overflow.
   *
   * <p>Gradient: {@code dL/ds = p - onehot(y)} with {@code p = softmax(s)}, the pullback of
   * {@code logSumExp} minus 1 at the correct class.
   *
   * @param scores the scores of one example, one per class
   * @param y the correct class, {@code 0 <= y < scores.length}
   * @return the loss, at least 0
   */
  @Differentiable
  public static double softmaxCrossEntropy(double[] scores, int y) {
    return Gates.logSumExp(scores) - scores[y];
  }

  /**
   * The multiclass SVM (hinge) loss of one example with scores {@code s = W x}:
   * {@code L = sum_{j != y} max(0, s_j - s_y + 1)}.
   *
   * <p>Gradient: row {@code j != y} of {@code dW} is {@code x} when its margin
   * {@code s_j - s_y + 1} is positive and 0 otherwise; row {@code y} is {@code -c x}, where
   * {@code c} counts the positive margins.
   *
   * @param W the weights, {@code K x D}: one row per class
   * @param x the example, {@code D} features
   * @param y the correct class, {@code 0 <= y < K}
   * @return the loss, at least 0
   */
  @Differentiable
  public static double svmLoss(double[][] W, double[] x, int y) {
    double[] s = new double[W.length];
    for (int k = 0; k < W.length; k++) {
      s[k] = dot(W[k], x);
    }
    double loss = 0;
    for (int k = 0; k < W.length; k++) {
      if (k != y) {
        loss += Math.max(0, s[k] - s[y] + 1);
      }
    }
    return loss;
  }
}
