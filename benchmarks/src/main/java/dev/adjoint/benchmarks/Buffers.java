package dev.adjoint.benchmarks;

import java.util.Arrays;

/** Zeroing gradient buffers before a pullback, as a training loop does. */
final class Buffers {
  private Buffers() {}

  static void zero(double[] v) {
    Arrays.fill(v, 0.0);
  }

  static void zero(double[][] m) {
    for (double[] row : m) {
      Arrays.fill(row, 0.0);
    }
  }
}
