package dev.adjoint.samples;

import dev.adjoint.Differentiable;

/**
 * The two losses of CS231n's "minimal neural network case study", as plain Java differentiated
 * at compile time by Adjoint: the average softmax cross-entropy of a batch plus the L2
 * regularization {@code 0.5 reg sum W^2} of the weight matrices (not of the biases).
 *
 * <p>The data {@code X} (one row per point) and the labels {@code y} are constants: {@code wrt}
 * names the parameters, so the generated {@link SpiralLossGrad} has, for instance,
 * {@code linearPullback(W, b, X, y, reg, seed, dW, db)}, which returns the loss and adds
 * {@code seed * dL/dW} into {@code dW} and {@code seed * dL/db} into {@code db}. That is the
 * whole backward pass of {@link SpiralTraining}; no gradient is written by hand.
 *
 * <p>Sums are accumulated into elements of local matrices ({@code scores[i][c] += ...}) rather
 * than into scalar locals: the generated code saves a scalar local on its tape each time a loop
 * reassigns it, but adds into an array element without saving anything, which makes the
 * two-layer gradient about twice as fast. Calls to methods other than {@code Math} are not
 * differentiable yet, so the stable softmax cross-entropy (subtract the largest score,
 * {@code log sum e^s - s_y}) is written out in both methods.
 */
public final class SpiralLoss {

  private SpiralLoss() {}

  /**
   * The loss of a linear softmax classifier, scores {@code s = x W + b}.
   *
   * @param W the weights, {@code D x K} (features by classes)
   * @param b the biases, {@code K}
   * @param X the points, {@code N x D}, a constant
   * @param y the class of each point, {@code N}, a constant
   * @param reg the regularization strength, a constant
   * @return the average cross-entropy plus {@code 0.5 reg sum W^2}
   */
  @Differentiable(wrt = {"W", "b"})
  public static double linear(double[][] W, double[] b, double[][] X, int[] y, double reg) {
    double[][] scores = new double[X.length][b.length];
    double dataLoss = 0;
    for (int i = 0; i < X.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < b.length; c++) {
        scores[i][c] = b[c];
        for (int d = 0; d < W.length; d++) {
          scores[i][c] += X[i][d] * W[d][c];
        }
        max = Math.max(max, scores[i][c]);
      }
      double sum = 0;
      for (int c = 0; c < b.length; c++) {
        sum += Math.exp(scores[i][c] - max);
      }
      dataLoss += Math.log(sum) - (scores[i][y[i]] - max);
    }
    double squares = 0;
    for (int d = 0; d < W.length; d++) {
      for (int c = 0; c < b.length; c++) {
        squares += W[d][c] * W[d][c];
      }
    }
    return dataLoss / X.length + 0.5 * reg * squares;
  }

  /**
   * The loss of a two-layer network: hidden layer {@code a = max(0, z)} (ReLU) of
   * {@code z = x W1 + b1}, scores {@code s = a W2 + b2}.
   *
   * @param W1 the first layer's weights, {@code D x H} (features by hidden units)
   * @param b1 the first layer's biases, {@code H}
   * @param W2 the second layer's weights, {@code H x K} (hidden units by classes)
   * @param b2 the second layer's biases, {@code K}
   * @param X the points, {@code N x D}, a constant
   * @param y the class of each point, {@code N}, a constant
   * @param reg the regularization strength, a constant
   * @return the average cross-entropy plus {@code 0.5 reg (sum W1^2 + sum W2^2)}
   */
  @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
  public static double twoLayer(
      double[][] W1, double[] b1, double[][] W2, double[] b2, double[][] X, int[] y,
      double reg) {
    double[][] z = new double[X.length][b1.length];
    double[][] scores = new double[X.length][b2.length];
    double dataLoss = 0;
    for (int i = 0; i < X.length; i++) {
      for (int c = 0; c < b2.length; c++) {
        scores[i][c] = b2[c];
      }
      for (int h = 0; h < b1.length; h++) {
        z[i][h] = b1[h];
        for (int d = 0; d < W1.length; d++) {
          z[i][h] += X[i][d] * W1[d][h];
        }
        double a = Math.max(0, z[i][h]);
        for (int c = 0; c < b2.length; c++) {
          scores[i][c] += a * W2[h][c];
        }
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < b2.length; c++) {
        max = Math.max(max, scores[i][c]);
      }
      double sum = 0;
      for (int c = 0; c < b2.length; c++) {
        sum += Math.exp(scores[i][c] - max);
      }
      dataLoss += Math.log(sum) - (scores[i][y[i]] - max);
    }
    double squares = 0;
    for (int d = 0; d < W1.length; d++) {
      for (int h = 0; h < b1.length; h++) {
        squares += W1[d][h] * W1[d][h];
      }
    }
    for (int h = 0; h < b1.length; h++) {
      for (int c = 0; c < b2.length; c++) {
        squares += W2[h][c] * W2[h][c];
      }
    }
    return dataLoss / X.length + 0.5 * reg * squares;
  }
}
