package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.GradCheck;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the gradients generated for {@link Vectorized}: against numbers published by CS231n
 * (typed in from the lectures, not computed by Adjoint), against the textbook formulas of the
 * softmax and SVM gradients, and against centered differences.
 */
class VectorizedTest {

  /** The lecture 4 values are rounded to five decimals. */
  private static final double PUBLISHED = 1e-5;

  /**
   * Lecture 3's cat image has scores cat 3.2, car 5.1, frog -1.7; this W and x give them as
   * {@code W x}.
   */
  private static final double[][] W = {
    {0.2, 1.0, -0.4, 1.2}, {1.5, 1.3, -0.5, 1.0}, {0.0, -0.5, 0.2, -1.0}
  };

  private static final double[] X = {1.0, 2.0, -1.0, 0.5};
  private static final int CAT = 0;
  private static final int FROG = 2;

  @Test
  void neuronMatchesLecture4() {
    var g = VectorizedGrad.neuron(new double[] {2, -3, -3}, new double[] {-1, -2});
    assertEquals(0.73106, g.value(), PUBLISHED);
    assertArrayEquals(new double[] {-0.19661, -0.39322, 0.19661}, g.dw(), PUBLISHED);
    assertArrayEquals(new double[] {0.39322, -0.58984}, g.dx(), PUBLISHED);
  }

  @Test
  void squaredNormMatchesLecture4VectorizedExample() {
    double[][] w = {{0.1, 0.5}, {-0.3, 0.8}};
    double[] x = {0.2, 0.4};
    var g = VectorizedGrad.squaredNorm(w, x);
    assertEquals(0.116, g.value(), 1e-12);
    assertArrayEquals(new double[] {0.088, 0.176}, g.dW()[0], 1e-12);
    assertArrayEquals(new double[] {0.104, 0.208}, g.dW()[1], 1e-12);
    assertArrayEquals(new double[] {-0.112, 0.636}, g.dx(), 1e-12);
    assertArrayEquals(new double[] {0.1, 0.5}, w[0], "the input is not modified");
  }

  @Test
  void exampleScoresAreLecture3s() {
    double[] s = scores(W, X);
    assertArrayEquals(new double[] {3.2, 5.1, -1.7}, s, 1e-12);
  }

  /**
   * Lecture 3: for the cat image the softmax probabilities are 0.13, 0.87, 0.00 and the loss is
   * {@code -log 0.13 = 2.04}. Row {@code j} of {@code dW} is {@code (p_j - [j = y]) x}.
   */
  @Test
  void softmaxLossMatchesLecture3() {
    var g = VectorizedGrad.softmaxLoss(W, X, CAT);
    assertEquals(2.04, g.value(), 0.005);
    double[] published = {0.13 - 1, 0.87, 0.00};
    for (int j = 0; j < 3; j++) {
      for (int k = 0; k < X.length; k++) {
        assertEquals(published[j] * X[k], g.dW()[j][k], 0.005 * Math.abs(X[k]), "dW" + j + k);
      }
    }
  }

  /** Lecture 3: the multiclass SVM loss of the cat image is 2.9. */
  @Test
  void svmLossMatchesLecture3() {
    assertEquals(2.9, VectorizedGrad.svmLoss(W, X, CAT).value(), 1e-12);
  }

  @Test
  void softmaxGradientIsProbabilitiesMinusOneHotTimesX() {
    Random random = new Random(1);
    for (int trial = 0; trial < 10; trial++) {
      double[][] w = gaussian(3, 4, random);
      double[] x = gaussian(1, 4, random)[0];
      int y = random.nextInt(3);
      var g = VectorizedGrad.softmaxLoss(w, x, y);

      double[] s = scores(w, x);
      double[] p = new double[3];
      double sum = 0;
      for (int j = 0; j < 3; j++) {
        p[j] = Math.exp(s[j]);
        sum += p[j];
      }
      double[] ds = new double[3]; // p - onehot(y)
      for (int j = 0; j < 3; j++) {
        p[j] /= sum;
        ds[j] = p[j] - (j == y ? 1 : 0);
      }
      assertEquals(-Math.log(p[y]), g.value(), 1e-12);
      assertMatrixEquals(outer(ds, x), g.dW(), 1e-12);
      assertArrayEquals(transposeTimes(w, ds), g.dx(), 1e-12);
    }
  }

  @Test
  void softmaxLossIsStableForLargeScores() {
    double[] x = {1000 * X[0], 1000 * X[1], 1000 * X[2], 1000 * X[3]}; // scores in the thousands
    var g = VectorizedGrad.softmaxLoss(W, x, CAT);
    assertEquals(5100 - 3200, g.value(), 1e-9); // -log(e^3200 / (e^5100 + ...)) ~ 1900
    assertArrayEquals(new double[] {-x[0], -x[1], -x[2], -x[3]}, g.dW()[CAT], 1e-9);
    assertArrayEquals(x, g.dW()[1], 1e-9);
  }

  /**
   * Row {@code j != y} of {@code dW} is {@code x} if its margin is positive, row {@code y} is
   * {@code -count x}; {@code dx} sums {@code W_j - W_y} over the positive margins.
   */
  @Test
  void svmGradientCountsPositiveMargins() {
    // For the frog both margins are positive: cat 3.2 + 1.7 + 1, car 5.1 + 1.7 + 1.
    var g = VectorizedGrad.svmLoss(W, X, FROG);
    assertEquals(5.9 + 7.8, g.value(), 1e-12);
    assertArrayEquals(X, g.dW()[0], 1e-12);
    assertArrayEquals(X, g.dW()[1], 1e-12);
    assertArrayEquals(new double[] {-2 * X[0], -2 * X[1], -2 * X[2], -2 * X[3]}, g.dW()[FROG]);
    double[] dx = new double[4];
    for (int k = 0; k < 4; k++) {
      dx[k] = W[0][k] + W[1][k] - 2 * W[FROG][k];
    }
    assertArrayEquals(dx, g.dx(), 1e-12);

    // For the cat only the car's margin (2.9) is positive.
    var cat = VectorizedGrad.svmLoss(W, X, CAT);
    assertArrayEquals(new double[] {-X[0], -X[1], -X[2], -X[3]}, cat.dW()[CAT], 1e-12);
    assertArrayEquals(X, cat.dW()[1], 1e-12);
    assertArrayEquals(new double[4], cat.dW()[FROG]);
  }

  @Test
  void lossesPassGradCheckAtRandomPoints() {
    Random random = new Random(2);
    for (int trial = 0; trial < 5; trial++) {
      double[][] w = gaussian(3, 4, random);
      double[] x = gaussian(1, 4, random)[0];
      int y = random.nextInt(3);

      var softmax = VectorizedGrad.softmaxLoss(w, x, y);
      assertGradCheck(
          wx -> Vectorized.softmaxLoss(GradCheck.unflatten(part(wx, 0, 12), 3, 4),
              part(wx, 12, 4), y),
          w, x, softmax.dW(), softmax.dx(), 1e-7);

      var svm = VectorizedGrad.svmLoss(w, x, y);
      assertGradCheck(
          wx -> Vectorized.svmLoss(GradCheck.unflatten(part(wx, 0, 12), 3, 4),
              part(wx, 12, 4), y),
          w, x, svm.dW(), svm.dx(), 1e-6);
    }
  }

  @Test
  void pullbackAddsSeedTimesGradient() {
    var g = VectorizedGrad.softmaxLoss(W, X, CAT);
    double[][] dW = new double[3][4];
    double[] dx = new double[4];
    double value = VectorizedGrad.softmaxLossPullback(W, X, CAT, 1.0, dW, dx);
    VectorizedGrad.softmaxLossPullback(W, X, CAT, 0.5, dW, dx);
    assertEquals(g.value(), value);
    for (int j = 0; j < 3; j++) {
      for (int k = 0; k < 4; k++) {
        assertEquals(1.5 * g.dW()[j][k], dW[j][k], 1e-15);
      }
    }
    for (int k = 0; k < 4; k++) {
      assertEquals(1.5 * g.dx()[k], dx[k], 1e-15);
    }
  }

  private static void assertGradCheck(
      GradCheck.ScalarFunction f, double[][] w, double[] x, double[][] dW, double[] dx,
      double tolerance) {
    double[] point = concat(GradCheck.flatten(w), x);
    GradCheck.Report report = GradCheck.check(f, point, concat(GradCheck.flatten(dW), dx));
    assertTrue(report.passes(tolerance), report::toString);
  }

  private static double[] scores(double[][] w, double[] x) {
    double[] s = new double[w.length];
    for (int j = 0; j < w.length; j++) {
      for (int k = 0; k < x.length; k++) {
        s[j] += w[j][k] * x[k];
      }
    }
    return s;
  }

  private static double[][] outer(double[] a, double[] b) {
    double[][] m = new double[a.length][b.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        m[i][j] = a[i] * b[j];
      }
    }
    return m;
  }

  private static double[] transposeTimes(double[][] w, double[] v) {
    double[] out = new double[w[0].length];
    for (int j = 0; j < w.length; j++) {
      for (int k = 0; k < out.length; k++) {
        out[k] += w[j][k] * v[j];
      }
    }
    return out;
  }

  private static double[][] gaussian(int rows, int cols, Random random) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int c = 0; c < cols; c++) {
        row[c] = random.nextGaussian();
      }
    }
    return m;
  }

  private static double[] part(double[] a, int from, int length) {
    return Arrays.copyOfRange(a, from, from + length);
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void assertMatrixEquals(double[][] expected, double[][] actual, double delta) {
    assertEquals(expected.length, actual.length);
    for (int r = 0; r < expected.length; r++) {
      assertArrayEquals(expected[r], actual[r], delta, "row " + r);
    }
  }
}
