package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.testing.Compiled.method;
import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;

import dev.adjoint.processor.testing.Compiled;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loop headers as Java programmers write them beyond {@code for (int i = 0; i < n; i++)}: a for
 * loop whose test steps its counter ({@code for (int i = n; i-- > 0; )}, the counter declared
 * before it and read after, a continue in its body), and the same test with an update or a body
 * that moves the counter too, which stay ordinary loops. Each against Hipparchus and finite
 * differences.
 */
class LoopHeadersTest {
  static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Headers {
        /** Horner's rule counted down in the for loop's test. */
        @Differentiable
        public static double hornerDown(double[] c, double x) {
          double s = 0;
          for (int i = c.length; i-- > 0; ) {
            s = s * x + c[i];
          }
          return s;
        }

        /** Counted up from one before the start, the step first in the test. */
        @Differentiable
        public static double stepFirstUp(double[] x, double w) {
          double s = 0;
          for (int i = -1; ++i < x.length; ) {
            s += x[i] * Math.sin(w * x[i]);
          }
          return s;
        }

        /** The counter declared before the loop and read after it (one below its end). */
        @Differentiable
        public static double counterReadAfter(double[] x, double w) {
          double s = 0;
          int k = x.length;
          for (; k-- > 0; ) {
            s = s * w + x[k] * x[k];
          }
          return s + k * w;
        }

        /** A continue ends only its iteration: the test steps before the next. */
        @Differentiable
        public static double skipNegatives(double[] x, double w) {
          double s = 0;
          for (int i = x.length; i-- > 0; ) {
            if (x[i] < 0) {
              continue;
            }
            s = s * w + x[i];
          }
          return s;
        }

        /** A stepping test beside an update of another counter: an ordinary loop. */
        @Differentiable
        public static double testAndUpdate(double[] x) {
          double s = 0;
          int k = 0;
          for (int i = 0; ++k < x.length; i++) {
            s += x[i] * x[k];
          }
          return s + k;
        }

        /** The body moves the counter too (a pair taken at once): an ordinary loop. */
        @Differentiable
        public static double bodyMovesTheCounter(double[] x, double w) {
          double s = 0;
          for (int i = x.length; i-- > 0; ) {
            if (i > 0 && x[i] > 0.5) {
              i--;
              s += w * x[i] * x[i + 1];
              continue;
            }
            s = s * w + Math.cos(x[i]);
          }
          return s;
        }
      }
      """;

  private static Compiled compiled;

  @BeforeAll
  static void compile() {
    compiled = Compiled.compile(SOURCE);
  }

  static Stream<Arguments> cases() {
    double[] x = {0.3, -0.7, 0.9, 1.2, -0.4, 0.6};
    return Stream.of(
        Arguments.of("hornerDown", new Object[] {x, 0.8}),
        Arguments.of("hornerDown", new Object[] {new double[] {}, 0.8}),
        Arguments.of("stepFirstUp", new Object[] {x, 0.8}),
        Arguments.of("counterReadAfter", new Object[] {x, 0.8}),
        Arguments.of("counterReadAfter", new Object[] {new double[] {}, 0.8}),
        Arguments.of("skipNegatives", new Object[] {x, 0.8}),
        Arguments.of("testAndUpdate", new Object[] {x}),
        Arguments.of("testAndUpdate", new Object[] {new double[] {0.4}}),
        Arguments.of("bodyMovesTheCounter", new Object[] {x, 0.8}));
  }

  @ParameterizedTest(name = "{0}{1}")
  @MethodSource("cases")
  void matchesOracles(String method, Object[] args) {
    assertGradient(compiled, SOURCE, method, args);
  }

  @Test
  void aForLoopsSteppingTestCounts() {
    String sweeps = compiled.generatedSource("demo.HeadersSweeps");
    // the counter's values are known: the backward sweep runs the loop in reverse without
    // counting its trips or saving the counter
    for (String counted : List.of("hornerDown", "stepFirstUp", "counterReadAfter",
        "skipNegatives")) {
      String body = method(sweeps, counted + "Pullback");
      assertThat(body).doesNotContain("trips");
      assertThat(body).doesNotContain("intTape");
    }
    // Horner's recurrence saves its running value alone (dx reads it); the coefficients
    // are read again
    String horner = method(sweeps, "hornerDownPullback");
    assertThat(horner.split("\\[doublesTop\\+\\+\\] = ", -1)).hasLength(2);
    assertThat(horner).contains("doubles[doublesTop++] = s2;");
    // with an update, or a body that moves the counter, the trips are counted
    assertThat(method(sweeps, "testAndUpdatePullback")).contains("trips");
  }
}
