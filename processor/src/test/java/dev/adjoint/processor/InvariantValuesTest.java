package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.testing.Compiled.method;
import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;

import dev.adjoint.processor.testing.Compiled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A value a loop would compute again in every iteration, though nothing it reads changes in the
 * loop, is computed once before the loop; checked against Hipparchus and finite differences,
 * also where the loop runs no iteration and the element it reads does not exist, and where a
 * local array the loop writes is read under another name.
 */
class InvariantValuesTest {
  static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Invariants {
        @Differentiable
        public static double layer(double[] a, double[][] W) {
          double[] s = new double[W[0].length];
          for (int h = 0; h < a.length; h++) {
            for (int c = 0; c < s.length; c++) {
              s[c] += a[h] * W[h][c];
            }
          }
          double total = 0;
          for (int c = 0; c < s.length; c++) {
            total += s[c] * s[c];
          }
          return total;
        }

        @Differentiable
        public static double inner(double[] a, double[] w, int k) {
          double total = 0;
          for (int h = 0; h < 3; h++) {
            double s = 0;
            for (int c = 0; c < k; c++) {
              s += a[h] * w[c] * (c + 1);
            }
            total += s * s;
          }
          return total;
        }

        @Differentiable
        public static double pairs(double[] x) {
          double e = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = i + 1; j < x.length; j++) {
              double r = x[i] - x[j];
              e += 1 / (1 + r * r);
            }
          }
          return e;
        }

        @Differentiable
        public static double aliasWritten(double[] u, double a) {
          double[] c = new double[] {a, 2 * a};
          double[] y = c;
          for (int i = 0; i < c.length; i++) {
            for (int j = 0; j < u.length; j++) {
              c[i] += 0.5 * y[i] + u[j];
            }
          }
          return c[0] * c[1];
        }
      }
      """;

  static Compiled compiled;
  static String sweeps;

  @BeforeAll
  static void compile() {
    compiled = Compiled.compile(SOURCE);
    sweeps = compiled.generatedSource("demo.InvariantsSweeps");
  }

  @Test
  void anElementEveryIterationReadsIsReadOnceBeforeTheLoop() {
    assertGradient(compiled, SOURCE, "layer", new double[] {0.5, -1, 2},
        new double[][] {{1, -2}, {0.5, 3}, {-1, 0.25}});
    String pullback = method(sweeps, "layerPullback");
    assertThat(pullback).contains("// values every iteration reads, computed once before the loop");
    // read before the loop over the classes, only if that loop runs
    assertThat(pullback).containsMatch(
        "double t\\d+ = .* >= 0 \\? a\\[h\\d*\\] : 0\\.0;\\s+(// .*\\s+|double\\[\\] \\w+ = .*;\\s+)*"
            + "for \\(int c");
  }

  @Test
  void aForwardLoopReadsAParametersElementOnce() {
    assertGradient(compiled, SOURCE, "pairs", new double[] {0.3, -0.7, 0.5, 1.1});
    assertGradient(compiled, SOURCE, "pairs", new double[] {0.3});
    // x[i], read by every pair (i, j), once per i, before the fused loop over j that stores
    // into dx[j]; only if that loop runs
    assertThat(method(sweeps, "pairsPullback")).containsMatch(
        "double t\\d+ = t\\d+ < t\\d+ \\? x\\[i\\] : 0\\.0;\\s+(// line .*\\s+)?for \\(int j");
  }

  @Test
  void aLocalArrayTheLoopWritesThroughAnotherNameIsReadInTheLoop() {
    // y is c: c[i] += 0.5 * y[i] + u[j] reads the element it wrote the iteration before
    assertGradient(compiled, SOURCE, "aliasWritten", new double[] {0.5, -1.5, 2}, 0.7);
    assertThat(method(sweeps, "aliasWrittenPullback")).doesNotContainMatch(
        "\\? y\\[i\\] : 0\\.0");
  }

  @Test
  void aLoopThatNeverRunsReadsNothing() {
    assertGradient(compiled, SOURCE, "inner", new double[] {1.5, -2, 0.5},
        new double[] {2, -1}, 2);
    // no iteration of the inner loop: a[1] and a[2], which do not exist, are never read
    assertGradient(compiled, SOURCE, "inner", new double[] {1.5}, new double[] {2, -1}, 0);
    assertThat(method(sweeps, "innerPullback"))
        .contains("// values every iteration reads, computed once before the loop");
  }
}
