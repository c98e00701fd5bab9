package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDerivative;
import dev.adjoint.Vectors;

/**
 * CS231n's two-layer network loss over a batch: {@code z = x W1 + b1}, {@code a = max(0, z)},
 * {@code s = a W2 + b2}, the mean softmax cross-entropy (shifted by the largest score) plus
 * {@code 0.5 reg (|W1|^2 + |W2|^2)}. Written as a person writes it for speed in plain Java: rows
 * of the weights walked in memory order ({@code for d { for h { z[h] += x[d] W1[d][h] } }}).
 */
public final class TwoLayerNet {
  private TwoLayerNet() {}

  /**
   * The loss.
   *
   * @param W1 {@code D x H} weights
   * @param b1 {@code H} biases
   * @param W2 {@code H x K} weights
   * @param b2 {@code K} biases
   * @param X {@code N x D} points (a constant)
   * @param y {@code N} labels in {@code 0..K-1}
   * @param reg the L2 strength (a constant)
   */
  @Differentiable(wrt = {"W1", "b1", "W2", "b2"}, order = 2)
  public static double loss(double[][] W1, double[] b1, double[][] W2, double[] b2,
      double[][] X, int[] y, double reg) {
    int n = X.length;
    int D = W1.length;
    int H = b1.length;
    int K = b2.length;
    double[][] z = new double[n][H];
    double[][] a = new double[n][H];
    double[][] scores = new double[n][K];
    double dataLoss = 0;
    for (int i = 0; i < n; i++) {
      for (int h = 0; h < H; h++) {
        z[i][h] = b1[h];
      }
      for (int d = 0; d < D; d++) {
        double xd = X[i][d];
        for (int h = 0; h < H; h++) {
          z[i][h] += xd * W1[d][h];
        }
      }
      for (int h = 0; h < H; h++) {
        a[i][h] = Math.max(0, z[i][h]);
      }
      for (int c = 0; c < K; c++) {
        scores[i][c] = b2[c];
      }
      for (int h = 0; h < H; h++) {
        for (int c = 0; c < K; c++) {
          scores[i][c] += a[i][h] * W2[h][c];
        }
      }
      double max = scores[i][0];
      for (int c = 1; c < K; c++) {
        max = Math.max(max, scores[i][c]);
      }
      double sum = 0;
      for (int c = 0; c < K; c++) {
        sum += Math.exp(scores[i][c] - max);
      }
      dataLoss += Math.log(sum) + max - scores[i][y[i]];
    }
    double squares = 0;
    for (int d = 0; d < D; d++) {
      for (int h = 0; h < H; h++) {
        squares += W1[d][h] * W1[d][h];
      }
    }
    for (int h = 0; h < H; h++) {
      for (int c = 0; c < K; c++) {
        squares += W2[h][c] * W2[h][c];
      }
    }
    return dataLoss / n + 0.5 * reg * squares;
  }

  /** A fully connected layer {@code x W + b}, {@code W} of {@code D x H}: a vector output. */
  @Differentiable
  public static double[] dense(double[] x, double[][] W, double[] b) {
    double[] z = b.clone();
    for (int d = 0; d < W.length; d++) {
      double xd = x[d];
      for (int h = 0; h < b.length; h++) {
        z[h] += xd * W[d][h];
      }
    }
    return z;
  }

  /** {@link #loss} written as layers: dense, ReLU, dense, softmax cross-entropy per example. */
  @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
  public static double layered(double[][] W1, double[] b1, double[][] W2, double[] b2,
      double[][] X, int[] y, double reg) {
    double dataLoss = 0;
    for (int i = 0; i < X.length; i++) {
      double[] hidden = Vectors.relu(dense(X[i], W1, b1));
      dataLoss += Vectors.softmaxCrossEntropy(dense(hidden, W2, b2), y[i]);
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

  /**
   * {@link #loss} spelled as cs231n writes the forward pass: per example a {@code hidden} and a
   * {@code scores} array, each entry a scalar accumulator, the softmax cross-entropy inline.
   */
  @Differentiable
  public static double natural(double[][] W1, double[] b1, double[][] W2, double[] b2,
      @NoDerivative double[][] X, int[] y, @NoDerivative double reg) {
    double dataLoss = 0;
    for (int i = 0; i < X.length; i++) {
      double[] hidden = new double[b1.length];
      for (int h = 0; h < b1.length; h++) {
        double z = b1[h];
        for (int d = 0; d < W1.length; d++) {
          z += X[i][d] * W1[d][h];
        }
        hidden[h] = Math.max(0, z);
      }
      double[] scores = new double[b2.length];
      for (int c = 0; c < b2.length; c++) {
        double s = b2[c];
        for (int h = 0; h < b1.length; h++) {
          s += hidden[h] * W2[h][c];
        }
        scores[c] = s;
      }
      double max = scores[0];
      for (int c = 1; c < scores.length; c++) {
        max = Math.max(max, scores[c]);
      }
      double sum = 0;
      for (int c = 0; c < scores.length; c++) {
        sum += Math.exp(scores[c] - max);
      }
      dataLoss += Math.log(sum) + max - scores[y[i]];
    }
    double squares = 0;
    for (double[] row : W1) {
      for (double w : row) {
        squares += w * w;
      }
    }
    for (double[] row : W2) {
      for (double w : row) {
        squares += w * w;
      }
    }
    return dataLoss / X.length + 0.5 * reg * squares;
  }
}
