package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.testing.Compiled.method;
import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;
import static dev.adjoint.processor.testing.GradientAssertions.assertSecondOrder;

import dev.adjoint.processor.testing.Compiled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A subtraction's negated adjoint is folded into the contributions that read it
 * ({@code dt5 -= 2 * (t5 * da)}, {@code dy[i] -= dd}) instead of being a negation of its own,
 * and two negations down a chain of products cancel (the sigmoid's), checked against Hipparchus
 * and finite differences.
 */
class FoldedNegationsTest {
  static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Signs {
        @Differentiable
        public static double rosenbrock(double[] x) {
          double f = 0;
          for (int i = 0; i + 1 < x.length; i += 2) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            f += 100 * a * a + b * b;
          }
          return f;
        }

        @Differentiable(order = 2)
        public static double squaredDistance(double[] x, double[] y) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            s += d * d;
          }
          return s;
        }

        @Differentiable
        public static double neuron(double w0, double x0, double w1, double x1, double w2) {
          double dot = w0 * x0 + w1 * x1 + w2;
          return 1.0 / (1.0 + Math.exp(-dot));
        }

        @Differentiable
        public static double quotient(double a, double b, double c) {
          double d = c - a * b;
          return Math.sin(d / b) + d * c;
        }
      }
      """;

  static Compiled compiled;
  static String sweeps;

  @BeforeAll
  static void compile() {
    compiled = Compiled.compile(SOURCE);
    sweeps = compiled.generatedSource("demo.SignsSweeps");
  }

  @Test
  void aSubtractionsRightOperandSubtractsItsContribution() {
    assertGradient(compiled, SOURCE, "rosenbrock", (Object) new double[] {-1.2, 1, 0.5, -2, 3, 0});
    String pullback = method(sweeps, "rosenbrockPullback");
    assertThat(pullback).containsMatch("dt\\d+ -= 2 \\* \\(t\\d+ \\* da\\);");
    assertThat(pullback).doesNotContainMatch("double dt\\d+ = -da;");
  }

  @Test
  void anElementOfTheRightOperandIsSubtractedFrom() {
    assertGradient(compiled, SOURCE, "squaredDistance", new double[] {1, -2, 3.5},
        new double[] {0.5, 4, -1});
    String pullback = method(sweeps, "squaredDistancePullback");
    assertThat(pullback).containsMatch("dy\\[i\\] -= dd;");
    assertThat(pullback).doesNotContain("= -dd");
    // the HVP too, the tangent's contribution as well
    assertSecondOrder(compiled, SOURCE, "squaredDistance", new double[] {1, -2, 3.5},
        new double[] {0.5, 4, -1});
    String hvp = method(sweeps, "squaredDistanceHvp");
    assertThat(hvp).containsMatch("dy\\[i\\] -= dd;");
    assertThat(hvp).containsMatch("\\w+\\[i\\] -= tdd;");
  }

  @Test
  void twoNegationsDownAChainOfProductsCancel() {
    assertGradient(compiled, SOURCE, "neuron", 2.0, -1.0, -3.0, -2.0, -3.0);
    assertGradient(compiled, SOURCE, "neuron", 40.0, 1.0, 0.0, -2.0, 0.5); // saturated
    String pullback = method(sweeps, "neuronPullback");
    // 1 / (1 + e^-dot): -(e^-dot (r r -seed)) is e^-dot (r r seed), as a person writes it
    assertThat(pullback).contains("value * value * seed;");
    assertThat(pullback).containsMatch("double ddot = dt\\d+;");
    assertThat(pullback).doesNotContainMatch("= -(seed|dt\\d+);|\\* -seed");
    assertThat(pullback).contains("double dw2 = ddot;"); // not two negations for one
  }

  @Test
  void aQuotientsNumeratorAndDenominatorCarryTheSignOut() {
    assertGradient(compiled, SOURCE, "quotient", 0.7, 1.3, -0.4);
    assertGradient(compiled, SOURCE, "quotient", -2.0, -0.5, 3.0);
    assertThat(method(sweeps, "quotientPullback")).doesNotContainMatch("= -d[a-z]+;");
  }
}
