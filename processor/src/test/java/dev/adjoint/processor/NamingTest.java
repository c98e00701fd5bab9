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

  private static final String AWKWARD = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Awkward {
        @Differentiable
        public static double keywords(double o, double ouble, double[] efault) {
          double nt = o * ouble;
          double f = nt * efault[0] + Math.sin(o);
          for (int i = 0; i < efault.length; i++) {
            double lass = f * efault[i];
            f = f + lass * lass;
          }
          return f;
        }
      }
      """;

  private static final String TRIGONOMETRY = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Trigonometry {
        @Differentiable
        public static double named(double[] t, double w) {
          double s = 0;
          for (int i = 0; i < t.length; i++) {
            double sn = Math.sin(t[i] * w);
            double cos = sn * sn;
            s = s * w + cos;
          }
          return s;
        }

        @Differentiable
        public static double renamed(double[] t, double w) {
          double s = 0;
          for (int i = 0; i < t.length; i++) {
            double sn = Math.sin(t[i] * w);
            double c = sn * sn;
            s = s * w + c;
          }
          return s;
        }
      }
      """;

  @Test
  void localsAndParametersNamedLikeKeywordsAfterTheirPrefix() {
    Compiled compiled = Compiled.compile(AWKWARD);
    var g = assertGradient(compiled, AWKWARD, "keywords", 0.3, -1.2,
        new double[] {0.5, -0.25, 2.0});
    assertThat(g.names()).containsExactly("do_", "double_", "default_[0]", "default_[1]",
        "default_[2]").inOrder();
  }

  @Test
  void aLocalNamedLikeARulesFunctionIsNotTakenForARead() {
    Compiled compiled = Compiled.compile(TRIGONOMETRY);
    double[] t = {0.3, -1.1, 0.7, 2.0};
    assertGradient(compiled, TRIGONOMETRY, "named", t, 0.9);
    assertGradient(compiled, TRIGONOMETRY, "renamed", t, 0.9);
    String sweeps = compiled.generatedSource("demo.TrigonometrySweeps");
    String named = sweeps.substring(sweeps.indexOf("namedPullback"),
        sweeps.indexOf("renamedPullback"));
    String renamed = sweeps.substring(sweeps.indexOf("renamedPullback"));
    // nothing reads cos after its iteration: no push, no pop, no declaration before the loop
    assertThat(named).doesNotContain("doublesTop++] = cos;");
    assertThat(named).doesNotContain("double cos = 0.0");
    assertThat(tapeTraffic(named)).isEqualTo(tapeTraffic(renamed));
  }

  /** How many pushes and pops a generated method makes, per kind of tape. */
  private static java.util.List<Integer> tapeTraffic(String method) {
    java.util.List<Integer> counts = new java.util.ArrayList<>();
    for (String call : new String[] {"[doublesTop++] = ", "[--doublesTop]", "[intsTop++] = ",
        "[--intsTop]"}) {
      counts.add(method.split(java.util.regex.Pattern.quote(call), -1).length - 1);
    }
    return counts;
  }
}
