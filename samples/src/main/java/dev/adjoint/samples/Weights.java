package dev.adjoint.samples;

import java.util.Random;

/** Small helpers for the models' weights: initialization and the forward pass of one point. */
final class Weights {

  private Weights() {}

  /**
   * A matrix of independent Gaussian entries.
   *
   * @param rows the number of rows
   * @param cols the number of columns
   * @param scale the standard deviation
   * @param random the source
   * @return a new {@code rows x cols} matrix with entries {@code scale N(0, 1)}
   */
  static double[][] gaussian(int rows, int cols, double scale, Random random) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int c = 0; c < cols; c++) {
        row[c] = scale * random.nextGaussian();
      }
    }
    return m;
  }

  /**
   * The affine map of one row vector, {@code x W + b}.
   *
   * @param x a vector of {@code n} elements
   * @param w an {@code n x m} matrix
   * @param b a vector of {@code m} elements
   * @return a new vector of {@code m} elements
   */
  static double[] affine(double[] x, double[][] w, double[] b) {
    double[] out = b.clone();
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < out.length; j++) {
        out[j] += x[i] * w[i][j];
      }
    }
    return out;
  }
}
