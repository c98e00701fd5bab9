package dev.adjoint.benchmarks;

import java.util.Random;

/**
 * Inputs of the two-layer net from a fixed seed: cs231n's spiral (D = 2, H = 100, K = 3, 300
 * points) and a CIFAR-10-shaped batch (D = 3072, H = 100, K = 10, 32 random "images" with
 * entries in [-0.5, 0.5)). Weights {@code W1 = s randn} ({@code s = 0.01} for the spiral as in
 * cs231n, {@code 1 / sqrt(D)} for CIFAR), {@code W2 = 0.1 randn}, biases {@code 0.01 randn}.
 */
public record TwoLayerData(double[][] W1, double[] b1, double[][] W2, double[] b2, double[][] X,
    int[] y, double reg) {

  /** The number of parameters, {@code D H + H + H K + K}. */
  public int parameters() {
    return W1.length * b1.length + b1.length + b1.length * b2.length + b2.length;
  }

  /** cs231n's spiral: 100 points per class, 3 classes, 100 hidden units, {@code reg = 1e-3}. */
  public static TwoLayerData spiral() {
    Random random = new Random(231);
    int perClass = 100;
    int classes = 3;
    double[][] X = new double[perClass * classes][];
    int[] y = new int[X.length];
    for (int j = 0; j < classes; j++) {
      for (int i = 0; i < perClass; i++) {
        double r = (double) i / (perClass - 1);
        double t = 4.0 * j + 4.0 * r + 0.2 * random.nextGaussian();
        X[j * perClass + i] = new double[] {r * Math.sin(t), r * Math.cos(t)};
        y[j * perClass + i] = j;
      }
    }
    return withWeights(X, y, 100, classes, 0.01, 1e-3, random);
  }

  /** A CIFAR-10-shaped batch: 32 points of 3072 values, 100 hidden units, 10 classes. */
  public static TwoLayerData cifar() {
    Random random = new Random(10);
    int n = 32;
    int D = 3072;
    int classes = 10;
    double[][] X = new double[n][D];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < D; d++) {
        X[i][d] = random.nextDouble() - 0.5;
      }
      y[i] = random.nextInt(classes);
    }
    return withWeights(X, y, 100, classes, 1.0 / Math.sqrt(D), 0.05, random);
  }

  private static TwoLayerData withWeights(double[][] X, int[] y, int H, int K, double scale,
      double reg, Random random) {
    int D = X[0].length;
    double[][] W1 = gaussian(D, H, scale, random);
    double[] b1 = new double[H];
    double[][] W2 = gaussian(H, K, 0.1, random);
    double[] b2 = new double[K];
    for (int h = 0; h < H; h++) {
      b1[h] = 0.01 * random.nextGaussian();
    }
    for (int c = 0; c < K; c++) {
      b2[c] = 0.01 * random.nextGaussian();
    }
    return new TwoLayerData(W1, b1, W2, b2, X, y, reg);
  }

  private static double[][] gaussian(int rows, int cols, double scale, Random random) {
    double[][] m = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        m[i][j] = scale * random.nextGaussian();
      }
    }
    return m;
  }
}
