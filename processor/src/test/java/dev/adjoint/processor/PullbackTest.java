package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.processor.testing.Compiled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pullback contract: {@code +=} into the caller's buffer, scaled by the seed, no allocation. */
class PullbackTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Pull {
        @Differentiable
        public static double f(double x, int n, double y) {
          double s = x * y + n;
          if (s > 0) {
            return Math.sqrt(s) * y;
          }
          return s * s;
        }

        @Differentiable
        public static double root(double x) {
          return Math.sqrt(x) + x;
        }

        @Differentiable
        public static double product(double x, double y) {
          return x * y;
        }
      }
      """;

  private static Compiled compiled;

  @BeforeAll
  static void compile() {
    compiled = Compiled.compile(SOURCE);
  }

  @Test
  void accumulatesScaledBySeed() {
    Compiled.Gradient g = compiled.gradient("demo.Pull", "f", 1.5, 2, 0.5);
    double[] buffer = {10, 20};
    double value = compiled.pullback("demo.Pull", "f", 0.5, buffer, 1.5, 2, 0.5);
    assertThat(value).isEqualTo(g.value());
    assertThat(buffer[0]).isEqualTo(10 + 0.5 * g.partials()[0]);
    assertThat(buffer[1]).isEqualTo(20 + 0.5 * g.partials()[1]);
    compiled.pullback("demo.Pull", "f", 0.5, buffer, 1.5, 2, 0.5);
    assertThat(buffer[0]).isWithin(1e-12).of(10 + g.partials()[0]);
    assertThat(buffer[1]).isWithin(1e-12).of(20 + g.partials()[1]);
  }

  @Test
  void componentsAreNamedAfterDifferentiatedParameters() {
    assertThat(compiled.gradient("demo.Pull", "f", 1.5, 2, 0.5).names())
        .containsExactly("dx", "dy").inOrder();
  }

  @Test
  void nanAndInfinityPropagateAsInThePrimal() {
    Compiled.Gradient negative = compiled.gradient("demo.Pull", "root", -1.0);
    assertThat(negative.value()).isNaN();
    assertThat(negative.partials()[0]).isNaN();
    Compiled.Gradient zero = compiled.gradient("demo.Pull", "root", 0.0);
    assertThat(zero.value()).isEqualTo(0.0);
    assertThat(zero.partials()[0]).isPositiveInfinity();
    Compiled.Gradient infinite = compiled.gradient("demo.Pull", "product",
        Double.POSITIVE_INFINITY, 2.0);
    assertThat(infinite.partials()[0]).isEqualTo(2.0);
    assertThat(infinite.partials()[1]).isPositiveInfinity();
  }

  @Test
  void pullbackAllocatesNothing() {
    String generated = compiled.generatedSource("demo.PullGrad");
    for (String pullback : generated.split("public static double ")) {
      if (pullback.contains("Pullback(")) {
        String body = pullback.substring(pullback.indexOf('{'));
        body = body.substring(0, body.indexOf("\n  }\n"));
        assertThat(body).doesNotContain("new ");
      }
    }
  }
}
