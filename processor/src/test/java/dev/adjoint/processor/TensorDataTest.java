package dev.adjoint.processor;

import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;
import static dev.adjoint.processor.testing.GradientAssertions.assertSecondOrder;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.Compiled;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code @NoDerivative double[][][]} parameters, the data of a first hour with batches of
 * sequences or images of channels: read in place through every spelling of a slice
 * ({@code xs[b][t][j]}, {@code double[][] seq = xs[b]}, {@code for (double[][] seq : xs)}, a
 * slice passed to a call), each gradient checked against Hipparchus and finite differences.
 */
class TensorDataTest {
  static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoDerivative;

      public final class Batches {
        /** A tanh RNN over a batch of sequences, its last state regressed on a target. */
        @Differentiable
        public static double rnn(double[][] Wx, double[][] Wh, @NoDerivative double[][][] xs,
            @NoDerivative double[] ys) {
          double loss = 0;
          for (int b = 0; b < xs.length; b++) {
            double[][] seq = xs[b];
            double[] h = new double[Wh.length];
            for (int t = 0; t < seq.length; t++) {
              double[] next = new double[h.length];
              for (int i = 0; i < h.length; i++) {
                double s = 0;
                for (int j = 0; j < seq[t].length; j++) {
                  s += Wx[i][j] * seq[t][j];
                }
                for (int j = 0; j < h.length; j++) {
                  s += Wh[i][j] * h[j];
                }
                next[i] = Math.tanh(s);
              }
              h = next;
            }
            double e = h[0] - ys[b];
            loss += e * e;
          }
          return loss;
        }

        /** One kernel over every channel of a C x H x W image, through a ReLU. */
        @Differentiable
        public static double conv(double[][] kernel, @NoDerivative double[][][] image) {
          double total = 0;
          for (int c = 0; c < image.length; c++) {
            for (int y = 0; y + kernel.length <= image[c].length; y++) {
              for (int x = 0; x + kernel[0].length <= image[c][y].length; x++) {
                double s = 0;
                for (int dy = 0; dy < kernel.length; dy++) {
                  for (int dx = 0; dx < kernel[0].length; dx++) {
                    s += kernel[dy][dx] * image[c][y + dy][x + dx];
                  }
                }
                total += Math.max(0, s) * (c + 1);
              }
            }
          }
          return total;
        }

        @Differentiable
        public static double sequence(double[] w, @NoDerivative double[][] seq) {
          double s = 0;
          for (double[] x : seq) {
            double z = 0;
            for (int j = 0; j < x.length; j++) {
              z += w[j] * x[j];
            }
            s += Math.tanh(z);
          }
          return s;
        }

        /** Slices by for-each, by index, passed to a call, and their rows iterated. */
        @Differentiable
        public static double slices(double[] w, @NoDerivative double[][][] xs) {
          double total = 0;
          for (double[][] seq : xs) {
            total += sequence(w, seq);
          }
          for (int b = 0; b < xs.length; b++) {
            total += 0.1 * sequence(w, xs[b]);
          }
          for (double[] x : xs[0]) {
            for (double v : x) {
              total += w[0] * v;
            }
          }
          for (double v : xs[1][2]) {
            total += w[1] * v * v;
          }
          double[][] first = xs[0];
          double[] row = first[1];
          return total + w[0] * row[0] * xs.length + w[1] * xs[1][0].length;
        }

        /** A second name for the data, then another array under that name. */
        @Differentiable(wrt = {"w"})
        public static double renamed(double[] w, double[][][] xs, double[][][] ys) {
          double[][][] t = xs;
          double s = t[0][0][0] * w[0];
          t = ys;
          return s + t[0][1][1] * w[1];
        }

        /** A step of a recurrent layer, given one input of the data. */
        @Differentiable(order = 2)
        public static double[] step(double[][] W, double[] h, double[] x) {
          double[] next = new double[h.length];
          for (int i = 0; i < h.length; i++) {
            double s = x[i % x.length];
            for (int j = 0; j < h.length; j++) {
              s += W[i][j] * h[j];
            }
            next[i] = Math.tanh(s);
          }
          return next;
        }

        /**
         * Rows of the data passed to a layer whose input is differentiated: the forward sweeps
         * give them tangents of zeros.
         */
        @Differentiable(order = 2)
        public static double steps(double[][] W, double[] u, @NoDerivative double[][][] xs) {
          double total = 0;
          for (double[][] seq : xs) {
            double[] h = u.clone();
            for (double[] x : seq) {
              h = step(W, h, x);
            }
            for (double v : h) {
              total += v * v;
            }
          }
          return total;
        }

        @Differentiable(order = 2)
        public static double curved(double[] w, @NoDerivative double[][][] xs) {
          double total = 0;
          for (int b = 0; b < xs.length; b++) {
            for (int t = 0; t < xs[b].length; t++) {
              double z = 0;
              for (int j = 0; j < w.length; j++) {
                z += w[j] * xs[b][t][j];
              }
              total += Math.exp(-z * z) + z * z * z;
            }
          }
          return total;
        }
      }
      """;

  private static Compiled compiled;

  @BeforeAll
  static void compile() {
    compiled = Compiled.compile(SOURCE);
  }

  static double[][][] data(int a, int b, int c, long seed) {
    Random random = new Random(seed);
    double[][][] t = new double[a][b][c];
    for (double[][] m : t) {
      for (double[] row : m) {
        for (int i = 0; i < row.length; i++) {
          row[i] = random.nextGaussian();
        }
      }
    }
    return t;
  }

  static Stream<Arguments> cases() {
    double[][] wx = {{0.3, -0.7}, {1.1, 0.2}, {0.4, 0.6}};
    double[][] wh = {{0.3, -0.7, 0.2}, {1.1, 0.2, -0.5}, {0.4, 0.6, -0.1}};
    double[][] kernel = {{0.3, -0.7, 0.2}, {1.1, 0.2, -0.5}};
    double[] w = {0.3, -0.5};
    return Stream.of(
        Arguments.of("rnn", new Object[] {wx, wh, data(3, 4, 2, 1), new double[] {0.5, -0.3, 0.1}}),
        Arguments.of("conv", new Object[] {kernel, data(2, 5, 6, 2)}),
        Arguments.of("slices", new Object[] {w, data(3, 4, 2, 3)}),
        Arguments.of("renamed", new Object[] {w, data(2, 2, 2, 4), data(2, 2, 2, 5)}),
        // rows of different lengths: each slice's own length bounds its loop
        Arguments.of("slices", new Object[] {w, new double[][][] {
            {{0.5, -1}, {2}}, {{1, 1}, {-2, 0.5}, {0.1}}}}),
        Arguments.of("curved", new Object[] {w, data(2, 3, 2, 6)}),
        Arguments.of("steps", new Object[] {new double[][] {{0.3, -0.7}, {1.1, 0.2}},
            new double[] {0.4, -0.6}, data(2, 3, 2, 8)}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesOracles(String method, Object[] args) {
    assertGradient(compiled, SOURCE, method, args);
  }

  @Test
  void secondOrder() {
    assertSecondOrder(compiled, SOURCE, "curved", new double[] {0.3, -0.5}, data(2, 3, 2, 7));
    assertSecondOrder(compiled, SOURCE, "steps", new double[][] {{0.3, -0.7}, {1.1, 0.2}},
        new double[] {0.4, -0.6}, data(2, 3, 2, 9));
  }

  /** The data is read where it lies: no copy of it, no adjoint for it. */
  @Test
  void readsTheDataInPlace() {
    String rnn = Compiled.method(compiled.generatedSource("demo.BatchesSweeps"), "rnnPullback");
    assertTrue(rnn.contains("xs[b][t][j]"), rnn);
    assertFalse(rnn.contains("dxs"), rnn);
    assertFalse(rnn.contains("xs.clone()") || rnn.contains("xs[b].clone()"), rnn);
  }
}
