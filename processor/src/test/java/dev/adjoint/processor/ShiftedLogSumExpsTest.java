package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.testing.Compiled.method;
import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;
import static dev.adjoint.processor.testing.GradientAssertions.assertSecondOrder;

import dev.adjoint.processor.testing.Compiled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shift of a log-sum-exp, {@code log(sum_i exp(a_i - c)) + c}, cancels: {@code c} carries no
 * derivative, so its running maximum notes no winner and no pass sums its adjoint, in the
 * pullback, the JVP and the HVP alike. Where any condition fails (a sum that does not start at
 * zero; the exponentials, their arguments, the sum or its logarithm read elsewhere; a shift that
 * changes between the terms) the shift keeps its derivative, and so it does where the result
 * reads it too. Every gradient against Hipparchus and finite differences.
 */
class ShiftedLogSumExpsTest {
  static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Shifts {
        /** ADBench's log-sum-exp: the largest entry subtracted, then added back. */
        @Differentiable(order = 2)
        public static double logSumExp(double[] a) {
          double mx = a[0];
          for (int i = 1; i < a.length; i++) {
            mx = Math.max(mx, a[i]);
          }
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += Math.exp(a[i] - mx);
          }
          return mx + Math.log(s);
        }

        /** cs231n's softmax cross-entropy over a batch, the largest score found by a branch. */
        @Differentiable(wrt = "scores")
        public static double crossEntropy(double[][] scores, int[] y) {
          double loss = 0;
          for (int i = 0; i < scores.length; i++) {
            double max = scores[i][0];
            for (int c = 1; c < scores[i].length; c++) {
              if (scores[i][c] > max) {
                max = scores[i][c];
              }
            }
            double sum = 0.0;
            for (int c = 0; c < scores[i].length; c++) {
              sum += Math.exp(scores[i][c] - max);
            }
            loss += Math.log(sum) + max - scores[i][y[i]];
          }
          return loss / scores.length;
        }

        /** Shifted by the mean of its terms rather than their maximum: any shift cancels. */
        @Differentiable
        public static double shiftedByMean(double[] a, double t) {
          double c = 0;
          for (double v : a) {
            c += t * v;
          }
          c = c / a.length;
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s = s + Math.exp(t * a[i] - c);
          }
          double lse = Math.log(s) + c;
          return lse * t;
        }

        /** log(1 + sum exp(a_i - mx)) + mx: a sum that starts at one does not cancel. */
        @Differentiable
        public static double startsAtOne(double[] a) {
          double mx = a[0];
          double s = 1;
          for (int i = 0; i < a.length; i++) {
            s += Math.exp(a[i] - mx);
          }
          return Math.log(s) + mx;
        }

        /** The shift read once more, by the result. */
        @Differentiable
        public static double shiftReadAgain(double[] a) {
          double mx = a[0];
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += Math.exp(a[i] - mx);
          }
          return Math.log(s) + mx + mx * mx;
        }

        /** The exponentials also weigh the entries. */
        @Differentiable
        public static double termsReadAgain(double[] a) {
          double mx = a[0];
          double s = 0;
          double w = 0;
          for (int i = 0; i < a.length; i++) {
            double e = Math.exp(a[i] - mx);
            s += e;
            w += e * a[i];
          }
          return Math.log(s) + mx + w;
        }

        /** The differences also make the result. */
        @Differentiable
        public static double differencesReadAgain(double[] a) {
          double mx = a[0];
          double s = 0;
          double q = 0;
          for (int i = 0; i < a.length; i++) {
            double u = a[i] - mx;
            s += Math.exp(u);
            q += u * u;
          }
          return Math.log(s) + mx + q;
        }

        /** The sum read once more (the softmax's normaliser). */
        @Differentiable
        public static double sumReadAgain(double[] a) {
          double mx = a[0];
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += Math.exp(a[i] - mx);
          }
          return Math.log(s) + mx - 1 / s;
        }

        /** The logarithm read once more. */
        @Differentiable
        public static double logReadAgain(double[] a) {
          double mx = a[0];
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += Math.exp(a[i] - mx);
          }
          double l = Math.log(s);
          return l + mx + l * l;
        }

        /**
         * GMM's shape: per point, a pass over the components (whose backward iterations share
         * dw), then a log-sum-exp over them.
         */
        @Differentiable(wrt = {"alpha", "mu", "w"})
        public static double mixture(double[] alpha, double[][] mu, double w, double[][] xs) {
          int k = alpha.length;
          double[] main = new double[k];
          double total = 0;
          for (int p = 0; p < xs.length; p++) {
            for (int c = 0; c < k; c++) {
              double sq = 0;
              for (int j = 0; j < mu[c].length; j++) {
                double u = w * (xs[p][j] - mu[c][j]);
                sq += u * u;
              }
              main[c] = alpha[c] - 0.5 * sq;
            }
            double mx = main[0];
            for (int c = 1; c < k; c++) {
              mx = Math.max(mx, main[c]);
            }
            double s = 0;
            for (int c = 0; c < k; c++) {
              s += Math.exp(main[c] - mx);
            }
            total += Math.log(s) + mx;
          }
          return total;
        }

        /** The same, the sum's terms weighed by v, which the pass over the components changes. */
        @Differentiable(wrt = {"alpha", "mu", "w"})
        public static double weightedMixture(double[] alpha, double[][] mu, double w,
            double[][] xs) {
          int k = alpha.length;
          double[] main = new double[k];
          double total = 0;
          for (int p = 0; p < xs.length; p++) {
            double v = 1;
            for (int c = 0; c < k; c++) {
              double sq = 0;
              for (int j = 0; j < mu[c].length; j++) {
                double u = w * v * (xs[p][j] - mu[c][j]);
                sq += u * u;
              }
              main[c] = alpha[c] - 0.5 * sq;
              v = v * 0.5 + xs[p][0];
            }
            double s = 0;
            for (int c = 0; c < k; c++) {
              s += Math.exp(main[c]) * v;
            }
            total += Math.log(s);
          }
          return total;
        }

        /** The shift changes between the terms: they do not share it. */
        @Differentiable
        public static double driftingShift(double[] a, double c) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += Math.exp(a[i] - c);
            c = c + 0.5 * a[i] * a[i];
          }
          return Math.log(s) + c;
        }
      }
      """;

  static Compiled compiled;
  static String sweeps;

  @BeforeAll
  static void compile() {
    compiled = Compiled.compile(SOURCE);
    sweeps = compiled.generatedSource("demo.ShiftsSweeps");
  }

  @Test
  void theMaximumOfALogSumExpCarriesNoDerivative() {
    double[] a = {0.3, -1.2, 2.5, 2.5, 0.7};
    assertGradient(compiled, SOURCE, "logSumExp", (Object) a);
    assertGradient(compiled, SOURCE, "logSumExp", (Object) new double[] {-800, 700, 3});
    assertSecondOrder(compiled, SOURCE, "logSumExp", (Object) a);
    String pullback = method(sweeps, "logSumExpPullback");
    assertThat(pullback).doesNotContainMatch("\\bmx\\d*At\\b"); // no winner noted
    assertThat(pullback).doesNotContainMatch("\\bdmx\\d*\\b"); // no adjoint for the shift
    // the exponentials' adjoints, dv exp(a_i - mx) / s, and nothing else
    assertThat(pullback).containsMatch("da\\[i\\d*\\] \\+= dt\\d+;");
    assertThat(method(sweeps, "logSumExpJvp")).doesNotContainMatch("\\bdmx\\d*\\b");
    assertThat(method(sweeps, "logSumExpHvp")).doesNotContainMatch("\\b\\w*mx\\d*At\\b");
  }

  @Test
  void theLargestScoreOfACrossEntropyCarriesNoDerivative() {
    double[][] scores = {{1.5, -0.3, 2.0}, {0.1, 0.1, -4}, {3, 2.9, 3}};
    assertGradient(compiled, SOURCE, "crossEntropy", scores, new int[] {2, 0, 1});
    String pullback = method(sweeps, "crossEntropyPullback");
    assertThat(pullback).doesNotContainMatch("\\bmax\\d*At\\b");
    assertThat(pullback).doesNotContainMatch("\\bdmax\\d*\\b");
  }

  @Test
  void anyShiftCancelsNotOnlyTheMaximum() {
    assertGradient(compiled, SOURCE, "shiftedByMean", new double[] {0.4, -2, 1.1}, 1.3);
    assertThat(method(sweeps, "shiftedByMeanPullback")).doesNotContainMatch("\\bdc\\d*\\b");
  }

  @Test
  void theSumsPassRunsAtTheHeadOfTheComponentsPass() {
    double[][] mu = {{0.5, -1}, {1.5, 0.25}, {-0.5, 2}};
    double[][] xs = {{0.3, 0.1}, {1, -2}};
    double[] alpha = {0.2, -0.4, 1.1};
    assertGradient(compiled, SOURCE, "mixture", alpha, mu, 0.7, xs);
    // the exponentials' adjoints, dmain[c] += e[c] * ds, are the head of each component's
    // backward pass (JammedLoops), which reads dmain[c] right after: one loop, not two
    String mixture = method(sweeps, "mixturePullback");
    assertThat(mixture).containsMatch(
        "for \\(int c\\d* = alpha.length - 1; c\\d* >= 0; c\\d*--\\) \\{\\s*// line \\d+: .*\\s*"
            + "if \\(ds != 0.0\\) \\{");
    // not where the components' pass restores v, which the sum's pass reads
    assertGradient(compiled, SOURCE, "weightedMixture", alpha, mu, 0.7, xs);
    assertThat(method(sweeps, "weightedMixturePullback"))
        .containsMatch("if \\(ds != 0.0\\) \\{\\s*(//.*\\s*)?for");
  }

  @Test
  void aShiftThatDoesNotCancelKeepsItsDerivative() {
    double[] a = {0.3, -1.2, 2.5, 0.7};
    for (String name : new String[] {"startsAtOne", "shiftReadAgain", "termsReadAgain",
        "differencesReadAgain", "sumReadAgain", "logReadAgain"}) {
      assertGradient(compiled, SOURCE, name, (Object) a);
      // the exponentials take their share of the shift's adjoint
      assertThat(method(sweeps, name + "Pullback")).containsMatch("\\bdmx\\d* -= ");
    }
    assertGradient(compiled, SOURCE, "driftingShift", a, 0.25);
    assertThat(method(sweeps, "driftingShiftPullback")).containsMatch("\\bdc\\d* -= ");
  }
}
