package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDerivative;
import dev.adjoint.Gates;
import dev.adjoint.Vectors;

/**
 * The two losses of CS231n's "minimal neural network case study", as plain Java differentiated
 * at compile time by Adjoint: the average softmax cross-entropy of a batch plus the L2
 * regularization {@code 0.5 reg sum W^2} of the weight matrices (not of the biases).
 *
 * <p>The data {@code X} (one row per point) and the regularization strength are marked
 * {@link NoDerivative} and the labels are {@code int}s, so the generated {@link SpiralLossGrad}
 * differentiates the parameters only: {@code linearPullback(W, b, X, y, reg, seed, dW, db)}
 * returns the loss and adds {@code seed * dL/dW} into {@code dW} and {@code seed * dL/db} into
 * {@code db}. That is the whole backward pass of {@link SpiralTraining}; no gradient is written
 * by hand.
 *
 * <p>The losses are written as cs231n writes the forward pass, a dot product per hidden unit and
 * per class accumulated into a scalar, then each example's row of scores handed to
 * {@link Vectorized#softmaxCrossEntropy}, whose generated pullback gives {@code dL/ds =
 * p - onehot(y)}; the regularization is {@link #sumOfSquares}.
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
  @Differentiable
  public static double linear(double[][] W, double[] b, @NoDerivative double[][] X, int[] y,
      @NoDerivative double reg) {
    double dataLoss = 0;
    for (int i = 0; i < X.length; i++) {
      double[] scores = new double[b.length];
      for (int c = 0; c < b.length; c++) {
        double s = b[c];
        for (int d = 0; d < W.length; d++) {
          s += X[i][d] * W[d][c];
        }
        scores[c] = s;
      }
      dataLoss += Vectorized.softmaxCrossEntropy(scores, y[i]);
    }
    return dataLoss / X.length + 0.5 * reg * sumOfSquares(W);
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
  @Differentiable
  public static double twoLayer(double[][] W1, double[] b1, double[][] W2, double[] b2,
      @NoDerivative double[][] X, int[] y, @NoDerivative double reg) {
    double dataLoss = 0;
    for (int i = 0; i < X.length; i++) {
      double[] hidden = new double[b1.length];
      for (int h = 0; h < b1.length; h++) {
        double z = b1[h];
        for (int d = 0; d < W1.length; d++) {
          z += X[i][d] * W1[d][h];
        }
        hidden[h] = Gates.relu(z);
      }
      double[] scores = new double[b2.length];
      for (int c = 0; c < b2.length; c++) {
        double s = b2[c];
        for (int h = 0; h < b1.length; h++) {
          s += hidden[h] * W2[h][c];
        }
        scores[c] = s;
      }
      dataLoss += Vectorized.softmaxCrossEntropy(scores, y[i]);
    }
    return dataLoss / X.length + 0.5 * reg * (sumOfSquares(W1) + sumOfSquares(W2));
  }

  /**
   * The sum of the squares of a matrix's entries, {@code sum W^2}: twice the L2 regularization
   * loss at strength 1, with gradient {@code 2 W}.
   *
   * @param W a matrix
   * @return {@code sum_ij W_ij^2}
   */
  @Differentiable
  public static double sumOfSquares(double[][] W) {
    double squares = 0;
    for (double[] row : W) {
      for (double w : row) {
        squares += w * w;
      }
    }
    return squares;
  }

  /**
   * A fully connected layer as the case study stores it, {@code z = x W + b} with {@code W}
   * of {@code D x H}: a method returning a vector, whose generated pullback takes the adjoint of
   * {@code z} as its seed.
   *
   * @param x the input, {@code D}
   * @param W the weights, {@code D x H}
   * @param b the biases, {@code H}
   * @return {@code x W + b}
   */
  @Differentiable
  public static double[] dense(double[] x, double[][] W, double[] b) {
    double[] z = b.clone();
    for (int d = 0; d < W.length; d++) {
      for (int h = 0; h < b.length; h++) {
        z[h] += x[d] * W[d][h];
      }
    }
    return z;
  }

  /**
   * {@link #twoLayer} written as layers, as cs231n's modular backprop does it: per example a
   * dense layer, {@link Vectors#relu}, a dense layer and {@link Vectors#softmaxCrossEntropy}.
   * Same loss, same gradient.
   *
   * @param W1 the first layer's weights, {@code D x H}
   * @param b1 the first layer's biases, {@code H}
   * @param W2 the second layer's weights, {@code H x K}
   * @param b2 the second layer's biases, {@code K}
   * @param X the points, {@code N x D}, a constant
   * @param y the class of each point, {@code N}, a constant
   * @param reg the regularization strength, a constant
   * @return the average cross-entropy plus {@code 0.5 reg (sum W1^2 + sum W2^2)}
   */
  @Differentiable
  public static double layered(double[][] W1, double[] b1, double[][] W2, double[] b2,
      @NoDerivative double[][] X, int[] y, @NoDerivative double reg) {
    double dataLoss = 0;
    for (int i = 0; i < X.length; i++) {
      double[] hidden = Vectors.relu(dense(X[i], W1, b1));
      dataLoss += Vectors.softmaxCrossEntropy(dense(hidden, W2, b2), y[i]);
    }
    return dataLoss / X.length + 0.5 * reg * (sumOfSquares(W1) + sumOfSquares(W2));
  }
}
