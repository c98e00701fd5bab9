package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;

import dev.adjoint.processor.testing.Compiled;
import org.junit.jupiter.api.Test;

/**
 * Generated names never capture the user's: locals called like generated ones, overloads, records
 * that would shadow a class the generated code names, nested classes.
 */
class NamingTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Names {
        static final double K = 2;

        @Differentiable
        public static double clash(double x, double dx, double seed) {
          double value = x * dx;
          double t1 = value + seed;
          double dScalars = t1 * x;
          double c1 = dScalars > 0 ? dScalars : -dScalars;
          return c1 + value * seed;
        }

        @Differentiable
        public static double math(double x) {
          return Math.sin(x) * K;
        }

        @Differentiable
        public static double names(double x) {
          return Names.K * x;
        }

        @Differentiable
        public static double over(double x) {
          return x * x;
        }

        @Differentiable
        public static double over(double x, double y) {
          return x * y;
        }

        public static final class Inner {
          @Differentiable
          public static double inner(double x) {
            return x * 3;
          }
        }
      }
      """;

  @Test
  void userNamesAreKeptAndGeneratedNamesAvoidThem() {
    Compiled compiled = Compiled.compile(SOURCE);
    var g = assertGradient(compiled, SOURCE, "clash", 1.5, -0.5, 2.0);
    assertThat(g.names()).containsExactly("dx", "ddx", "dseed").inOrder();
    assertGradient(compiled, SOURCE, "math", 0.3);
    assertGradient(compiled, SOURCE, "names", 0.3);
    assertGradient(compiled, SOURCE, "over", 0.3);
    assertGradient(compiled, SOURCE, "over", 0.3, 0.7);
    String generated = compiled.generatedSource("demo.NamesGrad");
    assertThat(generated).contains("record MathGradient(");
    assertThat(generated).contains("record NamesGradient(");
    assertThat(generated).contains("record Over(");
    assertThat(generated).contains("record Over2(");
    assertThat(compiled.gradient("demo.Names$Inner", "inner", 2.0).partials()[0]).isEqualTo(3.0);
    assertThat(compiled.generatedSource("demo.Names_InnerGrad")).contains("class Names_InnerGrad");
  }
}
