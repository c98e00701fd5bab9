package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.testing.Compiled.method;
import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;
import static dev.adjoint.processor.testing.GradientAssertions.assertSecondOrder;

import dev.adjoint.processor.testing.Compiled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A power of two that every reader of an adjoint multiplies it by (the square rule's 2 on both
 * branches of a fan-out) is applied once, in the adjoint; any other factor, or one the readers
 * do not share, stays where the rules put it. Checked against Hipparchus and finite differences.
 */
class CommonFactorsTest {
  static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Factors {
        @Differentiable(order = 2)
        public static double repulsion(double[] x, double[] y) {
          double e = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = i + 1; j < x.length; j++) {
              double dx = x[i] - x[j];
              double dy = y[i] - y[j];
              e += 1 / (1 + dx * dx + dy * dy);
            }
          }
          return e;
        }

        @Differentiable
        public static double pathLength(double[] x, double[] y) {
          double length = 0;
          for (int i = 1; i < x.length; i++) {
            double dx = x[i] - x[i - 1];
            double dy = y[i] - y[i - 1];
            length += Math.sqrt(dx * dx + dy * dy);
          }
          return length;
        }

        @Differentiable
        public static double scaledSquares(double a, double b) {
          double s = 2 * a * a + 2 * b * b;
          return Math.log(s);
        }

        @Differentiable
        public static double scaledNorm(double a, double b) {
          return Math.sqrt(2 * a * a + 2 * b * b);
        }

        @Differentiable
        public static double hugeScale(double a, double b) {
          double s = a * a + b * b;
          return 1.5e308 * s * 1e-300;
        }

        @Differentiable
        public static double sumOfSquares(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
          }
          return s;
        }

        @Differentiable
        public static double growth(double[] x) {
          double s = 0.5;
          for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i] + s * s;
          }
          return s;
        }

        @Differentiable
        public static double compounded(double[] x, double w) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s = s * w + x[i] * x[i];
          }
          return s * s;
        }

        @Differentiable
        public static double oneSquare(double a) {
          return Math.log(a * a);
        }

        @Differentiable
        public static double mixedFactors(double a, double b) {
          double s = a * a + 3 * b;
          return Math.log(s);
        }

        @Differentiable
        public static double sixes(double a, double b) {
          double s = 3 * a * a + 3 * b * b;
          return Math.log(s);
        }
      }
      """;

  static Compiled compiled;
  static String sweeps;

  @BeforeAll
  static void compile() {
    compiled = Compiled.compile(SOURCE);
    sweeps = compiled.generatedSource("demo.FactorsSweeps");
  }

  @Test
  void theSquaresTwoOnBothBranchesIsAppliedOnceToTheSeed() {
    double[] x = {0.3, -1.2, 2.0, 0.7};
    double[] y = {1.1, 0.4, -0.5, 2.5};
    assertGradient(compiled, SOURCE, "repulsion", x, y);
    assertSecondOrder(compiled, SOURCE, "repulsion", x, y);
    assertGradient(compiled, SOURCE, "repulsion", new double[] {1, 1, Double.NaN},
        new double[] {0, 1e200, 2});
    String pullback = method(sweeps, "repulsionPullback");
    // -2 goes on to the seed, through the pair loop's copy of it: out of the loop
    assertThat(pullback).containsMatch("double de\\d* = -2 \\* seed;");
    assertThat(pullback).containsMatch("double dt\\d+ = t\\d+ \\* t\\d+ \\* dt\\d+;");
    assertThat(pullback).containsMatch("double ddx = dx \\* dt\\d+;");
    assertThat(pullback).containsMatch("double ddy = dy \\* dt\\d+;");
    assertThat(pullback).doesNotContainMatch("2 \\* \\(d[xy] \\*");
  }

  @Test
  void theTwoOfASquareRootsDivisorCancels() {
    assertGradient(compiled, SOURCE, "pathLength", new double[] {0, 3, 3.5, -1},
        new double[] {0, 4, -2, 0.25});
    String pullback = method(sweeps, "pathLengthPullback");
    assertThat(pullback).containsMatch("double dt\\d+ = dt\\d+ / t\\d+;");
    assertThat(pullback).doesNotContainMatch("2 \\*");
  }

  @Test
  void aScaledSquaresFactorMovesToo() {
    assertGradient(compiled, SOURCE, "scaledSquares", 0.5, -1.5);
    String pullback = method(sweeps, "scaledSquaresPullback");
    assertThat(pullback).contains("double ds = 4 * seed / s;");
    assertThat(pullback).contains("double da = a * dt");
    assertGradient(compiled, SOURCE, "scaledNorm", 0.5, -1.5); // 4 over a divisor's 2
    // a constant doubled past the largest double stays, the 2 going on to the adjoint beside it
    assertGradient(compiled, SOURCE, "hugeScale", 0.5, -0.25);
    assertThat(method(sweeps, "hugeScalePullback"))
        .containsMatch("= 1.5E308 \\* \\(2 \\* dt\\d+\\);");
    assertThat(method(sweeps, "scaledNormPullback")).containsMatch("= 4 \\* \\w+ / \\(2 \\* ");
  }

  @Test
  void oneReaderInALoopIsEnoughOneOutsideIsNot() {
    assertGradient(compiled, SOURCE, "sumOfSquares", (Object) new double[] {1.5, -2, 0.25});
    String squares = method(sweeps, "sumOfSquaresPullback");
    assertThat(squares).containsMatch("double ds\\d* = 2 \\* seed;");
    assertThat(squares).containsMatch("double dt\\d+ = t\\d+ \\* dt\\d+;");
    assertThat(squares).doesNotContain("2 * (");
    assertGradient(compiled, SOURCE, "oneSquare", -1.5);
    assertThat(method(sweeps, "oneSquarePullback")).containsMatch("= 2 \\* \\(a \\* dt\\d+\\);");
  }

  /** Adjoints carried between iterations (one written among its readers: CommonFactorsIrTest). */
  @Test
  void adjointsCarriedBetweenIterationsMatchTheOracles() {
    assertGradient(compiled, SOURCE, "growth", (Object) new double[] {0.5, -1.5, 0.25});
    assertGradient(compiled, SOURCE, "compounded", new double[] {0.5, -1.5, 0.25}, 0.75);
  }

  @Test
  void factorsTheReadersDoNotShareOrThatAreNotPowersOfTwoStay() {
    assertGradient(compiled, SOURCE, "mixedFactors", 0.5, 1.5);
    assertThat(method(sweeps, "mixedFactorsPullback")).containsMatch("= 2 \\* \\(a \\* dt\\d+\\);");
    assertGradient(compiled, SOURCE, "sixes", 0.5, -1.5);
    String sixes = method(sweeps, "sixesPullback");
    assertThat(sixes).containsMatch("= 6 \\* a \\* dt\\d+;");
    assertThat(sixes).containsMatch("= 6 \\* b \\* dt\\d+;");
    assertThat(sixes).contains("double ds = seed / s;");
  }
}
