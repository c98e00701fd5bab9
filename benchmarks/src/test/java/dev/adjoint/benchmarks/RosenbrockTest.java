package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.hipparchus.analysis.differentiation.Gradient;
import org.junit.jupiter.api.Test;

class RosenbrockTest {

  @Test
  void generatedAtTheStandardStartingPoint() {
    double[] x = RosenbrockBenchmark.start(10_000);
    var g = RosenbrockGrad.extended(x);
    // each pair (-1.2, 1): 100 (1.44 - 1)^2 + 2.2^2 = 24.2; d/dx0 = -215.6, d/dx1 = -88
    assertEquals(5_000 * 24.2, g.value(), 1e-7);
    for (int i = 0; i < x.length; i += 2) {
      assertEquals(-215.6, g.dx()[i], 1e-10);
      assertEquals(-88.0, g.dx()[i + 1], 1e-10);
    }
  }

  @Test
  void handEqualsGenerated() {
    double[] x = RosenbrockBenchmark.start(10_000);
    for (int i = 0; i < x.length; i++) {
      x[i] += 0.01 * Math.sin(i);
    }
    var g = RosenbrockGrad.extended(x);
    double[] hand = new double[x.length];
    double value = RosenbrockHand.extendedPullback(x, 1.0, hand);
    assertEquals(g.value(), value, 0.0);
    assertClose("hand", g.dx(), hand, 1e-13);

    double[] pullback = new double[x.length];
    Arrays.fill(pullback, 1.0);
    RosenbrockGrad.extendedPullback(x, 2.0, pullback);
    for (int i = 0; i < x.length; i++) {
      assertEquals(1.0 + 2.0 * g.dx()[i], pullback[i], 1e-12 * Math.abs(pullback[i]));
    }
  }

  @Test
  void hipparchusAndFiniteDifferencesEqualGenerated() {
    double[] x = RosenbrockBenchmark.start(200);
    for (int i = 0; i < x.length; i++) {
      x[i] += 0.01 * Math.cos(i);
    }
    var g = RosenbrockGrad.extended(x);
    Gradient forward = RosenbrockForward.extended(x);
    assertClose("Hipparchus value", g.value(), forward.getValue(), 1e-14);
    assertClose("Hipparchus", g.dx(), forward.getGradient(), 1e-14);

    double[][] rows = {x};
    double[][] fd = FiniteDifferences.zerosLike(rows);
    FiniteDifferences.gradient(() -> Rosenbrock.extended(x), rows, fd);
    assertClose("finite differences", g.dx(), fd[0], 1e-7);
  }

  @Test
  void theTextbookSpellingIsTheSameFunctionAndGradient() {
    double[] x = RosenbrockBenchmark.start(10_000);
    for (int i = 0; i < x.length; i++) {
      x[i] += 0.01 * Math.sin(i);
    }
    var extended = RosenbrockGrad.extended(x);
    var textbook = RosenbrockGrad.textbook(x);
    assertEquals(extended.value(), textbook.value(), 0.0);
    assertEquals(Rosenbrock.extended(x), Rosenbrock.textbook(x), 0.0);
    assertClose("textbook", extended.dx(), textbook.dx(), 1e-13);
    double[] hand = new double[x.length];
    assertEquals(textbook.value(), RosenbrockHand.textbookPullback(x, 1.0, hand), 0.0);
    assertClose("hand-written, textbook spelling", textbook.dx(), hand, 1e-13);
  }
}
