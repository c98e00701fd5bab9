package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * Checks the gradients generated for {@link Lecture4} against the numbers published in CS231n
 * lecture 4 and its notes. The expected values are typed in from the lecture, not computed by
 * Adjoint; the staged example, whose gradient is not published, is checked against a formula
 * derived by hand and against centered differences.
 */
class Lecture4Test {

  /** The published values are rounded to five decimals. */
  private static final double PUBLISHED = 1e-5;

  @Test
  void circuitMatchesLecture() {
    var g = Lecture4Grad.circuit(-2, 5, -4);
    assertEquals(-12.0, g.value());
    assertEquals(-4.0, g.dx());
    assertEquals(-4.0, g.dy());
    assertEquals(3.0, g.dz());
  }

  @Test
  void neuronMatchesLecture() {
    var g = Lecture4Grad.neuron(2, -3, -3, -1, -2);
    assertEquals(0.73106, g.value(), PUBLISHED);
    assertEquals(-0.19661, g.dw0(), PUBLISHED);
    assertEquals(-0.39322, g.dw1(), PUBLISHED);
    assertEquals(0.19661, g.dw2(), PUBLISHED);
    assertEquals(0.39322, g.dx0(), PUBLISHED);
    assertEquals(-0.58984, g.dx1(), PUBLISHED);
  }

  @Test
  void maxCircuitMatchesLecture() {
    var g = Lecture4Grad.maxCircuit(3, -4, 2, -1);
    assertEquals(-20.0, g.value());
    assertEquals(-8.0, g.dx());
    assertEquals(6.0, g.dy());
    assertEquals(2.0, g.dz());
    assertEquals(0.0, g.dw());
  }

  @Test
  void stagedMatchesHandDerivedGradient() {
    double x = 3;
    double y = -4;
    var g = Lecture4Grad.staged(x, y);
    double[] expected = stagedGradientByHand(x, y);
    assertEquals(Lecture4.staged(x, y), g.value());
    assertEquals(expected[0], g.dx(), 1e-12);
    assertEquals(expected[1], g.dy(), 1e-12);
  }

  @Test
  void stagedPassesGradCheck() {
    double[] point = {3, -4};
    var g = Lecture4Grad.staged(point[0], point[1]);
    GradCheck.Report report =
        GradCheck.check(
            p -> Lecture4.staged(p[0], p[1]), point, new double[] {g.dx(), g.dy()}, "x", "y");
    assertTrue(report.maxRelativeError() < 1e-7, report::toString);
  }

  @Test
  void pullbackAddsSeedTimesGradient() {
    double[] once = new double[3];
    double value = Lecture4Grad.circuitPullback(-2, 5, -4, 1.0, once);
    assertEquals(-12.0, value);
    assertArrayEquals(new double[] {-4, -4, 3}, once);

    double[] twice = new double[3];
    Lecture4Grad.circuitPullback(-2, 5, -4, 1.0, twice);
    Lecture4Grad.circuitPullback(-2, 5, -4, 1.0, twice);
    assertArrayEquals(new double[] {-8, -8, 6}, twice);

    double[] half = new double[3];
    Lecture4Grad.circuitPullback(-2, 5, -4, 0.5, half);
    assertArrayEquals(new double[] {-2, -2, 1.5}, half);
  }

  @Test
  void pullbackAccumulatesIntoExistingValues() {
    double[] d = new double[2];
    Lecture4Grad.stagedPullback(3, -4, 1.0, d);
    double[] gradient = d.clone();
    Lecture4Grad.stagedPullback(3, -4, 1.0, d);
    assertArrayEquals(new double[] {2 * gradient[0], 2 * gradient[1]}, d, 1e-15);

    double[] half = new double[2];
    Lecture4Grad.stagedPullback(3, -4, 0.5, half);
    assertArrayEquals(new double[] {0.5 * gradient[0], 0.5 * gradient[1]}, half, 1e-15);
  }

  /**
   * The gradient of {@code f = N / D}, {@code N = x + s(y)}, {@code D = s(x) + (x + y)^2}, with
   * {@code s' = s (1 - s)}: {@code df/dx = (D - N (s'(x) + 2 (x + y))) / D^2} and
   * {@code df/dy = (s'(y) D - 2 N (x + y)) / D^2}.
   */
  private static double[] stagedGradientByHand(double x, double y) {
    double sx = 1 / (1 + Math.exp(-x));
    double sy = 1 / (1 + Math.exp(-y));
    double n = x + sy;
    double d = sx + (x + y) * (x + y);
    double dfdx = (d - n * (sx * (1 - sx) + 2 * (x + y))) / (d * d);
    double dfdy = (sy * (1 - sy) * d - 2 * n * (x + y)) / (d * d);
    return new double[] {dfdx, dfdy};
  }
}
