package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.testing.Compiled.method;
import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.processor.testing.Compiled;
import dev.adjoint.processor.testing.GradientAssertions;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loops and arrays, compiled through the processor and checked against Hipparchus forward mode
 * and finite differences; Clad's loop checks and cs231n's vectorized example by their published
 * numbers; and what the forward sweep saves.
 */
class LoopsAndArraysTest {
  static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.Gates;
      import dev.adjoint.NoDerivative;
      import java.util.Arrays;

      public final class Loops {
        static final double[] WEIGHTS = {0.5, -1.5, 2.0};
        static final double[][] TABLE = {{1, 2}, {3, 4}};
        static final double[] LABELS = {0.5, Double.NaN, 2.5, -1.0};

        @Differentiable
        public static double tables(double x) {
          double s = 0;
          for (int i = 0; i < WEIGHTS.length; i++) {
            s += WEIGHTS[i] * Math.pow(x, i) + TABLE[i % 2][1] * x;
          }
          return s;
        }

        @Differentiable
        public static double rowIteration(double[][] m, int r) {
          double s = 0;
          for (double v : m[r]) {
            s += v * v;
          }
          for (double[] row : m) {
            for (double v : row) {
              s += Math.sin(v);
            }
          }
          return s;
        }

        /** Double buffering: array variables swapped in a loop. */
        @Differentiable
        public static double doubleBuffering(double[] x, double c) {
          double[] y = x.clone();
          double[] z = new double[x.length];
          for (int t = 0; t < 3; t++) {
            for (int i = 0; i < y.length; i++) {
              double left = y[(i + y.length - 1) % y.length];
              z[i] = 0.5 * y[i] + 0.25 * Math.tanh(left * c);
            }
            double[] tmp = y;
            y = z;
            z = tmp;
          }
          double s = 0;
          for (double v : y) {
            s += v * v;
          }
          double[] fresh = new double[2];
          if (s > 0.01) {
            fresh = y;
          }
          return s + fresh[1] * c;
        }

        /** A triangle of a matrix: the inner bound is a row's length (ADBench GMM's shape). */
        @Differentiable
        public static double triangle(double[][] m, double c) {
          double s = 0;
          for (int k = 0; k < m.length; k++) {
            for (int j = k; j < m[k].length; j++) {
              s += Math.sin(m[k][j] * c) * (j + 1);
            }
          }
          return s;
        }

        /** A matrix's width named once, as ADBench's GMM names {@code d}. */
        @Differentiable
        public static double widthNamedOnce(double[][] m, double[] w) {
          int d = m[0].length;
          double s = 0;
          for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < d; j++) {
              s += Math.sin(m[i][j] * w[j]) * s;
            }
          }
          return s;
        }

        /** Centre, then scale, one loop each over the same indices (GMM's subtract, Qtimesx). */
        @Differentiable
        public static double centreThenScale(double[] x, double[] mu, double[] q) {
          double[] xc = new double[x.length];
          double[] qx = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            xc[i] = x[i] - mu[i];
          }
          for (int i = 0; i < x.length; i++) {
            qx[i] = q[i] * xc[i];
          }
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += qx[i] * qx[i];
          }
          return Math.log(1 + s);
        }

        /** The same, the second loop reading the next element the first one writes. */
        @Differentiable
        public static double centreThenNeighbour(double[] x, double[] mu, double[] q) {
          int n = x.length;
          double[] xc = new double[n];
          double[] qx = new double[n];
          for (int i = 0; i < n; i++) {
            xc[i] = x[i] - mu[i];
          }
          for (int i = 0; i < n; i++) {
            qx[i] = q[i] * xc[(i + 1) % n];
          }
          double s = 0;
          for (int i = 0; i < n; i++) {
            s += qx[i] * qx[i];
          }
          return Math.log(1 + s);
        }

        /** Scale, then shift, then a third loop reading the shifted values backward. */
        @Differentiable
        public static double scaleShiftReversed(double[] x, double[] w) {
          double[] y = new double[x.length];
          double[] z = new double[x.length];
          double[] u = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            y[i] = w[i] * x[i];
          }
          for (int i = 0; i < x.length; i++) {
            z[i] = Math.sin(y[i]) + w[i];
          }
          for (int i = 0; i < x.length; i++) {
            u[i] = z[x.length - 1 - i] * y[i];
          }
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += u[i] * u[i];
          }
          return s;
        }

        /** Clad: x^3 by a loop. */
        @Differentiable
        public static double cube(double x) {
          double r = 1;
          for (int i = 0; i < 3; i++) {
            r = r * x;
          }
          return r;
        }

        /** Clad: x^9 by nested loops. */
        @Differentiable
        public static double ninth(double x) {
          double r = 1;
          for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
              r *= x;
            }
          }
          return r;
        }

        /** Clad: an early return inside a loop. */
        @Differentiable
        public static double earlyReturn(double x) {
          double s = 0;
          for (int i = 1; i <= 10; i++) {
            s += Math.sin(x * i);
            if (s > 1.5) {
              return s * x;
            }
          }
          return s;
        }

        @Differentiable
        public static double anyFor(double x, int n) {
          double s = x;
          for (int i = 10 * n; i > 0; i -= 3) {
            s = s * 0.9 + Math.cos(s) / i;
          }
          return s;
        }

        @Differentiable
        public static double whileLoop(double a) {
          double x = a;
          int k = 0;
          while (k < 6) {
            x = 0.5 * (x + a / x);
            k++;
          }
          return x;
        }

        @Differentiable
        public static double valueDrivenWhile(double x) {
          double t = 0;
          int k = 0;
          while (t < 3 && k < 20) {
            t += 0.3 + x * x;
            k++;
          }
          return t * x;
        }

        @Differentiable
        public static double doWhile(double x) {
          double p = 1;
          int k = 0;
          do {
            p = p * x + k;
            k++;
          } while (k < 4);
          return p;
        }

        @Differentiable
        public static double breakAndContinue(double[] a, double limit) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            if (a[i] < 0) {
              continue;
            }
            s += a[i] * a[i] * limit;
            if (s > limit) {
              break;
            }
          }
          return s;
        }

        @Differentiable
        public static double dot(double[] a, double[] b) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
          }
          return s;
        }

        /** cs231n: f(x, W) = |W x|^2. */
        @Differentiable
        public static double vectorized(double[][] W, double[] x) {
          double[] q = new double[W.length];
          for (int i = 0; i < W.length; i++) {
            for (int j = 0; j < x.length; j++) {
              q[i] += W[i][j] * x[j];
            }
          }
          double f = 0;
          for (double v : q) {
            f += v * v;
          }
          return f;
        }

        @Differentiable
        public static double rows(double[][] m, double[] w) {
          double s = 0;
          for (double[] row : m) {
            double[] r = row;
            for (int j = 0; j < row.length; j++) {
              s += Math.tanh(row[j] * w[j]);
            }
          }
          double[] first = m[0];
          return s + first[1] * m.length;
        }

        @Differentiable
        public static double locals(double[] x, double c) {
          double[] y = x.clone();
          double[] z = {c, 2 * c, x[0]};
          double[][] m = new double[2][3];
          for (int i = 0; i < y.length; i++) {
            y[i] = y[i] * y[i] + c;
            y[i] -= 0.5 * x[i];
            y[i] *= c;
            y[i] /= 1 + z[i % 3] * z[i % 3];
            m[i % 2][i % 3] += y[i];
          }
          double s = 0;
          for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
              s += m[i][j] * m[i][j] + z[j];
            }
          }
          return s;
        }

        @Differentiable
        public static double overwrite(double[] x) {
          double[] h = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            h[i] = x[i] * 2;
            h[i] = Math.max(0, h[i] - 0.5);
            h[i] = h[i] * h[i];
          }
          double s = 0;
          for (int i = 0; i < h.length; i++) {
            s += h[i] * x[i];
          }
          return s;
        }

        @Differentiable
        public static double perIteration(double[][] batch, double[] w) {
          double loss = 0;
          for (int n = 0; n < batch.length; n++) {
            double[] h = new double[w.length];
            for (int j = 0; j < w.length; j++) {
              h[j] = Math.tanh(batch[n][j] * w[j]);
            }
            double s = 0;
            for (int j = 0; j < h.length; j++) {
              s += h[j] * h[j];
            }
            loss += s / batch.length;
          }
          return loss;
        }

        @Differentiable
        public static double labels(double[] scores, int[] y, int k) {
          double s = 0;
          for (int i = 0; i < y.length; i++) {
            int label = y[i];
            double margin = scores[(i + k) % scores.length] - scores[label] + 1;
            if (margin > 0) {
              s += margin;
            }
          }
          return s;
        }

        @Differentiable(wrt = {"w"})
        public static double selectedArray(double[] w, double[] x) {
          double s = 0;
          for (int i = 0; i < w.length; i++) {
            s += Math.exp(w[i] * x[i]);
          }
          return Math.log(s);
        }

        /** Row i is written then read in iteration i only: read again, not saved. */
        @Differentiable
        public static double rowsPerExample(double[][] X, double[] w) {
          int n = X.length;
          int k = w.length;
          double[][] h = new double[n][k];
          double s = 0;
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
              h[i][j] = X[i][j] * w[j];
            }
            for (int j = 0; j < k; j++) {
              h[i][j] += 0.5 * w[j];
            }
            double xi = X[i][0];
            for (int j = 0; j < k; j++) {
              double v = h[i][j] * xi - w[j];
              s += v * v * h[i][j];
            }
          }
          return s;
        }

        /** Extended Rosenbrock: x[2 i] read three times per iteration. */
        @Differentiable
        public static double pairs(double[] x) {
          double f = 0;
          for (int i = 0; i < x.length / 2; i++) {
            double a = x[2 * i] * x[2 * i] - x[2 * i + 1];
            double b = x[2 * i] - 1;
            f += 100 * a * a + b * b;
          }
          return f;
        }

        /** Extended Rosenbrock as the textbook writes it: a strided loop, offset condition. */
        @Differentiable
        public static double strided(double[] x) {
          double f = 0;
          for (int i = 0; i + 1 < x.length; i += 2) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            f += 100 * a * a + b * b;
          }
          return f;
        }

        /** A stride of 3 from a given start, inclusive bound, a recurrence: not fused. */
        @Differentiable
        public static double stridedRecurrence(double[] x, int from) {
          double s = 0.5;
          for (int i = from; i <= x.length - 1; i = i + 3) {
            s = s * x[i] + Math.sin(s);
          }
          return s;
        }

        /** Horner's rule, downward as people write it. */
        @Differentiable
        public static double horner(double[] c, double x) {
          double p = 0;
          for (int k = c.length - 1; k >= 0; k--) {
            p = p * x + c[k];
          }
          return p;
        }

        @Differentiable
        public static double cubes(double[][] m) {
          double s = 0;
          for (double[] row : m) {
            for (double v : row) {
              s += v * v * v;
            }
          }
          return s;
        }

        /** A local matrix passed to a call and written after it: the call sees it as it was. */
        @Differentiable
        public static double matrixWrittenAfterCall(double[] a) {
          double[][] q = {{a[0], a[1]}, {a[2] * a[0], a[3]}};
          double first = cubes(q);
          q[0][1] = Math.sin(q[0][1]) * a[2];
          return first + cubes(q) * q[1][0];
        }

        /**
         * A recurrent state replaced by a new array each step ({@code h = next}): every array
         * is complete before {@code h} reads it, and never written again, so its reads are
         * read again in the backward pass, not saved.
         */
        @Differentiable
        public static double recurrent(double[][] W, double[] x0) {
          double[] h = x0.clone();
          for (int t = 0; t < 4; t++) {
            double[] next = new double[W.length];
            for (int i = 0; i < W.length; i++) {
              double a = 0;
              for (int j = 0; j < h.length; j++) {
                a += W[i][j] * h[j];
              }
              next[i] = Math.tanh(a + x0[i]);
            }
            h = next;
          }
          return h[0] * h[1] + h[2];
        }

        /** The same, but the new state written after it is handed on: its reads are saved. */
        @Differentiable
        public static double recurrentWrittenAfter(double[][] W, double[] x0) {
          double[] h = new double[W.length];
          for (int t = 0; t < 3; t++) {
            double[] next = new double[W.length];
            for (int i = 0; i < W.length; i++) {
              double a = x0[i];
              for (int j = 0; j < h.length; j++) {
                a += W[i][j] * h[j];
              }
              next[i] = Math.sin(a);
            }
            h = next;
            next[0] = next[0] * h[1];
          }
          return h[0] * h[1] + h[2];
        }

        /**
         * A state that looks two steps back ({@code prev = h; h = next}): each step's array is
         * read for two steps after its own, so its adjoint may not share a buffer with that of
         * the array two steps before.
         */
        @Differentiable
        public static double twoStepRecurrence(double[] w, double[] x0) {
          double[] prev = x0.clone();
          double[] h = x0.clone();
          for (int t = 0; t < 5; t++) {
            double[] next = new double[h.length];
            for (int i = 0; i < h.length; i++) {
              next[i] = Math.tanh(w[i] * h[i] + w[(i + 1) % w.length] * prev[i]);
            }
            prev = h;
            h = next;
          }
          return h[0] * prev[1] + h[2];
        }

        /**
         * Two states each step makes and hands on, as an LSTM's cell and output
         * ({@code c = cNext; h = hNext}), the second step's state handed on under a condition.
         */
        @Differentiable
        public static double cellAndOutput(double[] w, double[] x0) {
          double[] c = x0.clone();
          double[] h = new double[x0.length];
          for (int t = 0; t < 4; t++) {
            double[] cNext = new double[c.length];
            double[] hNext = new double[c.length];
            for (int i = 0; i < c.length; i++) {
              double f = Gates.sigmoid(w[i] * h[i] + 0.3);
              cNext[i] = f * c[i] + (1 - f) * Math.tanh(w[i] * x0[i] + h[i]);
              hNext[i] = Math.tanh(cNext[i]) * f;
            }
            c = cNext;
            if (t % 2 == 0) {
              h = hNext;
            }
          }
          return h[0] * c[1] + c[2] * c[2];
        }

        /** Heat on a grid: a new matrix each step, handed on ({@code u = next}). */
        @Differentiable
        public static double gridSteps(double[][] u0, double k) {
          double[][] u = new double[u0.length][u0[0].length];
          for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < u[0].length; j++) {
              u[i][j] = u0[i][j];
            }
          }
          for (int s = 0; s < 3; s++) {
            double[][] next = new double[u.length][u[0].length];
            for (int i = 0; i < u.length; i++) {
              for (int j = 0; j < u[0].length; j++) {
                double up = i > 0 ? u[i - 1][j] : 0.0;
                double left = j > 0 ? u[i][j - 1] : 0.0;
                next[i][j] = u[i][j] + k * (up + left - 2 * u[i][j]) + 0.05 * u[i][j] * u[i][j];
              }
            }
            u = next;
          }
          double e = 0;
          for (double[] row : u) {
            for (double v : row) {
              e += v * v;
            }
          }
          return e;
        }

        /** Steps inside a loop over sequences: each sequence's state starts again. */
        @Differentiable
        public static double sequences(double[] w, double[][] xs) {
          double loss = 0;
          for (int q = 0; q < xs.length; q++) {
            double[] h = w.clone();
            for (int t = 0; t < 3; t++) {
              double[] next = new double[h.length];
              for (int i = 0; i < h.length; i++) {
                next[i] = Math.sin(w[i] * h[i] + xs[q][i] + (i > 0 ? h[i - 1] : 0.0));
              }
              h = next;
            }
            loss += h[0] * h[h.length - 1];
          }
          return loss;
        }

        /** A state one shorter each step, in a {@code while} loop: the buffers' lengths change. */
        @Differentiable
        public static double shrinking(double[] x, double k) {
          double[] u = x;
          while (u.length > 1) {
            double[] next = new double[u.length - 1];
            for (int i = 0; i < next.length; i++) {
              next[i] = u[i] * k + u[i + 1] * u[i];
            }
            u = next;
          }
          return u[0];
        }

        /**
         * Each sequence's state starts as a copy of its data row, {@code xs[q].clone()}, and is
         * updated in place; the rows themselves are differentiated too.
         */
        @Differentiable
        public static double rowCopies(double[] w, double[][] xs) {
          double loss = 0;
          for (int q = 0; q < xs.length; q++) {
            double[] h = xs[q].clone();
            for (int i = 0; i < h.length; i++) {
              h[i] = Math.sin(h[i] * w[i]);
            }
            double[] row = xs[q];
            double[] copy = row.clone();
            loss += h[0] * copy[h.length - 1];
          }
          return loss;
        }

        /** Fills: the whole array (an int widened), then a range with a differentiated value. */
        @Differentiable
        public static double filled(double[] x) {
          double[] h = new double[x.length + 1];
          Arrays.fill(h, 1);
          Arrays.fill(h, 1, 3, x[0] * x[1]);
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += h[i] * x[i] + h[i + 1];
          }
          return s;
        }

        /** Copies: padded, truncated, and by System.arraycopy from a parameter and a row. */
        @Differentiable
        public static double copied(double[] x, double[][] m) {
          double[] longer = Arrays.copyOf(x, x.length + 2);
          double[] shorter = Arrays.copyOf(x, 2);
          double[] h = new double[x.length];
          System.arraycopy(x, 1, h, 0, x.length - 1);
          System.arraycopy(m[1], 0, h, 1, 2);
          double s = shorter[0] * shorter[1];
          for (int i = 0; i < h.length; i++) {
            s += Math.sin(h[i]) * longer[i + 2] + longer[i] * h[i];
          }
          return s;
        }

        /**
         * A flat parameter vector unpacked by ranges (one running past its end: zeros), and a
         * range of an int[].
         */
        @Differentiable
        public static double ranges(double[] theta, int n) {
          double[] w = Arrays.copyOfRange(theta, 0, n);
          double[] b = Arrays.copyOfRange(theta, n, theta.length);
          double[] tail = Arrays.copyOfRange(theta, theta.length - 2, theta.length + 1);
          int[] order = {3, 1, 0, 2};
          int[] picked = Arrays.copyOfRange(order, 1, 3);
          double s = tail[2] + tail[0] * tail[1] + w[picked[0]] * b[picked[1]];
          for (int i = 0; i < w.length; i++) {
            s += Math.sin(w[i]) * b[i % b.length];
          }
          return s;
        }

        /**
         * A shift within one array, both ways: the JDK copies as if through a temporary, so the
         * shift to the right runs from the end.
         */
        @Differentiable
        public static double shifted(double[] x, int by) {
          double[] h = x.clone();
          System.arraycopy(h, 0, h, by, h.length - by);
          double s = 0;
          for (int i = 0; i < h.length; i++) {
            s += h[i] * x[i];
          }
          System.arraycopy(h, by, h, 0, h.length - by);
          for (int i = 0; i < h.length; i++) {
            s += h[i] * h[i] * (i + 1);
          }
          return s;
        }

        /**
         * A copy that a helper reads, then filled: the fill writes the copy, not the parameter,
         * and the helper's backward pass sees the values it read.
         */
        @Differentiable
        public static double cloneThenFill(double[] x) {
          double[] h = x.clone();
          double a = pairProduct(h);
          Arrays.fill(h, 0, 2, a);
          return a + pairProduct(h) * x[2];
        }

        /** A table of int indices filled with -1, then set where a value is positive. */
        @Differentiable
        public static double lastPositive(double[] x) {
          int[] last = new int[2];
          Arrays.fill(last, -1);
          for (int i = 0; i < x.length; i++) {
            if (x[i] > 0) {
              last[i % 2] = i;
            }
          }
          double s = 0;
          for (int k = 0; k < 2; k++) {
            s += last[k] >= 0 ? x[last[k]] * x[last[k]] : 0.0;
          }
          return s;
        }

        /** A sliding window: the bound's offset is a length, {@code i + w.length <= x.length}. */
        @Differentiable
        public static double window(double[] w, double[] x) {
          double total = 0;
          for (int i = 0; i + w.length <= x.length; i++) {
            double s = 0;
            for (int t = 0; t < w.length; t++) {
              s += w[t] * x[i + t];
            }
            total += Math.max(0, s) * s;
          }
          return total;
        }

        /** A scalar accumulator re-initialised for each row, as a person writes a dot product. */
        @Differentiable
        public static double accumulatorPerRow(double[][] W, double[] x) {
          double[] out = new double[W.length];
          for (int j = 0; j < W.length; j++) {
            double s = x[0];
            for (int k = 0; k < x.length; k++) {
              s += W[j][k] * x[k];
            }
            out[j] = Math.tanh(s);
          }
          return out[0] * out[1] + out[out.length - 1];
        }

        /**
         * ADBench's triangle, q[j] = q[j] + l[k] * x[i], its mirror l[k] * x[i] + q[j], a
         * difference q[j] - x[j] (compound stores), and x[j] - q[j] (not one).
         */
        @Differentiable
        public static double selfUpdated(double[] l, double[] x) {
          int d = x.length;
          double[] q = new double[d];
          for (int j = 0; j < d; j++) {
            q[j] = x[j] * x[j];
          }
          int k = 0;
          for (int i = 0; i < d; i++) {
            for (int j = i + 1; j < d; j++) {
              q[j] = q[j] + l[k] * x[i];
              q[i] = l[k] * x[j] + q[i];
              k++;
            }
          }
          for (int j = 0; j < d; j++) {
            q[j] = q[j] - x[j];
            q[j] = x[j] - q[j] * q[j];
          }
          double s = 0;
          for (int j = 0; j < d; j++) {
            s = s + q[j] * q[j];
          }
          return s;
        }

        /**
         * for (double e : m[k]) with k moved in the body (and carried by the loop around): Java
         * takes the row once, before the loop.
         */
        @Differentiable
        public static double rowTakenOnce(double[][] m, double[] x) {
          int k = 0;
          double s = 0;
          for (int r = 0; r < 2; r++) {
            for (double e : m[k]) {
              s += e * x[k % x.length];
              k++;
            }
            k = k - 2;
          }
          return s;
        }

        /** A helper whose own sweep saves values on the thread's tape, called in a loop. */
        @Differentiable
        public static double damped(double x) {
          double s = 0;
          for (int i = 0; i < 3; i++) {
            s = s * x + Math.sin(s + x);
          }
          return s;
        }

        /** Its caller saves values too: both sweeps share the thread's tape. */
        @Differentiable
        public static double dampedChain(double[] v) {
          double acc = 0;
          for (int i = 0; i < v.length; i++) {
            acc = acc * v[i] + damped(acc + v[i]);
          }
          return acc;
        }

        /** Pushes in a nested loop, then in both branches of an if: room reserved once each. */
        @Differentiable
        public static double branchyTriangle(double[] x) {
          double s = 1;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < i; j++) {
              s = s * x[j];
            }
            if (x[i] > 0) {
              s = Math.sin(s * x[i]);
            } else {
              s = Math.cos(s);
            }
          }
          return s;
        }

        /** for (double e : a) with a reassigned in the body: Java takes the array once. */
        @Differentiable
        public static double arrayTakenOnce(double[] v, double[] u) {
          double s = 0;
          double[] a = v;
          for (int r = 0; r < 2; r++) {
            for (double e : a) {
              s += e * e;
              a = u;
            }
            a = v;
          }
          return s;
        }

        /** A data row under its own name, x = X[i], as a person writes the example loop. */
        @Differentiable(wrt = {"w"})
        public static double rowByName(double[] w, double[][] X) {
          double s = 0;
          for (int i = 0; i < X.length; i++) {
            double[] x = X[i];
            double z = 0;
            for (int k = 0; k < w.length; k++) {
              z += w[k] * x[k];
            }
            s += Math.log(1 + Math.exp(-z));
          }
          return s;
        }

        /** cs231n's hidden layer kept per example in an n x H matrix, used row by row. */
        @Differentiable
        public static double hiddenRows(double[][] W, double[][] X) {
          int n = X.length;
          int H = W[0].length;
          double[][] z = new double[n][H];
          double total = 0;
          for (int i = 0; i < n; i++) {
            for (int d = 0; d < W.length; d++) {
              for (int h = 0; h < H; h++) {
                z[i][h] += X[i][d] * W[d][h];
              }
            }
            for (int h = 0; h < H; h++) {
              total += Math.tanh(z[i][h]) * z[i][h];
            }
          }
          return total;
        }

        /** The same with biases: every z[i][h] is set before the example accumulates into it. */
        @Differentiable
        public static double hiddenRowsBiased(double[][] W, double[] b, double[][] X) {
          int n = X.length;
          int H = b.length;
          double[][] z = new double[n][H];
          double total = 0;
          for (int i = 0; i < n; i++) {
            for (int h = 0; h < H; h++) {
              z[i][h] = b[h];
            }
            for (int d = 0; d < W.length; d++) {
              for (int h = 0; h < H; h++) {
                z[i][h] += X[i][d] * W[d][h];
              }
            }
            for (int h = 0; h < H; h++) {
              total += Math.tanh(z[i][h]) * z[i][h];
            }
          }
          return total;
        }

        /** cs231n's hidden layer as written: a scalar accumulator per unit, then ReLU. */
        @Differentiable
        public static double hiddenUnits(double[][] W, double[] b, double[][] X) {
          double total = 0;
          for (int i = 0; i < X.length; i++) {
            double[] hidden = new double[b.length];
            for (int h = 0; h < b.length; h++) {
              double z = b[h];
              for (int d = 0; d < W.length; d++) {
                z += X[i][d] * W[d][h];
              }
              hidden[h] = Math.max(0, z);
            }
            for (int h = 0; h < b.length; h++) {
              total += hidden[h] * hidden[h] * (h + 1);
            }
          }
          return total;
        }

        /**
         * A layer read down its columns ({@code W[d][h]}, the input index first), the inputs
         * differentiated too: dx[d] receives one contribution per unit.
         */
        @Differentiable
        public static double columnLayer(double[][] W, double[] x) {
          double[] hidden = new double[W[0].length];
          for (int h = 0; h < hidden.length; h++) {
            double z = 0;
            for (int d = 0; d < x.length; d++) {
              z += x[d] * W[d][h];
            }
            hidden[h] = Math.tanh(z);
          }
          double total = 0;
          for (int h = 0; h < hidden.length; h++) {
            total += hidden[h] * (h + 1);
          }
          return total;
        }

        /** The same with one scale c[0] on every product: c[0]'s adjoint sums over the nest. */
        @Differentiable
        public static double scaledColumnLayer(double[][] W, double[] x, double[] c) {
          double[] hidden = new double[W[0].length];
          for (int h = 0; h < hidden.length; h++) {
            double z = 0;
            for (int d = 0; d < x.length; d++) {
              z += x[d] * W[d][h] * c[0];
            }
            hidden[h] = Math.tanh(z);
          }
          return hidden[0] * hidden[hidden.length - 1];
        }

        /** Gates.relu on an accumulator: its derivative reads the stored result, as max's. */
        @Differentiable
        public static double gatedUnits(double[][] W, double[] x) {
          double[] hidden = new double[W[0].length];
          for (int h = 0; h < hidden.length; h++) {
            double z = -0.1;
            for (int d = 0; d < x.length; d++) {
              z += W[d][h] * x[d];
            }
            hidden[h] = dev.adjoint.Gates.relu(z);
          }
          return hidden[0] * hidden[0] + 3 * hidden[hidden.length - 1];
        }

        /**
         * An element updated after a gate read the whole array: the gate's pullback needs the
         * element as it was, so it is saved (it was read back updated: a wrong gradient).
         */
        @Differentiable
        public static double updatedAfterCall(double b, double a) {
          double[] y = new double[] {0.34, b, 2.25};
          if (a < 1.38) {
            y[1] -= dev.adjoint.Gates.logSumExp(y);
          }
          return y[1] * a;
        }

        /**
         * u[w] read on a path never taken: its adjoint is added on that path only (summing it
         * after the loop added into du[-1]).
         */
        @Differentiable
        public static double readOnAPathNotTaken(double[] u, double[] x) {
          double s = 0;
          int w = -1;
          for (int j = 0; j < x.length; j++) {
            s += x[j] * (x[j] > 100 ? u[w] : 1.5);
          }
          return s * u[0];
        }

        /**
         * u[k] read in every iteration of a loop that may run none: with x empty it is never
         * read (k may be -1), and its adjoint, summed over the loop, is not added either.
         */
        @Differentiable
        public static double readInALoopThatRunsNoIteration(double[] u, double[] x, int k) {
          double s = u[0];
          for (int j = 0; j < x.length; j++) {
            s = s * 0.9 + x[j] * u[k];
          }
          return s * u[0];
        }

        /**
         * The outer backward loop adds into du[i] only, one element per iteration, but pops the
         * inner loop's trip counts: it must run backward (the tape is last in, first out).
         */
        @Differentiable
        public static double tripCountsPoppedByAnOuterLoop(double[][] m, double[] u, double a) {
          for (int i = 0; i < m.length; i = i + 2) {
            for (int j = 0; j < m[i].length; j++) {
              a += u[i];
              if (j == i) {
                break;
              }
            }
          }
          return a * a;
        }

        /**
         * An array made after an early return, its elements overwritten while an alias of it is
         * passed to a call: the backward sweep puts them back, so it must see the array.
         */
        @Differentiable
        public static double restoredAfterAnEarlyReturn(double[] v, double[] u, double a) {
          if (a > 2) {
            return a * a;
          }
          double[] y = v.clone();
          double[] z = u;
          double s = 0.0;
          for (int k = 0; k < 2; k++) {
            s += pairProduct(z);
            y[k] = s * a;
            z = y;
          }
          return s;
        }

        @Differentiable
        static double pairProduct(double[] y) {
          return y[0] * y[1];
        }

        /** A layer summed down columns straight into its output's elements. */
        @Differentiable
        public static double columnIntoElements(double[][] W, double[] x) {
          double[] y = new double[W[0].length];
          for (int h = 0; h < W[0].length; h++) {
            for (int d = 0; d < W.length; d++) {
              y[h] += W[d][h] * x[d];
            }
          }
          double total = 0;
          for (int h = 0; h < y.length; h++) {
            total += Math.sin(y[h]);
          }
          return total;
        }

        /** Column sums that run on from one column to the next: not taken along rows. */
        @Differentiable
        public static double runningColumnSums(double[][] W, double[] x) {
          double[] out = new double[W[0].length];
          double s = 0;
          for (int h = 0; h < out.length; h++) {
            for (int d = 0; d < x.length; d++) {
              s += x[d] * W[d][h];
            }
            out[h] = Math.tanh(s);
          }
          return out[0] - 2 * out[out.length - 1];
        }

        /** A scratch row overwritten per point, each element squared: q[k] * q[k]. */
        @Differentiable
        public static double squaredScratch(double[] w, double[][] X) {
          double[] q = new double[w.length];
          double total = 0;
          for (int p = 0; p < X.length; p++) {
            for (int k = 0; k < w.length; k++) {
              q[k] = X[p][k] * w[k];
            }
            double s = 0;
            for (int k = 0; k < w.length; k++) {
              s += q[k] * q[k];
            }
            total += Math.log(1 + s);
          }
          return total;
        }

        /** Column by column: x[k] is read in every iteration of the inner loop. */
        @Differentiable
        public static double columns(double[][] W, double[] x) {
          double total = 0;
          for (int k = 0; k < x.length; k++) {
            for (int j = 0; j < W.length; j++) {
              total += Math.sin(W[j][k] * x[k]);
            }
          }
          return total;
        }

        /** The same sums squared per column: the inner backward pass needs the square's. */
        @Differentiable
        public static double columnsSquared(double[][] W, double[] x) {
          double total = 0;
          for (int k = 0; k < x.length; k++) {
            double s = 0;
            for (int j = 0; j < W.length; j++) {
              s += Math.sin(W[j][k] * x[k]);
            }
            total += s * s;
          }
          return total;
        }

        /** A scratch buffer made once, overwritten for each point before it is read (GMM's). */
        @Differentiable
        public static double scratchPerPoint(double[] w, double[][] X) {
          double[] centered = new double[w.length];
          double total = 0;
          for (int p = 0; p < X.length; p++) {
            for (int j = 0; j < w.length; j++) {
              centered[j] = X[p][j] - w[j];
            }
            double s = 0;
            for (int j = 0; j < w.length; j++) {
              s += centered[j] * centered[j] * w[j];
            }
            total += Math.log(1 + s);
          }
          return total;
        }

        /** The same buffer read before this point overwrites it: the previous point's values. */
        @Differentiable
        public static double scratchReadFirst(double[] w, double[][] X) {
          double[] centered = new double[w.length];
          double total = 0;
          for (int p = 0; p < X.length; p++) {
            total += centered[0] * w[1];
            for (int j = 0; j < w.length; j++) {
              centered[j] = X[p][j] - w[j];
            }
            total += centered[1] * centered[0];
          }
          return total;
        }

        @Differentiable
        public static double bump(double v, double s) {
          return Math.sin(v * s) + v * v;
        }

        /** A helper with scalar parameters called per element: the loop is fused. */
        @Differentiable
        public static double callsInLoop(double[] x, double s) {
          double total = 0;
          for (int i = 0; i < x.length; i++) {
            total += bump(x[i], s) * x[i];
          }
          return total;
        }

        /** A helper of one {@code double} parameter. */
        @Differentiable
        public static double softplus(double t) {
          return Math.log(1 + Math.exp(t));
        }

        /** Calls it per element: its adjoint comes back as a value, through no buffer. */
        @Differentiable
        public static double softplusSum(double[] x, double w) {
          double total = 0;
          for (int i = 0; i < x.length; i++) {
            total += softplus(w * x[i]);
          }
          return total;
        }

        /** The sum's adjoint comes from a call after the loop: the loop is not fused. */
        @Differentiable
        public static double sumReadByLaterCall(double[] x, double b) {
          for (int i = 0; i < x.length; i++) {
            b -= bump(x[i], 0.5);
          }
          return bump(x[0], b + x[1]);
        }

        /** A scratch array made per example, written then read in it: read again, not saved. */
        @Differentiable
        public static double perExampleScratch(double[][] W, double[][] X) {
          double total = 0;
          for (int i = 0; i < X.length; i++) {
            double[] hidden = new double[W.length];
            for (int h = 0; h < W.length; h++) {
              double z = 0;
              for (int d = 0; d < X[i].length; d++) {
                z += W[h][d] * X[i][d];
              }
              hidden[h] = Math.tanh(z);
            }
            double s = 0;
            for (int h = 0; h < W.length; h++) {
              s += hidden[h] * hidden[h] * W[h][0];
            }
            total += s * s;
          }
          return total;
        }

        @Differentiable
        public static double logSumExp(double[] s) {
          double sum = 0;
          for (double v : s) {
            sum += Math.exp(v);
          }
          return Math.log(sum);
        }

        /**
         * Scores made per example and passed to a call: the next example writes a new array,
         * so the call's arguments need no copy.
         */
        @Differentiable
        public static double scoresPerExample(double[][] W, double[][] X) {
          double total = 0;
          for (int i = 0; i < X.length; i++) {
            double[] scores = new double[W.length];
            for (int c = 0; c < W.length; c++) {
              double s = 0;
              for (int d = 0; d < X[i].length; d++) {
                s += W[c][d] * X[i][d];
              }
              scores[c] = s;
            }
            total += logSumExp(scores);
          }
          return total;
        }

        /** ReLU units: the backward loop over a unit's inputs is skipped where it is off. */
        @Differentiable
        public static double reluLayer(double[][] W, double[] x) {
          double total = 0;
          for (int h = 0; h < W.length; h++) {
            double z = 0;
            for (int d = 0; d < x.length; d++) {
              z += W[h][d] * x[d];
            }
            total += Math.max(0, z) * (h + 1);
          }
          return total;
        }

        /** Horner's rule in a while loop over an affine counter: counted like the for loop. */
        @Differentiable
        public static double hornerWhile(double[] c, double x) {
          double p = 0;
          int k = c.length - 1;
          while (k >= 0) {
            p = p * x + c[k];
            k--;
          }
          return p;
        }

        /** A packed lower triangle walked with a counter of its own: k++ after each entry. */
        @Differentiable
        public static double packed(double[] p, double[] x) {
          double s = 0;
          int k = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j <= i; j++) {
              s += p[k] * x[i] * x[j];
              k++;
            }
          }
          return s;
        }

        /**
         * Weights and biases interleaved in one vector, the counter stepping by 2: the weight
         * is read before the counter moves and used after it, the bias after.
         */
        @Differentiable
        public static double interleaved(double[] w, double[] x) {
          double s = 0;
          int k = 0;
          for (int i = 0; i < x.length; i++) {
            double weight = w[k];
            k += 2;
            double z = weight * x[i] + w[k - 1];
            s += z * z * weight;
          }
          return s;
        }

        /** The same, spelled w[k++]: the updates run where Java evaluates them. */
        @Differentiable
        public static double interleavedInline(double[] w, double[] x) {
          double s = 0;
          int k = 0;
          for (int i = 0; i < x.length; i++) {
            double z = w[k++] * x[i] + w[k++];
            s += Math.tanh(z) * w[++k - 1];
          }
          return s;
        }

        /** A scratch row filled per component and read in later loops: GMM's xcentered. */
        @Differentiable
        public static double centered(double[] q, double[][] means, double[][] x) {
          int d = q.length;
          double[] xc = new double[d];
          double total = 0;
          for (int n = 0; n < x.length; n++) {
            for (int k = 0; k < means.length; k++) {
              for (int i = 0; i < d; i++) {
                xc[i] = x[n][i] - means[k][i];
              }
              double s = 0;
              for (int i = 0; i < d; i++) {
                s += Math.exp(q[i]) * xc[i] * xc[i];
              }
              for (int i = 0; i < d; i++) {
                for (int j = i + 1; j < d; j++) {
                  s += q[j] * xc[i];
                }
              }
              total += Math.log(1 + s);
            }
          }
          return total;
        }

        /** Two gates read one state element, its index written twice (an LSTM's s[hidden + i]). */
        @Differentiable
        public static double twoGates(double[] w, double[] x) {
          double[] s = x.clone();
          for (int i = 0; i + 1 < s.length; i++) {
            double a = Math.tanh(s[i + 1] * w[0]);
            double b = Math.sin(s[i + 1] * w[1]);
            s[i] = a * b;
          }
          return s[0] + s[1];
        }

        /** A counter moved by a different step on each side of a branch, one a parameter. */
        @Differentiable
        public static double sparseWalk(double[] w, double[] x, int step) {
          double s = 0;
          int k = 0;
          for (int i = 0; i < x.length; i++) {
            if (x[i] > 0) {
              s += w[k] * x[i] * x[i];
              k += step;
            } else {
              s -= w[k + 1] * x[i];
              k += 2;
            }
          }
          return s * w[k];
        }

        /**
         * A constant array the loop fills, read after it by the product with the sum: the sum's
         * adjoint needs a[0] after the loop, so the loop's backward pass is not fused into it
         * (regression: it was, and read a[0] before the loop filled it; the gradient was 0).
         */
        @Differentiable
        public static double scaledAfter(double[] x, int[] c) {
          double[] a = new double[c.length];
          double s = 0;
          for (int i = 0; i < c.length; i++) {
            a[i] = c[i] * 2;
            s += x[i] * x[i];
          }
          return s * a[0];
        }

        /**
         * The same index written twice with a branch between them that moves its counter: two
         * elements (regression: the second index was taken for the first, a wrong value).
         */
        @Differentiable
        public static double movedBetween(double[] x) {
          double s = 0;
          int k = 0;
          for (int i = 0; i + 2 < x.length; i++) {
            double a = x[k + 1];
            if (x[i] > 0) {
              k++;
            }
            double b = x[k + 1];
            s += a * b;
          }
          return s;
        }

        /** Upward by 2 with an offset, the counter declared before the loop. */
        @Differentiable
        public static double stridedWhile(double[] x) {
          double f = 0;
          int i = 0;
          while (i + 1 < x.length) {
            double a = x[i + 1] - x[i] * x[i];
            f += 100 * a * a + (1 - x[i]) * (1 - x[i]);
            i += 2;
          }
          return f;
        }

        /**
         * The counter stepped first, so that a continue after it ends the iteration, as
         * people write a while loop that skips: counted, fused, nothing saved.
         */
        @Differentiable
        public static double stepThenSkip(double[] x) {
          double s = 0;
          int i = 0;
          while (i < x.length) {
            double v = x[i];
            i++;
            if (v < 0) {
              continue;
            }
            s += Math.sqrt(v + 1) * v;
          }
          return s;
        }

        /** Statements after the step read the stepped counter; it is read after the loop. */
        @Differentiable
        public static double readsStepped(double[] x) {
          double s = 0;
          int i = 0;
          while (i < x.length) {
            double v = x[i];
            i++;
            s += v * x[i - 1] + (i < x.length ? x[i] * v : 0);
          }
          return s * i;
        }

        /** Downward and by 2, the step before a continue; a do-while stepping first. */
        @Differentiable
        public static double steppedFirst(double[] a, double x) {
          double p = 0;
          int k = a.length - 1;
          while (k >= 0) {
            double c = a[k];
            k--;
            if (c > 1) {
              continue;
            }
            p = p * x + c;
          }
          int i = 0;
          while (i + 1 < a.length) {
            double u = a[i];
            i += 2;
            p += u * a[i - 1] * Math.sin(u);
          }
          int j = 0;
          do {
            double v = a[j];
            j++;
            p = p * v + Math.cos(p);
          } while (j < a.length);
          return p;
        }

        /**
         * Tests that step their counter, as Java programmers count down: while (k-- > 0),
         * while (++i < n), do ... while (++j < n) with a continue; the counters read after.
         */
        @Differentiable
        public static double steppingTests(double[] x, double w) {
          double s = 0;
          int k = x.length;
          while (k-- > 0) {
            s = s * 0.9 + w * x[k] * x[k];
          }
          int i = 0;
          while (++i < x.length) {
            s += Math.sin(s) * x[i];
          }
          int j = 0;
          do {
            if (x[j] < 0) {
              continue;
            }
            s = s * x[j] + 0.5;
          } while (++j < x.length);
          return s + k + i * w + j;
        }

        /** Java's count-down idiom alone: a counted loop; the counter read after it. */
        @Differentiable
        public static double countingDown(double[] x, double w) {
          double s = 0;
          int k = x.length;
          while (k-- > 0) {
            s += w * x[k] * Math.sin(x[k]);
          }
          int i = -1;
          while (++i < x.length) {
            s += x[i] * k;
          }
          return s * k + i;
        }

        /**
         * Per row the largest element and the last smallest, kept by branches as Java
         * programmers keep them; the largest starts from a value of its own, which wins when
         * no element beats it.
         */
        @Differentiable
        public static double extremesByBranch(double[][] m, double w) {
          double s = 0;
          for (int r = 0; r < m.length; r++) {
            double hi = m[r][0] * w;
            for (int c = 0; c < m[r].length; c++) {
              if (m[r][c] > hi) {
                hi = m[r][c];
              }
            }
            double lo = 10;
            for (int c = 0; c < m[r].length; c++) {
              double v = m[r][c];
              if (lo >= v) {
                lo = v;
              }
            }
            s += hi * hi - lo * w;
          }
          return s;
        }

        /** The counter read after the loop: an ordinary loop, its trips counted. */
        @Differentiable
        public static double counterAfter(double[] c, double x) {
          double p = 0;
          int k = 0;
          while (k < c.length) {
            p = p * x + c[k] * k;
            k++;
          }
          return p + k * x;
        }

        /** Downward by 2 and 3, exclusive and inclusive bounds, from a given start. */
        @Differentiable
        public static double downward(double[] c, double x, int top) {
          double s = 0;
          for (int k = top; k > 0; k -= 2) {
            s = s * x + c[k] * c[k - 1];
          }
          for (int k = top; k >= 1; k = k - 3) {
            s += Math.sin(c[k]) * s;
          }
          return s;
        }

        /** A buffer reused by every iteration: what it held must be saved. */
        @Differentiable
        public static double reusedBuffer(double[] x) {
          double[] buf = new double[2];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            buf[0] = x[i] * x[i];
            buf[1] = buf[0] * x[i];
            s += buf[0] * buf[1];
          }
          return s;
        }

        /**
         * A scratch row each component fills, then reads, per point (GMM's qxcentered), spelled
         * as users do: {@code c < mu.length}, an update of the filled row (the triangle of GMM).
         */
        @Differentiable
        public static double scratchPerComponent(double[][] x, double[][] mu, double[] w) {
          int d = w.length;
          double[] diff = new double[d];
          double s = 0;
          for (int p = 0; p < x.length; p++) {
            for (int c = 0; c < mu.length; c++) {
              for (int j = 0; j < d; j++) {
                diff[j] = w[j] * (x[p][j] - mu[c][j]);
              }
              for (int j = 1; j < d; j++) {
                diff[j] += mu[c][j] * x[p][j - 1];
              }
              double sq = 0;
              for (int j = 0; j < d; j++) {
                sq += diff[j] * diff[j];
              }
              s += Math.exp(-0.5 * sq);
            }
          }
          return s;
        }

        /** The same, but each component adds to what the previous one left: one buffer. */
        @Differentiable
        public static double carriedPerComponent(double[][] x, double[][] mu, double[] w) {
          int d = w.length;
          double[] diff = new double[d];
          double s = 0;
          for (int p = 0; p < x.length; p++) {
            for (int c = 0; c < mu.length; c++) {
              for (int j = 0; j < d; j++) {
                diff[j] = 0.5 * diff[j] + w[j] * (x[p][j] - mu[c][j]);
              }
              double sq = 0;
              for (int j = 0; j < d; j++) {
                sq += diff[j] * diff[j];
              }
              s += Math.exp(-0.5 * sq);
            }
          }
          return s;
        }

        /** A scratch row per component, read again after the components: one buffer. */
        @Differentiable
        public static double scratchReadAfter(double[][] x, double[][] mu, double[] w) {
          int d = w.length;
          double[] diff = new double[d];
          double s = 0;
          for (int p = 0; p < x.length; p++) {
            for (int c = 0; c < mu.length; c++) {
              for (int j = 0; j < d; j++) {
                diff[j] = w[j] * (x[p][j] - mu[c][j]);
              }
              double sq = 0;
              for (int j = 0; j < d; j++) {
                sq += diff[j] * diff[j];
              }
              s += Math.exp(-0.5 * sq);
            }
            s += diff[0] * diff[d - 1];
          }
          return s;
        }

        /** GMM's subtract, then Qtimesx and its triangle: two scratch rows per component. */
        @Differentiable
        public static double centredThenTriangle(double[][] x, double[][] mu, double[][] q) {
          int d = mu[0].length;
          int k = mu.length;
          double[] xc = new double[d];
          double[] qx = new double[d];
          double s = 0;
          for (int p = 0; p < x.length; p++) {
            for (int c = 0; c < k; c++) {
              for (int j = 0; j < d; j++) {
                xc[j] = x[p][j] - mu[c][j];
              }
              for (int j = 0; j < d; j++) {
                qx[j] = Math.exp(q[c][j]) * xc[j];
              }
              int l = d;
              for (int i = 0; i < d; i++) {
                for (int j = i + 1; j < d; j++) {
                  qx[j] = qx[j] + q[c][l] * xc[i];
                  l++;
                }
              }
              double sq = 0;
              for (int j = 0; j < d; j++) {
                sq = sq + qx[j] * qx[j];
              }
              s = s + Math.sin(sq) * xc[0];
            }
          }
          return s;
        }

        /** A fill that reads ahead of what it filled: not a scratch row per component. */
        @Differentiable
        public static double fillReadsAhead(double[][] x, double[][] mu, double[] w) {
          int d = w.length;
          double[] diff = new double[d];
          double s = 0;
          for (int p = 0; p < x.length; p++) {
            for (int c = 0; c < mu.length; c++) {
              for (int j = 0; j < d; j++) {
                diff[j] = w[j] * (x[p][j] - mu[c][j]);
                s += diff[(j + 1) % d] * w[j];
              }
              double sq = 0;
              for (int j = 0; j < d; j++) {
                sq += diff[j] * diff[j];
              }
              s += Math.exp(-0.5 * sq);
            }
          }
          return s;
        }

        /** A matrix of scratch rows the user keeps per component, filled per point. */
        @Differentiable
        public static double rowsPerComponent(double[][] x, double[][] mu, double[] w) {
          int d = w.length;
          double[][] h = new double[mu.length][d];
          double s = 0;
          for (int p = 0; p < x.length; p++) {
            for (int c = 0; c < mu.length; c++) {
              for (int j = 0; j < d; j++) {
                h[c][j] = Math.tanh(w[j] * (x[p][j] - mu[c][j]));
              }
            }
            for (int c = 0; c < mu.length; c++) {
              for (int j = 0; j < d; j++) {
                s += h[c][j] * h[c][j] * w[j];
              }
            }
          }
          return s;
        }

        /** A running maximum, then the log-sum-exp it steadies (GMM's, ADBench's spelling). */
        @Differentiable
        public static double steadiedLogSumExp(double[] a) {
          double mx = a[0];
          for (int i = 1; i < a.length; i++) {
            mx = Math.max(mx, a[i]);
          }
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s = s + Math.exp(a[i] - mx);
          }
          return Math.log(s) + mx;
        }

        /** A running minimum per row, its winner's weight different in every row. */
        @Differentiable
        public static double rowMinima(double[][] x, double[] w) {
          double s = 0;
          for (int r = 0; r < x.length; r++) {
            double m = x[r][0] * w[r];
            for (int j = 0; j < x[r].length; j++) {
              m = Math.min(m, x[r][j]);
            }
            s += m * m * w[r];
          }
          return s;
        }

        /** A continue skips an iteration: the loop still runs every index, counted. */
        @Differentiable
        public static double skipEveryThird(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            if (i % 3 == 0) {
              continue;
            }
            s += Math.exp(-x[i] * x[i]);
          }
          return s;
        }

        /** The same in a for-each. */
        @Differentiable
        public static double positiveCubes(double[] x) {
          double s = 0;
          for (double v : x) {
            if (v < 0) {
              continue;
            }
            s += v * v * v;
          }
          return s;
        }

        /** Least squares of a polynomial over points, each by Horner's rule counted down. */
        @Differentiable
        public static double polynomialFit(double[] c, @NoDerivative double[] xs,
            @NoDerivative double[] ys) {
          double loss = 0;
          for (int p = 0; p < xs.length; p++) {
            double y = 0;
            for (int k = c.length - 1; k >= 0; k--) {
              y = y * xs[p] + c[k];
            }
            double e = y - ys[p];
            loss += e * e;
          }
          return loss;
        }

        /** The same with the points differentiated too: each step's y is read by dx. */
        @Differentiable
        public static double polynomialFitAt(double[] c, double[] xs, @NoDerivative double[] ys) {
          double loss = 0;
          for (int p = 0; p < xs.length; p++) {
            double y = 0;
            for (int k = c.length - 1; k >= 0; k--) {
              y = y * xs[p] + c[k];
            }
            double e = y - ys[p];
            loss += e * e;
          }
          return loss;
        }

        /** Least squares of a line: a dot product per example. */
        @Differentiable
        public static double linearFit(double[] w, @NoDerivative double[][] X,
            @NoDerivative double[] ys) {
          double loss = 0;
          for (int i = 0; i < X.length; i++) {
            double z = 0;
            for (int j = 0; j < w.length; j++) {
              z += w[j] * X[i][j];
            }
            double e = z - ys[i];
            loss += e * e;
          }
          return loss;
        }

        /** Every pair but a point with itself, skipped by a continue in the inner loop. */
        @Differentiable
        public static double pairRepulsion(double[] x) {
          double e = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
              if (i == j) {
                continue;
              }
              double r = x[i] - x[j];
              e += 1 / (r * r + 1);
            }
          }
          return e;
        }

        /** Pairs through a kernel, then a term per point adding into the same adjoint. */
        @Differentiable
        public static double kernelPlusSquares(double[] x) {
          double e = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = i + 1; j < x.length; j++) {
              double r = x[i] - x[j];
              e += Math.exp(-r * r);
            }
            e += 0.5 * x[i] * x[i];
          }
          return e;
        }

        /** A row's sum through tanh: the inner loop's backward pass needs tanh's adjoint. */
        @Differentiable
        public static double tanhOfRowSums(double[][] a, double[] v) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            double r = 0;
            for (int j = 0; j < v.length; j++) {
              r += a[i][j] * Math.sin(v[j]);
            }
            s += Math.tanh(r);
          }
          return s;
        }

        /** k-means' cost: each point to its nearest centre, chosen by a running minimum. */
        @Differentiable
        public static double nearestCentres(double[][] centres, double[][] points) {
          double cost = 0;
          for (int p = 0; p < points.length; p++) {
            double best = Double.MAX_VALUE;
            for (int c = 0; c < centres.length; c++) {
              double d = 0;
              for (int k = 0; k < points[p].length; k++) {
                double diff = points[p][k] - centres[c][k];
                d += diff * diff;
              }
              best = Math.min(best, d);
            }
            cost += best;
          }
          return cost;
        }

        /** k-means' cost plus every point's spread over all centres: each centre's adjoint. */
        @Differentiable
        public static double nearestPlusSpread(double[][] centres, double[][] points) {
          double cost = 0;
          for (int p = 0; p < points.length; p++) {
            double best = Double.MAX_VALUE;
            for (int c = 0; c < centres.length; c++) {
              double d = 0;
              for (int k = 0; k < points[p].length; k++) {
                double diff = points[p][k] - centres[c][k];
                d += diff * diff;
              }
              cost += 0.01 * d;
              best = Math.min(best, d);
            }
            cost += best;
          }
          return cost;
        }

        /** The best of scores computed per candidate, or the start if none beats it. */
        @Differentiable
        public static double bestScore(double[] w, double start) {
          double best = start;
          for (int c = 0; c < w.length; c++) {
            double s = Math.sin(w[c]) * w[c];
            best = Math.max(best, s);
          }
          return best * best;
        }

        /** A row picked by an index, read by a loop that may not run (then r may not exist). */
        @Differentiable
        public static double rowFrom(double[][] m, int r, int n) {
          double s = 0;
          for (int k = 0; k < n; k++) {
            s += Math.sin(m[r][k]) * m[r][k];
          }
          return s + m[0][0];
        }

        /** A local of the iteration assigned in either branch of a conditional. */
        @Differentiable
        public static double leakySquares(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            double y = x[i] > 0 ? x[i] : 0.01 * x[i];
            s += y * y;
          }
          return s;
        }

        /** Horner's rule in a do-while loop, from the last coefficient down. */
        @Differentiable
        public static double hornerDo(double[] a, double x) {
          int k = a.length - 1;
          double s = 0;
          do {
            s = s * x + a[k];
            k--;
          } while (k >= 0);
          return s;
        }

        /** Upward by two below a limit; the first iteration runs whatever the limit. */
        @Differentiable
        public static double stridedDo(double[] x, int from, int limit) {
          int i = from;
          double s = 0;
          do {
            s += x[i] * x[i + 1];
            i += 2;
          } while (i < limit);
          return s;
        }

        /** Down by ones above a floor; the first iteration runs whatever the floor. */
        @Differentiable
        public static double countdownDo(double[] x, int from, int floor) {
          int k = from;
          double p = 1;
          do {
            p = p * x[k];
            k--;
          } while (k > floor);
          return p;
        }

        /** A row read only in the iterations a condition picks, its index -1 before them. */
        @Differentiable
        public static double pickedRow(double[][] m, double[] x) {
          double s = 0;
          int r = -1;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
              if (i == 2) {
                s += m[r][j] * x[j];
              }
            }
            r++;
          }
          return s;
        }

        /** A row read only in an inner loop, its index out of range when that loop never runs. */
        @Differentiable
        public static double innerRow(double[][] m, double[] x, int n, int r) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < n; j++) {
              s += m[r][j] * x[i];
            }
          }
          return s;
        }

        /** A row read on one side of a conditional only: never when x has one element. */
        @Differentiable
        public static double chosenRow(double[][] m, double[] x, int r) {
          double s = 0;
          for (int j = 0; j < x.length; j++) {
            double v = j > 0 ? m[r][j - 1] : 0.0;
            s += v * x[j];
          }
          return s;
        }

        /** A value chosen from a row whose index moves or from x, so its old value is saved. */
        @Differentiable
        public static double pickedValue(double[][] m, double[] x) {
          double s = 0;
          int r = -1;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
              double v = i == 2 ? m[r][j] : x[x.length - 1 - j];
              s += v * x[j];
            }
            r++;
          }
          return s;
        }

        /** A mean by a while loop whose counter is the count after it. */
        @Differentiable
        public static double whileMean(double[] x) {
          int i = 0;
          double s = 0;
          while (i < x.length) {
            s += x[i];
            i++;
          }
          return s / i;
        }

        /** A tail's squares by a do-while loop down to a floor, scaled by where it stopped. */
        @Differentiable
        public static double tailDo(double[] x, int floor) {
          int k = x.length - 1;
          double s = 0;
          do {
            s += x[k] * x[k];
            k--;
          } while (k >= floor);
          return s * (k + 3);
        }

        /** Explicit heat steps, the neighbours past the ends zero: conditionals in the stencil. */
        @Differentiable
        public static double heatSteps(double[] u0, double k, int steps) {
          double[] u = u0;
          for (int s = 0; s < steps; s++) {
            double[] next = new double[u.length];
            for (int i = 0; i < u.length; i++) {
              double left = i > 0 ? u[i - 1] : 0.0;
              double right = i + 1 < u.length ? u[i + 1] : 0.0;
              next[i] = u[i] + k * (left - 2 * u[i] + right);
            }
            u = next;
          }
          double e = 0;
          for (double v : u) {
            e += v * v;
          }
          return e;
        }

        /** Smoothing in place: each element is read, then overwritten, in its own iteration. */
        @Differentiable
        public static double smoothedInPlace(double[] x, double w) {
          double[] u = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            u[i] = x[i];
          }
          double e = 0;
          for (int i = 0; i < u.length; i++) {
            double left = i > 0 ? u[i - 1] : 1.0;
            double here = u[i] > 0 ? u[i] * w : u[i];
            u[i] = here * left;
            e += u[i] * left;
          }
          return e;
        }

        /** The Huber loss of a line through the origin, its two pieces a conditional. */
        @Differentiable
        public static double huber(double[] x, double[] y, double w, double delta) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            double r = y[i] - w * x[i];
            double a = Math.abs(r);
            s += a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
          }
          return s / x.length;
        }

        /** Huber regression over the labelled rows, a missing label skipped by Double.isNaN. */
        @Differentiable
        public static double huberLabelled(double[] w, double b, double[][] x, double[] y,
            double delta) {
          double loss = 0;
          int seen = 0;
          for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(y[i])) {
              continue;
            }
            double z = b;
            for (int j = 0; j < w.length; j++) {
              z += w[j] * x[i][j];
            }
            double r = y[i] - z;
            double a = Math.abs(r);
            loss += a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
            seen++;
          }
          return loss / seen;
        }

        /**
         * cs231n's two-layer net per example: a ReLU layer into scores (b2, then a[h] W2[h][c]),
         * squared error to a target row, over three examples.
         */
        @Differentiable
        public static double twoLayers(double[][] W1, double[] b1, double[][] W2, double[] b2) {
          double[][] X = {{0.4, -0.5}, {1.0, 0.6}, {-1.2, 0.7}};
          double[][] T = {{0.3, 0.1}, {-0.2, 0.5}, {0.0, -0.4}};
          int H = b1.length;
          int K = b2.length;
          double[][] z = new double[X.length][H];
          double[][] a = new double[X.length][H];
          double[][] scores = new double[X.length][K];
          double loss = 0;
          for (int i = 0; i < X.length; i++) {
            for (int h = 0; h < H; h++) {
              z[i][h] = b1[h];
            }
            for (int d = 0; d < X[i].length; d++) {
              for (int h = 0; h < H; h++) {
                z[i][h] += X[i][d] * W1[d][h];
              }
            }
            for (int h = 0; h < H; h++) {
              a[i][h] = Math.max(0, z[i][h]);
            }
            for (int c = 0; c < K; c++) {
              scores[i][c] = b2[c];
            }
            for (int h = 0; h < H; h++) {
              for (int c = 0; c < K; c++) {
                scores[i][c] += a[i][h] * W2[h][c];
              }
            }
            for (int c = 0; c < K; c++) {
              double e = scores[i][c] - T[i][c];
              loss += e * e;
            }
          }
          return loss;
        }

        /** The mean of squared scores, the rows counted as the loop goes (for-each). */
        @Differentiable
        public static double countedMean(double[] w, double[][] rows) {
          double total = 0;
          int count = 0;
          for (double[] row : rows) {
            double s = 0;
            for (int j = 0; j < w.length; j++) {
              s += w[j] * row[j];
            }
            total += s * s;
            count++;
          }
          return total / count;
        }

        /** A sum over a range counted down, divided by a count that steps down by two. */
        @Differentiable
        public static double countedDown(double[] x, int from, int to) {
          double total = 0;
          int left = 10;
          for (int i = from; i >= to; i--) {
            total += Math.sin(x[i]) * x[i];
            left -= 2;
          }
          return total / left;
        }

        /** A count changed again after its loop: not known before the loop. */
        @Differentiable
        public static double countedThenMoved(double[] x) {
          double total = 0;
          int count = 0;
          for (int i = 0; i < x.length; i++) {
            total += x[i] * x[i];
            count++;
          }
          count = count * 2 + 1;
          return total / count;
        }

        /** Huber over the rows whose label (a table with a missing one) is there. */
        @Differentiable
        public static double huberMasked(double[] w, double[][] x) {
          double loss = 0;
          int seen = 0;
          for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(LABELS[i])) {
              continue;
            }
            double r = LABELS[i] - w[0] * x[i][0] - w[1] * x[i][1];
            loss += Math.abs(r) <= 1 ? 0.5 * r * r : Math.abs(r) - 0.5;
            seen++;
          }
          return loss / seen;
        }

        /** The same with the count smoothed after the loop (one more than the rows seen). */
        @Differentiable
        public static double huberSmoothed(double[] w, double[][] x) {
          double loss = 0;
          int seen = 0;
          for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(LABELS[i])) {
              continue;
            }
            double r = LABELS[i] - w[0] * x[i][0] - w[1] * x[i][1];
            loss += Math.abs(r) <= 1 ? 0.5 * r * r : Math.abs(r) - 0.5;
            seen++;
          }
          seen++;
          return loss / seen;
        }

        /** Row maxima multiplied: the rows' loop is not fused, so each row's winner is saved. */
        @Differentiable
        public static double rowMaximaProduct(double[][] x) {
          double p = 1;
          for (int r = 0; r < x.length; r++) {
            double m = x[r][0];
            for (int j = x[r].length - 1; j >= 1; j--) {
              m = Math.max(m, x[r][j]);
            }
            p = p * m;
          }
          return p;
        }

        /** A packed walk whose length grows with the component: its end differs per component. */
        @Differentiable
        public static double unevenWalk(double[][] q, double[] x) {
          double s = 0;
          for (int c = 0; c < q.length; c++) {
            int l = 1;
            for (int j = 0; j < c; j++) {
              s = s + q[c][l] * Math.sin(x[j] * s);
              l++;
            }
            s = s + q[c][l] * q[c][0];
          }
          return s;
        }

        /** An element read, then overwritten in the same iteration: saved. */
        @Differentiable
        public static double readThenWrite(double[] x) {
          double[][] h = new double[x.length][1];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            h[i][0] = x[i];
            double v = h[i][0];
            h[i][0] = v * x[i];
            s += v * h[i][0];
          }
          return s;
        }

        /** Transposed access: iteration i writes row i but reads column i. */
        @Differentiable
        public static double transposed(double[] x) {
          int n = x.length;
          double[][] m = new double[n][n];
          double s = 0;
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
              m[i][j] = x[i] * (j + 1);
            }
            for (int j = 0; j < n; j++) {
              s += m[j][i] * x[j];
            }
          }
          return s;
        }

        /** GMM's inner terms with a given diagonal: the centred point's row is read twice. */
        @Differentiable
        public static double centredTriangleSquares(double[][] x, double[][] mu, double[][] q,
            double[][] w) {
          int d = mu[0].length;
          double[] xc = new double[d];
          double[] qx = new double[d];
          double s = 0;
          for (int p = 0; p < x.length; p++) {
            for (int c = 0; c < mu.length; c++) {
              for (int j = 0; j < d; j++) {
                xc[j] = x[p][j] - mu[c][j];
              }
              for (int j = 0; j < d; j++) {
                qx[j] = w[c][j] * xc[j];
              }
              int l = 0;
              for (int i = 0; i < d; i++) {
                for (int j = i + 1; j < d; j++) {
                  qx[j] = qx[j] + q[c][l] * xc[i];
                  l++;
                }
              }
              double sq = 0;
              for (int j = 0; j < d; j++) {
                sq = sq + qx[j] * qx[j];
              }
              s = s + sq;
            }
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
    double[] a = {0.5, -0.3, 1.2, 0.8};
    double[] b = {1.1, 0.4, -0.7, 0.2};
    double[][] m = {{0.3, -0.2, 0.5, 0.1}, {0.7, 0.4, -0.6, 0.9}, {-0.1, 0.2, 0.3, -0.4}};
    return Stream.of(
        Arguments.of("cube", new Object[] {3.0}),
        Arguments.of("triangle", new Object[] {m, 0.7}),
        Arguments.of("scaleShiftReversed", new Object[] {new double[] {0.3, -0.7, 0.5, 1.2},
            new double[] {1.1, 0.2, -0.4, 0.6}}),
        Arguments.of("centreThenScale", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[] {1.1, 0.2, -0.4}, new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("centreThenNeighbour", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[] {1.1, 0.2, -0.4}, new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("scratchPerComponent", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}, {0.2, 0.1, -0.3}},
            new double[] {1.3, 0.7, -0.6}}),
        Arguments.of("carriedPerComponent", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}, {0.2, 0.1, -0.3}},
            new double[] {1.3, 0.7, -0.6}}),
        Arguments.of("scratchReadAfter", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}, {0.2, 0.1, -0.3}},
            new double[] {1.3, 0.7, -0.6}}),
        Arguments.of("fillReadsAhead", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}, {0.2, 0.1, -0.3}},
            new double[] {1.3, 0.7, -0.6}}),
        Arguments.of("rowsPerComponent", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}, {0.2, 0.1, -0.3}},
            new double[] {1.3, 0.7, -0.6}}),
        Arguments.of("centredThenTriangle", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}},
            new double[][] {{0.1, -0.2, 0.3, 0.5, -0.4, 0.2}, {-0.3, 0.2, 0.1, -0.6, 0.3, 0.7}}}),
        Arguments.of("centredTriangleSquares", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}},
            new double[][] {{0.1, -0.2, 0.3}, {-0.3, 0.2, 0.1}},
            new double[][] {{0.5, 1.5, -0.8}, {1.2, -0.3, 0.9}}}),
        Arguments.of("steadiedLogSumExp", new Object[] {new double[] {0.3, -0.7, 1.5, 0.2}}),
        Arguments.of("steadiedLogSumExp", new Object[] {new double[] {2.5, -0.7, 1.5, 0.2}}),
        Arguments.of("steadiedLogSumExp", new Object[] {new double[] {0.3}}),
        Arguments.of("rowMinima", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, 1.4}, {-0.2, 0.6, 0.9}},
            new double[] {1.3, 0.7, 2.5}}),
        Arguments.of("skipEveryThird", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, 0.2}}),
        Arguments.of("positiveCubes", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, -0.2}}),
        Arguments.of("polynomialFit", new Object[] {new double[] {0.5, -0.3, 1.2, 0.8},
            new double[] {-0.9, 0.2, 0.7}, new double[] {0.1, -0.4, 0.3}}),
        Arguments.of("polynomialFit", new Object[] {new double[] {}, new double[] {0.2},
            new double[] {0.1}}),
        Arguments.of("polynomialFitAt", new Object[] {new double[] {0.5, -0.3, 1.2, 0.8},
            new double[] {-0.9, 0.2, 0.7}, new double[] {0.1, -0.4, 0.3}}),
        Arguments.of("linearFit", new Object[] {new double[] {0.5, -0.3},
            new double[][] {{0.4, 1.1}, {-0.6, 0.2}, {0.9, -1.3}}, new double[] {0.1, -0.4, 0.3}}),
        Arguments.of("pairRepulsion", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1}}),
        Arguments.of("kernelPlusSquares", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1}}),
        Arguments.of("tanhOfRowSums", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}}, new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("nearestCentres", new Object[] {
            new double[][] {{0.3, -0.7}, {1.1, 0.2}, {-0.9, 0.8}},
            new double[][] {{0.4, -0.5}, {1.0, 0.6}, {-1.2, 0.7}, {0.1, 0.1}}}),
        Arguments.of("nearestPlusSpread", new Object[] {
            new double[][] {{0.3, -0.7}, {1.1, 0.2}, {-0.9, 0.8}},
            new double[][] {{0.4, -0.5}, {1.0, 0.6}, {-1.2, 0.7}, {0.1, 0.1}}}),
        Arguments.of("bestScore", new Object[] {new double[] {0.3, -0.7, 1.1, 0.2}, 0.1}),
        Arguments.of("bestScore", new Object[] {new double[] {0.3, -0.7, 1.1, 0.2}, 2.5}),
        Arguments.of("rowFrom", new Object[] {new double[][] {{0.3, -0.7}, {1.1, 0.2}}, 1, 2}),
        Arguments.of("rowFrom", new Object[] {new double[][] {{0.3, -0.7}, {1.1, 0.2}}, 5, 0}),
        Arguments.of("leakySquares", new Object[] {new double[] {0.3, -0.7, 0.5, -1.1}}),
        Arguments.of("huber", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, 2.0},
            new double[] {0.5, 0.2, -0.4, 2.5, -1.0}, 0.8, 1.0}),
        Arguments.of("hornerDo", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1}, 0.8}),
        Arguments.of("hornerDo", new Object[] {new double[] {0.3}, 0.8}),
        Arguments.of("stridedDo", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, 0.9, -0.4}, 0, 5}),
        Arguments.of("stridedDo", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, 0.9, -0.4}, 1, 4}),
        Arguments.of("stridedDo", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, 0.9, -0.4}, 2, 1}),
        Arguments.of("countdownDo", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1}, 3, 0}),
        Arguments.of("countdownDo", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1}, 1, 2}),
        Arguments.of("pickedRow", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}, {0.6, 0.9, -1.2}},
            new double[] {0.8, -0.3, 0.5}}),
        Arguments.of("innerRow", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}}, new double[] {0.8, -0.3}, 0, 7}),
        Arguments.of("innerRow", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}}, new double[] {0.8, -0.3}, 3, 1}),
        Arguments.of("chosenRow", new Object[] {
            new double[][] {{0.3, -0.7}, {1.1, 0.2}}, new double[] {0.8, -0.3, 0.5}, 1}),
        Arguments.of("chosenRow", new Object[] {new double[][] {{0.3}}, new double[] {0.8}, 5}),
        Arguments.of("pickedValue", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}, {0.6, 0.9, -1.2}},
            new double[] {0.8, -0.3, 0.5}}),
        Arguments.of("whileMean", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1}}),
        Arguments.of("tailDo", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1}, 1}),
        Arguments.of("tailDo", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1}, 5}),
        Arguments.of("heatSteps", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1}, 0.2, 3}),
        Arguments.of("heatSteps", new Object[] {new double[] {0.3}, 0.2, 2}),
        Arguments.of("smoothedInPlace", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1}, 0.6}),
        Arguments.of("twoLayers", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}},
            new double[] {0.1, -0.2, 0.3},
            new double[][] {{0.5, -0.3}, {0.2, 0.8}, {-0.6, 0.4}},
            new double[] {0.05, -0.1}}),
        Arguments.of("countedMean", new Object[] {new double[] {0.3, -0.7},
            new double[][] {{0.5, 1.1}, {2.0, 0.4}, {-1.2, 0.8}}}),
        Arguments.of("countedDown", new Object[] {new double[] {0.3, -0.7, 0.5, 1.2}, 3, 1}),
        Arguments.of("countedDown", new Object[] {new double[] {0.3, -0.7, 0.5, 1.2}, 1, 3}),
        Arguments.of("countedThenMoved", new Object[] {new double[] {0.3, -0.7, 0.5}}),
        Arguments.of("huberSmoothed", new Object[] {new double[] {0.3, -0.7},
            new double[][] {{0.3, -0.7}, {0.5, 1.1}, {2.0, 0.4}, {-1.2, 0.8}}}),
        Arguments.of("huberMasked", new Object[] {new double[] {0.3, -0.7},
            new double[][] {{0.3, -0.7}, {0.5, 1.1}, {2.0, 0.4}, {-1.2, 0.8}}}),
        Arguments.of("huberLabelled", new Object[] {new double[] {0.3, -0.7}, 0.2,
            new double[][] {{0.3, -0.7}, {0.5, 1.1}, {2.0, 0.4}, {-1.2, 0.8}},
            new double[] {0.5, -0.3, 2.5, -1.0}, 1.0}),
        Arguments.of("rowMaximaProduct", new Object[] {
            new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, 1.4}, {-0.2, -0.6, -0.9}, {0.7}}}),
        Arguments.of("unevenWalk", new Object[] {
            new double[][] {{0.3, -0.7, 0.5, 0.2}, {1.1, 0.2, 1.4, 0.6}, {-0.2, -0.6, -0.9, 0.4}},
            new double[] {0.8, -0.3, 0.5}}),
        Arguments.of("widthNamedOnce", new Object[] {m, new double[] {0.4, -1.2, 0.8, 0.3}}),
        Arguments.of("doubleBuffering", new Object[] {new double[] {0.3, -0.5, 0.8, 0.1}, 1.3}),
        Arguments.of("doubleBuffering", new Object[] {new double[] {0.01, -0.02, 0.01}, 0.5}),
        Arguments.of("tables", new Object[] {0.7}),
        Arguments.of("rowIteration", new Object[] {m, 1}),
        Arguments.of("ninth", new Object[] {1.3}),
        Arguments.of("earlyReturn", new Object[] {0.7}),
        Arguments.of("earlyReturn", new Object[] {0.05}),
        Arguments.of("anyFor", new Object[] {0.4, 2}),
        Arguments.of("whileLoop", new Object[] {2.0}),
        Arguments.of("valueDrivenWhile", new Object[] {0.7}),
        Arguments.of("doWhile", new Object[] {1.7}),
        Arguments.of("breakAndContinue", new Object[] {a, 1.0}),
        Arguments.of("breakAndContinue", new Object[] {a, 5.0}),
        Arguments.of("dot", new Object[] {a, b}),
        Arguments.of("vectorized",
            new Object[] {new double[][] {{0.1, 0.5}, {-0.3, 0.8}}, new double[] {0.2, 0.4}}),
        Arguments.of("rows", new Object[] {m, b}),
        Arguments.of("locals", new Object[] {a, 0.7}),
        Arguments.of("overwrite", new Object[] {a}),
        Arguments.of("perIteration", new Object[] {m, b}),
        Arguments.of("labels", new Object[] {a, new int[] {0, 2, 3, 1, 2}, 1}),
        Arguments.of("selectedArray", new Object[] {a, b}),
        Arguments.of("rowsPerExample", new Object[] {m, b}),
        Arguments.of("reusedBuffer", new Object[] {a}),
        Arguments.of("pairs", new Object[] {a}),
        Arguments.of("readThenWrite", new Object[] {a}),
        Arguments.of("transposed", new Object[] {a}),
        Arguments.of("strided", new Object[] {a}),
        Arguments.of("strided", new Object[] {new double[] {0.5, -0.3, 1.2, 0.8, 0.9}}),
        Arguments.of("strided", new Object[] {new double[] {0.5}}),
        Arguments.of("stridedRecurrence", new Object[] {a, 0}),
        Arguments.of("stridedRecurrence", new Object[] {a, 1}),
        Arguments.of("stridedRecurrence", new Object[] {new double[] {0.5, -0.3, 1.2, 0.8, 0.9,
            0.4, -0.2}, 2}),
        Arguments.of("stridedRecurrence", new Object[] {a, 4}),
        Arguments.of("horner", new Object[] {a, 0.7}),
        Arguments.of("hornerWhile", new Object[] {a, 0.7}),
        Arguments.of("steppingTests", new Object[] {new double[] {0.3, -0.7, 0.5, 1.2}, 0.8}),
        Arguments.of("steppingTests", new Object[] {new double[] {-0.6}, 0.8}),
        Arguments.of("countingDown", new Object[] {new double[] {0.3, -0.7, 0.5}, 0.8}),
        Arguments.of("countingDown", new Object[] {new double[] {}, 0.8}),
        Arguments.of("stepThenSkip", new Object[] {new double[] {0.3, -0.7, 0.5, 1.2, -0.4}}),
        Arguments.of("readsStepped", new Object[] {new double[] {0.3, -0.7, 0.5, 1.2}}),
        Arguments.of("readsStepped", new Object[] {new double[] {}}),
        Arguments.of("steppedFirst", new Object[] {new double[] {0.3, -0.7, 1.5, 1.2, -0.4}, 0.7}),
        Arguments.of("steppedFirst", new Object[] {new double[] {0.6}, 0.7}),
        Arguments.of("matrixWrittenAfterCall", new Object[] {a}),
        Arguments.of("reluLayer", new Object[] {m, a}),
        Arguments.of("scoresPerExample", new Object[] {m, new double[][] {{0.3, -0.2, 0.5, 1},
            {0.7, 0.4, -0.6, 0.2}}}),
        Arguments.of("perExampleScratch", new Object[] {m, new double[][] {{0.3, -0.2, 0.5},
            {0.7, 0.4, -0.6}}}),
        Arguments.of("window", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[] {0.4, -1.2, 0.8, 1.5, -0.3, 0.9}}),
        Arguments.of("window", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[] {0.4, -1.2}}),
        Arguments.of("accumulatorPerRow", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}, {-0.6, 0.9, 0.1}}, new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("selfUpdated", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("rowTakenOnce", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}, {-0.6, 0.9, 0.1}}, new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("dampedChain", new Object[] {new double[] {0.3, -0.7, 0.5, 0.9}}),
        Arguments.of("branchyTriangle", new Object[] {new double[] {0.3, -0.7, 0.5, 0.9}}),
        Arguments.of("arrayTakenOnce", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[] {1.1, 0.2, -0.4}}),
        Arguments.of("rowByName", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}}}),
        Arguments.of("hiddenRows", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}}, new double[][] {{0.4, -1.2}, {-0.9, 0.5}, {0.3, 0.3}}}),
        Arguments.of("hiddenRowsBiased", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}}, new double[] {0.1, -0.2, 0.3},
            new double[][] {{0.4, -1.2}, {-0.9, 0.5}, {0.3, 0.3}}}),
        Arguments.of("hiddenUnits", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}}, new double[] {0.1, -0.2, 0.3}, new double[][] {{0.4, -1.2},
            {-0.9, 0.5}, {0.3, 0.3}}}),
        Arguments.of("columnLayer", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}}, new double[] {0.4, -1.2}}),
        Arguments.of("scaledColumnLayer", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}}, new double[] {0.4, -1.2}, new double[] {0.8}}),
        Arguments.of("updatedAfterCall", new Object[] {0.7, 0.5}),
        Arguments.of("updatedAfterCall", new Object[] {0.7, 2.5}),
        Arguments.of("readOnAPathNotTaken", new Object[] {new double[] {0.3, -0.7},
            new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("tripCountsPoppedByAnOuterLoop", new Object[] {new double[][] {{1, 2},
            {3, 4}, {5, 6}}, new double[] {0.5, -1.0, 0.25}, 0.3}),
        Arguments.of("restoredAfterAnEarlyReturn", new Object[] {new double[] {0.3, -0.7},
            new double[] {0.4, -1.2}, 0.6}),
        Arguments.of("restoredAfterAnEarlyReturn", new Object[] {new double[] {0.3, -0.7},
            new double[] {0.4, -1.2}, 2.5}),
        Arguments.of("readInALoopThatRunsNoIteration", new Object[] {
            new double[] {0.3, -0.7, 0.9}, new double[] {0.4, -1.2, 0.8}, 2}),
        Arguments.of("readInALoopThatRunsNoIteration", new Object[] {
            new double[] {0.3, -0.7, 0.9}, new double[] {}, -1}),
        Arguments.of("gatedUnits", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}}, new double[] {0.4, -1.2}}),
        Arguments.of("gatedUnits", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}}, new double[] {-0.4, 1.2}}),
        Arguments.of("columnIntoElements", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}}, new double[] {0.4, -1.2}}),
        Arguments.of("runningColumnSums", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}}, new double[] {0.4, -1.2}}),
        Arguments.of("squaredScratch", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}}}),
        Arguments.of("columns", new Object[] {new double[][] {{0.3, -0.7}, {1.1, 0.2},
            {-0.6, 0.9}}, new double[] {0.4, -1.2}}),
        Arguments.of("columnsSquared", new Object[] {new double[][] {{0.3, -0.7}, {1.1, 0.2},
            {-0.6, 0.9}}, new double[] {0.4, -1.2}}),
        Arguments.of("scratchPerPoint", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}, {0.3, 0.3, -0.6}}}),
        Arguments.of("scratchReadFirst", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}, {0.3, 0.3, -0.6}}}),
        Arguments.of("callsInLoop", new Object[] {a, 0.7}),
        Arguments.of("softplusSum", new Object[] {a, 0.7}),
        Arguments.of("sumReadByLaterCall", new Object[] {a, 0.3}),
        Arguments.of("recurrent", new Object[] {new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2,
            -0.4}, {-0.6, 0.9, 0.1}}, new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("recurrentWrittenAfter", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}, {-0.6, 0.9, 0.1}}, new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("twoStepRecurrence", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("sequences", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}}}),
        Arguments.of("shrinking", new Object[] {new double[] {0.4, -1.2, 0.8, 0.3, -0.6}, 0.7}),
        Arguments.of("shrinking", new Object[] {new double[] {0.4}, 0.7}),
        Arguments.of("rowCopies", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}}}),
        Arguments.of("filled", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1}}),
        Arguments.of("copied", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}}}),
        Arguments.of("shifted", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, 0.2}, 2}),
        Arguments.of("ranges", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, 0.2, -0.4}, 3}),
        Arguments.of("cloneThenFill", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1}}),
        Arguments.of("lastPositive", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, -0.2}}),
        Arguments.of("gridSteps", new Object[] {new double[][] {{0.3, -0.7, 0.2},
            {1.1, 0.2, -0.5}}, 0.15}),
        Arguments.of("cellAndOutput", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("hornerWhile", new Object[] {new double[] {}, 0.7}),
        Arguments.of("packed", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, 0.2, -0.4},
            new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("interleaved", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, 0.2,
            -0.4}, new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("interleavedInline", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1,
            0.2, -0.4, 0.9, -0.8, 0.6}, new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("centered", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}},
            new double[][] {{0.1, 0.2, 0.3}, {-0.4, 0.6, 0.2}}}),
        Arguments.of("twoGates", new Object[] {new double[] {0.3, -0.7},
            new double[] {0.4, -1.2, 0.8, 1.5}}),
        Arguments.of("sparseWalk", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, 0.2,
            -0.4, 0.9, -0.8, 0.6, 0.1}, new double[] {0.4, -1.2, 0.8, -0.3}, 1}),
        Arguments.of("sparseWalk", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, 0.2,
            -0.4, 0.9, -0.8, 0.6, 0.1, 0.7, -0.2, 0.4}, new double[] {0.4, 1.2, 0.8, -0.3}, 3}),
        Arguments.of("scaledAfter", new Object[] {new double[] {1, 2, 3},
            new int[] {3, 1, 1}}),
        Arguments.of("movedBetween", new Object[] {new double[] {1, -2, 3, 4, 5}}),
        Arguments.of("stridedWhile", new Object[] {a}),
        Arguments.of("stridedWhile", new Object[] {new double[] {0.5, -0.3, 1.2, 0.8, 0.9}}),
        Arguments.of("extremesByBranch", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4, 0.9}, {-0.6}}, 0.8}),
        Arguments.of("extremesByBranch", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {-1.1, -0.2, -0.4}}, 2.5}),
        Arguments.of("counterAfter", new Object[] {a, 0.7}),
        Arguments.of("horner", new Object[] {new double[] {}, 0.7}),
        Arguments.of("downward", new Object[] {a, 0.7, 3}),
        Arguments.of("downward", new Object[] {a, 0.7, 2}),
        Arguments.of("downward", new Object[] {new double[] {0.5, -0.3, 1.2, 0.8, 0.9, 0.4,
            -0.2}, 1.3, 6}),
        Arguments.of("downward", new Object[] {a, 0.7, 0}));
  }

  @ParameterizedTest(name = "{0}{1}")
  @MethodSource("cases")
  void matchesOracles(String method, Object[] args) {
    assertGradient(compiled, SOURCE, method, args);
  }

  /**
   * Ties, where the gradient is the branch's: {@code >} leaves the first of equal largest
   * elements the winner, {@code >=} the last of equal smallest; a NaN element never wins (it
   * fails every comparison), as in the primal, whose value the gradient's equals bit for bit.
   */
  @Test
  void extremesByBranchRouteAsTheBranchesDo() {
    GradientAssertions.assertExactGradient(compiled, SOURCE, "extremesByBranch",
        new double[][] {{0.7, -0.2, 0.7, -0.2}}, 0.5);
    Compiled.Gradient nan = compiled.gradient("demo.Loops", "extremesByBranch",
        new double[][] {{0.3, Double.NaN, 0.9}}, 0.5);
    assertThat(nan.value()).isEqualTo(compiled.primal("demo.Loops", "extremesByBranch",
        new double[][] {{0.3, Double.NaN, 0.9}}, 0.5));
    // d/dm: 2 hi at the largest (0.9), -w at the smallest (0.3); the NaN takes nothing
    assertThat(nan.partials()).usingTolerance(1e-15).containsExactly(-0.5, 0.0, 1.8, -0.3)
        .inOrder();
  }

  /** A range the JDK refuses is refused as the JDK refuses it: the same exception, each way. */
  @Test
  void rangesFailAsTheJdkFails() {
    for (int n : new int[] {7, -1}) {
      Object[] args = {new double[] {0.3, -0.7, 0.5, 1.1, 0.2, -0.4}, n};
      Class<?> primal = assertThrows(AssertionError.class,
          () -> compiled.primal("demo.Loops", "ranges", args)).getCause().getClass();
      Class<?> gradient = assertThrows(AssertionError.class,
          () -> compiled.gradient("demo.Loops", "ranges", args)).getCause().getClass();
      assertThat(gradient).isEqualTo(primal);
    }
  }

  /**
   * A buffer whose length is computed after an early return (so, after expanding the return,
   * inside a branch) and whose adjoint a loop needs per iteration: the adjoint is made where the
   * length is in scope (regression: generated code declared it with the branch's variable).
   */
  static final String EARLY_SOURCE = """
      package demo;

      import dev.adjoint.CustomGradient;
      import dev.adjoint.Differentiable;

      public final class Early {
        static double[] square(double[] u, double b) {
          double[] r = new double[u.length];
          for (int i = 0; i < u.length; i++) {
            r[i] = u[i] * u[i] * b;
          }
          return r;
        }

        @CustomGradient("square")
        static double[] squarePullback(double[] u, double b, double[] seed, double[] du,
            double[] dScalars) {
          for (int i = 0; i < u.length; i++) {
            du[i] += seed[i] * 2 * u[i] * b;
            dScalars[0] += seed[i] * u[i] * u[i];
          }
          return square(u, b);
        }

        @dev.adjoint.CustomJvp("square")
        static double[] squareJvp(double[] u, double b, double[] du, double db,
            double[][] tangentOut) {
          double[] t = new double[u.length];
          for (int i = 0; i < u.length; i++) {
            t[i] = 2 * u[i] * b * du[i] + u[i] * u[i] * db;
          }
          tangentOut[0] = t;
          return square(u, b);
        }

        /**
         * A return inside one branch in a loop: the rest of the iteration, a while loop, is
         * copied into both branches, and so is the adjoint of its sum.
         */
        @Differentiable
        public static double returnThenWhile(double[] u, double a) {
          double s = 0;
          for (int i = 0; i < 2; i++) {
            if (u[i] > 0) {
              if (u[i] > 1) {
                return a * s;
              }
            } else {
              s += a;
            }
            double t = 0.0;
            int k = 0;
            while (t < 1.2 && k < 3) {
              t += 0.3 + a * a;
              s = s * 0.4 + t;
              k++;
            }
          }
          return s;
        }

        /** An early return, then a buffer made with a length computed after it, used in a loop. */
        @Differentiable
        public static double earlyThenScratch(double[] x, double[][] m) {
          if (x[0] > 5) {
            return x[0];
          }
          double[] y = new double[m[0].length];
          double[] z = new double[3];
          int k = 0;
          do {
            z[k % z.length] += square(y, x[1])[0] * x[0];
            k++;
          } while (k < m.length);
          return z[0] + z[1];
        }
      }
      """;

  static final String SQUARES_SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Squares {
        static final double SCALE = 3.0;

        /** Squares with a constant factor, as Java reads 100 * a * a: (100 a) a. */
        @Differentiable
        public static double squares(double a, double s, double z, double c, double[] x) {
          double w = 3;
          double f = 100 * a * a + 0.5 * s * s - 0.5 * z * z + SCALE * a * a
              + w * z * z + 1.7976931348623157E308 * c * c;
          for (int i = 0; i < x.length; i++) {
            double v = x[i] - a;
            f += 2.5 * v * v;
          }
          return f;
        }
      }
      """;

  /**
   * {@code (k x) x} with a number {@code k}: {@code x} receives {@code (2k x) g}, as by hand,
   * and {@code 0.5 s s} gives {@code s g}; where {@code 2k} overflows, or {@code k} is a field,
   * the rule falls back to {@code 2 ((k x) g)}, and a variable factor keeps the product rule. The
   * JVP takes {@code 2 (k x) dx} at once, {@code k x} without a tangent. Exact against Hipparchus,
   * the JVP too (finite differences cannot follow {@code 1.8e308 c c}).
   */
  @Test
  void constantFactorSquaresTakeTheDoubledConstant() {
    Compiled squares = Compiled.compile(SQUARES_SOURCE);
    GradientAssertions.assertExactGradient(squares, SQUARES_SOURCE, "squares",
        0.7, -1.3, 0.4, 1e-160, new double[] {0.3, -0.8, 1.9});
    String pullback = method(squares.generatedSource("demo.SquaresSweeps"), "squaresPullback");
    assertThat(pullback).containsMatch("da \\+= 200 \\* a \\* dt\\d+;");
    assertThat(pullback).containsMatch("double ds = s \\* dt\\d+;");
    assertThat(pullback).containsMatch("dz -= z \\* dt\\d+;");
    assertThat(pullback).containsMatch("double dv = 5 \\* v \\* dt\\d+;");
    // a constant field's value is not known here (2 SCALE could overflow), nor is 2 * 1.8e308
    assertThat(pullback).containsMatch("da \\+= 2 \\* \\(t\\d+ \\* dt\\d+\\);");
    assertThat(pullback).containsMatch("double dc = 2 \\* \\(t\\d+ \\* dt\\d+\\);");
    // forward mode: d((k a) a) = 2 (k a) da at once, no tangent of k a (checked exactly above)
    String jvp = method(squares.generatedSource("demo.SquaresSweeps"), "squaresJvp");
    assertThat(jvp).containsMatch("double dt\\d+ = 2 \\* \\(t\\d+ \\* da\\);");
    assertThat(jvp).doesNotContainMatch("100 \\* da");
    assertThat(jvp).containsMatch("double dv = dt\\d+ - da;");
    assertThat(jvp).containsMatch("dt\\d+ = 2 \\* \\(t\\d+ \\* dv\\);");
    // a variable factor (w * z * z) keeps the product rule
    assertThat(jvp).containsMatch("dt\\d+ = z \\* dt\\d+ \\+ t\\d+ \\* dz;");
  }

  @Test
  void aLoopCopiedIntoBothBranchesByAnEarlyReturn() {
    Compiled early = Compiled.compile(EARLY_SOURCE);
    // the adjoint of t is declared where both copies of the while loop's backward pass see it
    // (it was declared in the first copy only: generated code that did not compile)
    for (double[] u : new double[][] {{0.5, -0.3}, {-0.5, 1.5}, {-0.2, -0.7}, {0.4, 0.8}}) {
      assertGradient(early, EARLY_SOURCE, "returnThenWhile", new Object[] {u, 0.6});
    }
  }

  @Test
  void aBufferMadeAfterAnEarlyReturn() {
    Compiled early = Compiled.compile(EARLY_SOURCE);
    assertGradient(early, EARLY_SOURCE, "earlyThenScratch", new Object[] {
        new double[] {0.3, -0.7}, new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}}});
    assertGradient(early, EARLY_SOURCE, "earlyThenScratch", new Object[] {
        new double[] {6, -0.7}, new double[][] {{0.4, -1.2, 0.8}}});
  }

  @Test
  void cladLoopChecks() {
    var cube = compiled.gradient("demo.Loops", "cube", 3.0);
    assertThat(cube.value()).isEqualTo(27.0);
    assertThat(cube.partials()[0]).isEqualTo(27.0);
    var ninth = compiled.gradient("demo.Loops", "ninth", 3.0);
    assertThat(ninth.value()).isEqualTo(19683.0);
    assertThat(ninth.partials()[0]).isEqualTo(59049.0);
  }

  @Test
  void cs231nVectorizedExample() {
    var g = compiled.gradient("demo.Loops", "vectorized",
        new double[][] {{0.1, 0.5}, {-0.3, 0.8}}, new double[] {0.2, 0.4});
    assertThat(g.value()).isWithin(1e-12).of(0.116);
    assertThat(g.names()).containsExactly("dW[0][0]", "dW[0][1]", "dW[1][0]", "dW[1][1]",
        "dx[0]", "dx[1]").inOrder();
    double[] published = {0.088, 0.176, 0.104, 0.208, -0.112, 0.636};
    for (int i = 0; i < published.length; i++) {
      assertThat(g.partials()[i]).isWithin(1e-12).of(published[i]);
    }
  }

  @Test
  void gradientsHaveTheShapeOfTheInputsAndInputsAreNotModified() throws Exception {
    double[][] W = {{0.1, 0.5}, {-0.3, 0.8}};
    double[] x = {0.2, 0.4};
    Class<?> grad = compiled.load("demo.LoopsGrad");
    Method vectorized = grad.getMethod("vectorized", double[][].class, double[].class);
    Object record = vectorized.invoke(null, W, x);
    double[][] dW = (double[][]) record.getClass().getMethod("dW").invoke(record);
    double[] dx = (double[]) record.getClass().getMethod("dx").invoke(record);
    assertThat(dW.length).isEqualTo(2);
    assertThat(dW[1].length).isEqualTo(2);
    assertThat(dx.length).isEqualTo(2);
    assertThat(W).isEqualTo(new double[][] {{0.1, 0.5}, {-0.3, 0.8}});
    assertThat(x).isEqualTo(new double[] {0.2, 0.4});
    Object locals = grad.getMethod("locals", double[].class, double.class)
        .invoke(null, x, 0.7);
    assertThat(locals).isNotNull();
    assertThat(x).isEqualTo(new double[] {0.2, 0.4});
  }

  @Test
  void pullbackAccumulatesIntoCallerBuffers() throws Exception {
    double[] a = {1, 2, 3};
    double[] b = {4, 5, 6};
    double[] da = {10, 10, 10};
    double[] db = new double[3];
    Method pullback = compiled.load("demo.LoopsGrad").getMethod("dotPullback", double[].class,
        double[].class, double.class, double[].class, double[].class);
    double value = (double) pullback.invoke(null, a, b, 2.0, da, db);
    assertThat(value).isEqualTo(32.0);
    assertThat(da).isEqualTo(new double[] {18, 20, 22});
    assertThat(db).isEqualTo(new double[] {2, 4, 6});
  }

  @Test
  void aDotProductOfAMillionElementsSavesNothing() throws Exception {
    String sweeps = compiled.generatedSource("demo.LoopsSweeps");
    String dot = method(sweeps, "dotPullback");
    assertThat(dot).doesNotContain("Tape");
    assertThat(dot).doesNotContain("new ");
    int n = 1_000_000;
    double[] a = new double[n];
    double[] b = new double[n];
    Arrays.fill(a, 0.5);
    Arrays.fill(b, 2.0);
    var g = compiled.gradient("demo.Loops", "dot", a, b);
    assertThat(g.value()).isEqualTo(n);
    assertThat(g.partials()[0]).isEqualTo(2.0);
    assertThat(g.partials()[2 * n - 1]).isEqualTo(0.5);
  }

  /**
   * A caller borrowing its buffer of scalar adjoints for a helper's adjoint puts back what the
   * caller's caller had there: the pullback adds into it as ever.
   */
  @Test
  void aBorrowedScalarBufferKeepsWhatItHeld() throws Exception {
    Class<?> sweeps = compiled.load("demo.LoopsGrad");
    Method pullback = sweeps.getMethod("softplusSumPullback", double[].class, double.class,
        double.class, double[].class, double[].class);
    double[] x = {0.3, -1.2, 2.0};
    double[] fromZero = new double[1];
    double value = (double) pullback.invoke(null, x, 0.7, 1.0, new double[3], fromZero);
    double[] held = {5.0};
    assertThat((double) pullback.invoke(null, x, 0.7, 1.0, new double[3], held))
        .isEqualTo(value);
    assertThat(held[0]).isEqualTo(5.0 + fromZero[0]);
    assertThat(fromZero[0]).isNotEqualTo(0.0);
  }

  @Test
  void aMethodOfOneDoubleParameterHasABackwardPassReturningItsAdjoint() throws Exception {
    Class<?> grad = compiled.load("demo.LoopsGrad");
    Method backward = grad.getMethod("softplusBackward", double.class, double.class);
    Method pullback = grad.getMethod("softplusPullback", double.class, double.class,
        double[].class);
    for (double t : new double[] {-3, 0, 0.5, 40, Double.POSITIVE_INFINITY, Double.NaN}) {
      double[] buffer = new double[1];
      pullback.invoke(null, t, 2.5, buffer);
      assertThat((double) backward.invoke(null, t, 2.5)).isEqualTo(buffer[0]);
    }
  }

  @Test
  void savesWhatTheBackwardSweepNeedsAndNoMore() {
    String sweeps = compiled.generatedSource("demo.LoopsSweeps");
    // r = r * x reads the old r: one double per iteration, nothing else
    String cube = method(sweeps, "cubePullback");
    assertThat(count(cube, "[doublesTop++] = ")).isEqualTo(1);
    assertThat(cube).doesNotContain("intTape");
    // a bound read from a row's length keeps the loop counted: nothing saved, no trip count
    String triangle = method(sweeps, "trianglePullback");
    assertThat(triangle).doesNotContain("intTape");
    assertThat(triangle).doesNotContain("trips");
    // two loops over the same indices, element by element, are one loop forward and one
    // backward (with the sum's loop: two each way); not when the second reads another element
    // (the sum's backward pass then runs at the head of the neighbour loop's, which reads dqx
    // at the counter only: five loops)
    assertThat(loops(method(sweeps, "centreThenScalePullback"))).isEqualTo(4);
    assertThat(loops(method(sweeps, "centreThenNeighbourPullback"))).isEqualTo(5);
    // a width named once at the top (int d = m[0].length) is read by its name, not loaded again
    String width = method(sweeps, "widthNamedOncePullback");
    assertThat(width).contains("d - 1");
    assertThat(width).doesNotContain("m[0].length - 1");
    // a scratch row each component fills before reading it gets a row per component (as the
    // hand-written GMM gradient keeps one): its reads are not saved; the exp per component is
    // kept in a row of its own, read back by the backward pass: nothing on the tape
    String scratch = method(sweeps, "scratchPerComponentPullback");
    assertThat(scratch).contains("double[][] diff = new double[");
    assertThat(scratch).containsMatch("t\\d+Row\\[c\\] = t\\d+;");
    assertThat(scratch).doesNotContain("Tape");
    // GMM's two scratch rows: the centred point read again by the triangle, the product saved
    // nowhere; the loop over points fused; the adjoint of the product, qx dsq (the square's 2
    // applied once, to dsq), computed where the two backward loops read it, not stored in a row
    // by a loop of its own
    String gmm = method(sweeps, "centredThenTrianglePullback");
    assertThat(gmm).contains("double[][] qx = new double[k][d]");
    assertThat(gmm).contains("backward pass of this iteration, fused");
    assertThat(gmm).doesNotContain("dqx");
    assertThat(count(gmm, "dsq != 0.0 ? qx[c][j")).isEqualTo(2);
    // the centred point's adjoint, added into and then read and reset in the jammed loop, is
    // read with the addition rather than stored and loaded again
    String centred = method(sweeps, "centredTriangleSquaresPullback");
    assertThat(centred).containsMatch("double dt\\d+ = dxc\\[j\\d*\\] \\+ dt\\d+;");
    assertThat(centred).doesNotContainMatch("dxc\\[j\\d*\\] \\+= ");
    assertThat(gmm).contains("double[][] xc = new double[k][d]");
    // saved: exp per element (its loop is inside the component loop, which is not fused) and
    // the sum reset per component; no read of a row; sin per component kept in a row
    assertThat(count(gmm, "[doublesTop++] = ")).isEqualTo(2);
    assertThat(gmm).containsMatch("t\\d+Row\\[c\\] = t\\d+;");
    assertThat(gmm).doesNotContainMatch("t\\d+Row\\[j\\d*\\] = ");
    // the triangle's packed index ends every component at the same value: put back from it
    assertThat(gmm).contains("int lEnd = l;");
    assertThat(gmm).doesNotContain("intTape");
    // not when its walk grows with the component
    assertThat(method(sweeps, "unevenWalkPullback")).contains("ints[intsTop++] = l;");
    // read after the components, or ahead of the fill: one buffer
    assertThat(method(sweeps, "scratchReadAfterPullback")).contains("double[] diff = new double[d]");
    assertThat(method(sweeps, "fillReadsAheadPullback")).contains("double[] diff = new double[d]");
    // rows the user keeps per component, each filled per point before it is read: fused
    assertThat(method(sweeps, "rowsPerComponentPullback"))
        .contains("backward pass of this iteration, fused");
    // the maximum a log-sum-exp subtracts and adds back carries no derivative
    // (ShiftedLogSumExpsTest): no winner noted, no adjoint routed to it
    String lse = method(sweeps, "steadiedLogSumExpPullback");
    assertThat(lse).doesNotContain("mx2At");
    assertThat(lse).doesNotContain("dmx");
    assertThat(loops(lse)).isEqualTo(3); // the maximum, the sum and the sum's backward pass
    // the exponentials of a loop alone stay on the thread's tape (a row would be allocated)
    assertThat(count(lse, "[doublesTop++] = ")).isEqualTo(1);
    String minima = method(sweeps, "rowMinimaPullback");
    assertThat(minima).contains("mAt = ");
    assertThat(minima).doesNotContain("Tape");
    // a continue ends only its iteration: the loop stays counted, fused, and saves nothing
    for (String name : new String[] {"skipEveryThirdPullback", "positiveCubesPullback"}) {
      String skipping = method(sweeps, name);
      assertThat(skipping).contains("backward pass of this iteration, fused");
      assertThat(skipping).doesNotContain("trips");
      assertThat(skipping).doesNotContain("Tape");
    }
    // Horner's rule per point: the adjoint each step hands to the one before (dy = x * dy) is a
    // chain that, fused, waits for the point's own chain; the points' backward passes run in a
    // loop of their own, one double saved per point and nothing per step
    String polynomial = method(sweeps, "polynomialFitPullback");
    assertThat(polynomial).doesNotContain("fused");
    assertThat(count(polynomial, "[doublesTop++] = ")).isEqualTo(1);
    // not when each step's value is saved for the points' adjoints: fused, as before
    assertThat(method(sweeps, "polynomialFitAtPullback"))
        .contains("backward pass of this iteration, fused");
    // a dot product's adjoint is the same for every term: no chain, fused, nothing saved
    String linear = method(sweeps, "linearFitPullback");
    assertThat(linear).contains("backward pass of this iteration, fused");
    assertThat(linear).doesNotContain("Tape");
    // a loop inside a fused loop, its iterations independent too, runs each pair's backward
    // pass right after it: nothing saved per pair, one pass over the pairs
    String pairRepulsion = method(sweeps, "pairRepulsionPullback");
    assertThat(pairRepulsion).doesNotContain("trips");
    assertThat(pairRepulsion).doesNotContain("Tape");
    assertThat(count(pairRepulsion, "backward pass of this iteration, fused")).isEqualTo(1);
    assertThat(loops(pairRepulsion)).isEqualTo(2);
    // also when what follows it in the iteration adds into the same adjoint (dx[i])
    String kernel = method(sweeps, "kernelPlusSquaresPullback");
    assertThat(kernel).doesNotContain("Tape");
    assertThat(loops(kernel)).isEqualTo(2);
    // not when its backward pass needs an adjoint known only after it (tanh's, of the sum)
    assertThat(loops(method(sweeps, "tanhOfRowSumsPullback"))).isEqualTo(3);
    // a running minimum over values the iterations compute notes the iteration that won: its
    // value alone gets the adjoint, the others' backward passes are skipped, nothing is saved
    String nearest = method(sweeps, "nearestCentresPullback");
    assertThat(nearest).contains("bestAt = t");
    assertThat(nearest).doesNotContain("Tape");
    // only the winner's backward pass runs, as a person writes it: no loop over the centres
    assertThat(nearest).containsMatch("if \\(bestAt >= 0\\) \\{\\s*int c = bestAt;");
    assertThat(nearest).contains("double dd = dbest;");
    assertThat(nearest).doesNotContain("c == bestAt");
    assertThat(loops(nearest)).isEqualTo(4); // points, centres, coordinates; the winner's
    // not when every centre's backward pass adds something of its own (the spread)
    String spread = method(sweeps, "nearestPlusSpreadPullback");
    assertThat(spread).contains("double dd = c == bestAt ? dbest : 0.0;");
    assertThat(loops(spread)).isEqualTo(5);
    // and reads each centre's and each point's row once before the loop over coordinates
    assertThat(nearest).contains("// the rows the loop reads, taken once before it");
    // (unguarded: c counts the centres, centres[c] cannot throw)
    assertThat(nearest).contains("double[] centresRow = centres[c];");
    assertThat(nearest).contains("centresRow[k]");
    // a row taken only if its loop runs: rowFrom(m, 5, 0) never reads m[5]
    assertThat(method(sweeps, "rowFromPullback")).containsMatch("\\? m\\[r\\] : null;");
    // and, when the row is read in an inner loop, only if that loop runs too
    assertThat(method(sweeps, "innerRowPullback")).containsMatch("& 0 < n \\? m\\[r\\] : null;");
    String bestScore = method(sweeps, "bestScorePullback");
    assertThat(bestScore).contains("double ds = c == best2At ? dbest2 : 0.0;");
    assertThat(count(bestScore, "[doublesTop++] = ")).isEqualTo(1); // sin(w[c]), not best
    // a local of a fused iteration assigned in a branch (one assignment on each path) is not
    // saved for the iterations before, whose backward passes have run
    String leaky = method(sweeps, "leakySquaresPullback");
    assertThat(leaky).doesNotContain("Tape");
    // and the adjoint each branch declares is not reset to zero as the branch ends
    assertThat(leaky).doesNotContain("dy = 0.0;");
    assertThat(method(sweeps, "huberPullback")).doesNotContain("Tape");
    // do-while loops over a counter are counted loops (the first iteration runs whatever the
    // test says): no trip count, no while (true); the sum of products is fused
    // (also when the counter is read after the loop: it steps by ones, so it ends at the bound)
    for (String doWhile : List.of("hornerDo", "stridedDo", "countdownDo", "whileMean",
        "tailDo")) {
      String pullback = method(sweeps, doWhile + "Pullback");
      assertThat(pullback).doesNotContain("trips");
      assertThat(pullback).doesNotContain("while (true)");
    }
    assertThat(method(sweeps, "stridedDoPullback"))
        .contains("backward pass of this iteration, fused");
    // a neighbour chosen by a conditional (zero past the ends) is computed again, as the
    // conditional, from the step's array, which nothing overwrites: nothing saved per element
    String heat = method(sweeps, "heatStepsPullback");
    assertThat(heat).containsMatch("left = c\\d+ \\? u\\d+\\[i - 1\\] : 0.0;");
    assertThat(heat).containsMatch("right = c\\d+ \\? u\\d+\\[i \\+ 1\\] : 0.0;");
    // a value chosen where its old value is saved: one push before the choice, one pop after
    String picked = method(sweeps, "pickedValuePullback");
    assertThat(picked).containsMatch("v = c\\d+ \\? m\\[r\\d*\\]\\[j\\] : x\\[");
    assertThat(count(picked, "[doublesTop++] = v;")).isEqualTo(1);
    assertThat(count(picked, "v = doubles[--doublesTop];")).isEqualTo(1);
    // and the forward sweep chooses them as the source does, not by an if with two assignments
    assertThat(count(heat, "left = c")).isEqualTo(2);
    assertThat(heat).doesNotContain("} else {");
    assertThat(heat).doesNotContain("doubleTape");
    // not from an array the iteration then overwrites: what it chose is saved
    String inPlace = method(sweeps, "smoothedInPlacePullback");
    assertThat(count(inPlace, "left = c")).isEqualTo(1); // the forward sweep's choice only
    assertThat(inPlace).contains("doubleTape");

    // a count stepped only in the rows kept (seen++ after a continue) is counted by a loop of
    // its own before the loop, which then is fused and saves nothing
    String labelled = method(sweeps, "huberLabelledPullback");
    assertThat(labelled).contains("int seen2End = seen2;");
    assertThat(labelled).contains("seen2End++;");
    assertThat(labelled).contains("backward pass of this iteration, fused");
    assertThat(labelled).doesNotContain("Tape");
    assertThat(method(sweeps, "huberMaskedPullback")).contains("seen2End++;");
    // not when the count changes after the loop; a JDK method (Double.isNaN) never reaches the
    // tapes there: no hand-over of the tapes' tops around it, only one settle of each at the end
    String smoothed = method(sweeps, "huberSmoothedPullback");
    assertThat(smoothed).doesNotContain("End = ");
    assertThat(count(smoothed, ".settle(")).isEqualTo(2);
    assertThat(smoothed).contains("Double.isNaN(");
    // the two-layer net's backward loops over the hidden units: the one into a (with its inner
    // loop over the scores) and ReLU's are one loop, moved past the independent loop over the
    // scores' biases; a[h]'s adjoint, added into its row and read back at once, is the sum itself
    String layers = method(sweeps, "twoLayersPullback");
    assertThat(layers).doesNotContain("daRow");
    assertThat(layers).containsMatch("double dt\\d+ = b2.length - 1 >= 0 \\? daSum\\d+ : 0.0;");
    assertThat(layers).doesNotContain("Tape");
    // a count of the iterations (count++) is known before the loop: count + n; the sum's
    // adjoint, seed / count, with it; the loop is fused and saves nothing
    String counted = method(sweeps, "countedMeanPullback");
    assertThat(counted).contains("int count2End = count2 + n1;");
    assertThat(counted).contains("seed / count2End;");
    assertThat(counted).contains("backward pass of this iteration, fused");
    assertThat(counted).doesNotContain("Tape");
    // down by ones between bounds known at run time, stepping by -2
    String down = method(sweeps, "countedDownPullback");
    assertThat(down).containsMatch("int left2End = left2 - 2 \\* \\(from >= to \\? from - to \\+ 1 : 0\\);");
    assertThat(down).contains("backward pass of this iteration, fused");
    // not when the count changes after the loop
    assertThat(method(sweeps, "countedThenMovedPullback")).doesNotContain("End =");
    // outside a fused loop, the winner of each row is saved as the row's loop ends
    String product = method(sweeps, "rowMaximaProductPullback");
    assertThat(product).contains("ints[intsTop++] = mAt;");
    assertThat(count(product, "[intsTop++] = ")).isEqualTo(1);
    // one that carries values from component to component stays one buffer, its reads saved
    String carried = method(sweeps, "carriedPerComponentPullback");
    assertThat(carried).contains("double[] diff = new double[d]");
    assertThat(count(carried, "[doublesTop++] = ")).isGreaterThan(1);
    // q is filled in one loop and read in a later one: the backward sweep reads it again
    String vectorized = method(sweeps, "vectorizedPullback");
    assertThat(vectorized).doesNotContain("Tape");
    // rows written and read within one example, and arithmetic on them, are computed again
    assertThat(method(sweeps, "rowsPerExamplePullback")).doesNotContain("Tape");
    // x[2 i], read three times, receives the sum of its three contributions once
    String pairs = method(sweeps, "pairsPullback");
    assertThat(pairRepulsion).doesNotContain("Tape");
    assertThat(count(pairs, "dx[2 * i] +=")).isEqualTo(1);
    // 100 * a * a, Java's (100 a) a: a receives 200 a g at once, as by hand; the product
    // 100 a gets no adjoint (no zero added, no second multiplication) and is not read back
    assertThat(pairs).containsMatch("double da = 200 \\* a \\* dt\\d+;");
    assertThat(pairs).doesNotContain("100 * d");
    // its iterations share only the sum f: one loop, each iteration's backward pass fused in
    assertThat(pairs).doesNotContain("i--"); // no backward loop
    assertThat(pairs).contains("backward pass of this iteration, fused");
    // the textbook spelling, i + 1 < n; i += 2: counted, fused, nothing saved, like pairs
    String strided = method(sweeps, "stridedPullback");
    assertThat(strided).doesNotContain("Tape");
    assertThat(strided).doesNotContain("trips");
    assertThat(strided).contains("backward pass of this iteration, fused");
    // a strided recurrence runs backward from its last index, without counting its trips
    String recurrence = method(sweeps, "stridedRecurrencePullback");
    assertThat(recurrence).doesNotContain("trips");
    assertThat(recurrence).contains("i -= 3)");
    // downward loops, by 1, 2 or 3, run backward upward without counting their trips
    assertThat(method(sweeps, "hornerPullback")).doesNotContain("intTape");
    // while loops over an affine counter are counted loops too: nothing counted or saved but
    // what the recurrence needs, the strided one fused
    String hornerWhile = method(sweeps, "hornerWhilePullback");
    assertThat(hornerWhile).doesNotContain("intTape");
    assertThat(hornerWhile).doesNotContain("trips");
    assertThat(count(hornerWhile, "[doublesTop++] = ")).isEqualTo(1);
    // the recurrence's adjoint is assigned its one contribution, not reset to 0.0 and added
    // to (the JIT keeps 0.0 + v, which lengthens each step of the backward recurrence)
    assertThat(hornerWhile).doesNotContain("dp2 = 0.0;");
    assertThat(hornerWhile).contains("dp2 = x * ");
    // a running extreme kept by a branch notes its winner: nothing saved per element, the
    // winner's element alone gets the adjoint
    String byBranch = method(sweeps, "extremesByBranchPullback");
    assertThat(byBranch).doesNotContain("intTape");
    assertThat(byBranch).containsMatch("if \\(hi\\d*At >= 0\\)");
    assertThat(byBranch).containsMatch("if \\(lo\\d*At >= 0\\)");
    // while (k-- > 0) and while (++i < n) count: no trips, no counter saved (sin is)
    String countingDown = method(sweeps, "countingDownPullback");
    assertThat(countingDown).doesNotContain("intTape");
    assertThat(countingDown).doesNotContain("trips");
    // the counter stepped first, before a continue: still counted, fused and nothing saved
    String skip = method(sweeps, "stepThenSkipPullback");
    assertThat(skip).doesNotContain("Tape");
    assertThat(skip).doesNotContain("trips");
    assertThat(skip).contains("backward pass of this iteration, fused");
    String first = method(sweeps, "steppedFirstPullback");
    assertThat(first).doesNotContain("trips");
    assertThat(first).doesNotContain("intTape");
    // a counter of its own (k++) is undone in the backward sweep by k--, not saved, and the
    // element read at it is read again where its adjoint needs it: nothing saved at all
    String packed = method(sweeps, "packedPullback");
    assertThat(packed).doesNotContain("Tape");
    assertThat(packed).contains("k2--;");
    assertThat(packed).contains("dp[k2] +=");
    // k += 2 is undone by k - 2; the weight read before the counter moves is saved (the
    // counter differs where it is used), the bias read after it at k - 1 is not
    String interleaved = method(sweeps, "interleavedPullback");
    assertThat(interleaved).doesNotContain("intTape");
    assertThat(interleaved).contains("k2 = k2 - 2;");
    assertThat(interleaved).contains("dw[k2 - 1] +=");
    assertThat(interleaved).contains("doubles[doublesTop++] = weight;");
    assertThat(interleaved).doesNotContain("double t5 = 0.0;"); // the bias, not saved
    // w[k++] twice and w[++k - 1]: each read at the value Java gives it, nothing saved but
    // the tanh (the loop fuses: the counter is the iteration's own copy at each read)
    String inline = method(sweeps, "interleavedInlinePullback");
    assertThat(inline).doesNotContain("intTape");
    assertThat(inline).contains("backward pass of this iteration, fused");
    // a scratch row one loop fills (xc[i] = x[n][i] - means[k][i]) and later loops over the same
    // range read: the backward sweep computes x[n][i] - means[k][i] again at each read instead of
    // saving the element (only exp and, once per component, the sum s are saved; the product
    // with exp and log's argument 1 + s are computed again from them where they are read)
    String centered = method(sweeps, "centeredPullback");
    assertThat(count(centered, "[doublesTop++] = ")).isEqualTo(2);
    assertThat(centered).contains("doubles[doublesTop++] = s;");
    assertThat(centered).containsMatch("= dt\\d+ / \\(1 \\+ s\\);");
    assertThat(centered.lines()
        .filter(l -> l.matches(
            "\\s*double \\w+ = (.* \\? )?(x\\[n]|xRow\\d*)\\[\\w+] - (means\\[k]|meansRow\\d*)"
                + "\\[\\w+]( : 0\\.0)?;"))
        .count()).isEqualTo(2);
    // s[i + 1] read by two gates, its index computed twice: one read, one value saved (and
    // tanh's and sin's: 3 pushes, where the second read made 5; sin's argument is computed
    // again from the saved read where cos needs it)
    String twoGates = method(sweeps, "twoGatesPullback");
    assertThat(count(twoGates, "[doublesTop++] = ")).isEqualTo(3);
    assertThat(twoGates).containsMatch("Math.cos\\(t\\d+ \\* t\\d+\\)");
    // a counter moved by a parameter on one side of a branch and by 2 on the other: each side
    // undoes its own step, and the counter's final value is read after the loop; no tape
    String walk = method(sweeps, "sparseWalkPullback");
    assertThat(walk).doesNotContain("Tape");
    assertThat(walk).contains("k2 = k2 - step;");
    String stridedWhile = method(sweeps, "stridedWhilePullback");
    assertThat(stridedWhile).doesNotContain("Tape");
    assertThat(stridedWhile).contains("backward pass of this iteration, fused");
    // an array made per example and read after it is written: its elements are read again in
    // the backward pass (only tanh's value and the per-example sum are saved)
    String perExample = method(sweeps, "perExampleScratchPullback");
    assertThat(count(perExample, "[doublesTop++] = ")).isAtMost(2);
    // its adjoint, of a length known before the loop, is one array made there (not a buffer
    // variable assigned in each iteration); the example's backward pass takes every element and
    // sets it to zero, so it is zeros at the next example without clearing (hiddenRows' dzRow,
    // read without being set to zero, is cleared)
    assertThat(perExample).contains("double[] dhidden = new double[W.length];");
    assertThat(perExample).doesNotContain("Arrays.fill(dhidden");
    assertThat(perExample).contains("dhidden[h] = 0.0;");
    assertThat(perExample).doesNotContain("Shapes.zeroed");
    // the array itself is made once too, before the loop, and zeroed per example
    assertThat(perExample).contains("double[] hidden = new double[W.length];");
    assertThat(perExample).contains("java.util.Arrays.fill(hidden, 0.0);");
    // without the length it was made with in the loop (int t = W.length; new double[t])
    assertThat(perExample)
        .doesNotContainMatch("int t\\d+ = W\\.length;\\s+java\\.util\\.Arrays\\.fill");
    // a loop bounded by i + w.length <= x.length is counted (and here fused): no trip count,
    // the window's reads of x are read again, and its accumulator s, declared in the iteration,
    // is not saved at its re-initialisation (no earlier iteration's backward pass is left)
    String window = method(sweeps, "windowPullback");
    assertThat(window).doesNotContain("trips");
    assertThat(window).contains("fused");
    assertThat(window).doesNotContain("Tape");
    // its kernel's backward loop writes dw[t] only, at its own counter: it runs upward, as
    // written, where the JIT unrolls and vectorises it
    assertThat(window).contains("for (int t = 0; t < w.length; t++)");
    // a re-initialised accumulator saves nothing of its own (its += needs no value), and tanh's
    // value, stored into out[j], is read back from there: no tape at all
    assertThat(method(sweeps, "accumulatorPerRowPullback")).doesNotContain("Tape");
    // cs231n's hidden unit, z accumulated then max(0, z) stored: ReLU's derivative reads the
    // stored result (hidden[h] == 0), so the accumulator is not saved per unit
    String hiddenUnits = method(sweeps, "hiddenUnitsPullback");
    assertThat(hiddenUnits).doesNotContain("Tape");
    assertThat(hiddenUnits).contains("== 0 ? 0.0 : ");
    // its weights' adjoint, which the forward pass reads down columns (W[d][h] in the loop
    // over d), is written along rows: each unit's dz is left in dhidden[h], which its backward
    // iteration has just read, then the nest runs d outside, h inside, and dhidden is cleared
    assertThat(hiddenUnits).contains("dhidden[h] = dz;");
    assertThat(hiddenUnits).containsMatch("(?s)for \\(int d = 0; d < W.length; d\\+\\+\\) \\{\\s+"
        + "double t5 = (X\\[i\\]|XRow\\d*)\\[d\\];.*?for \\(int h = b.length - 1; h >= 0; h--\\) \\{\\s+"
        + "double dz2 = dhidden\\[h\\];");
    String columnLayer = method(sweeps, "columnLayerPullback");
    assertThat(columnLayer).contains("double dz2 = dhidden[h];");
    // the input's element dx[d], which every unit of the turned nest's inner loop adds into, is
    // summed in a local and added once, as a person sums a dot product
    assertThat(columnLayer).containsMatch("dxSum1 \\+= dt\\d+;");
    assertThat(columnLayer).contains("dx[d] += dxSum1;");
    // and its forward sweep sums each unit along W's rows, in hidden[h] itself
    assertThat(hiddenUnits).contains("// the sums taken along rows, each in hidden[h]");
    assertThat(hiddenUnits).containsMatch("(?s)for \\(int d = 0; d < W.length; d\\+\\+\\) \\{.*?"
        + "double t5 = (X\\[i\\]|XRow\\d*)\\[d\\];.*?for \\(int h = 0; h < t3; h\\+\\+\\) \\{.*?"
        + "hidden\\[h\\] \\+= t7;");
    // a backward nest that reads its adjoint dy[h] itself needs nothing carried to turn, and
    // the forward sums into y[h] are taken along rows in y itself
    String intoElements = method(sweeps, "columnIntoElementsPullback");
    assertThat(intoElements)
        .containsMatch("// the nest turned to walk rows\\n\\s+(// line .*\\n\\s+)?"
            + "for \\(int d = 0; d < W.length; d\\+\\+\\)");
    assertThat(intoElements)
        .containsMatch("// the sums taken along rows\\n\\s+(// line .*\\n\\s+)?"
            + "for \\(int d = 0; d < W.length; d\\+\\+\\)");
    // Gates.relu's derivative reads the stored result too (hidden[h] > 0): nothing saved
    String gated = method(sweeps, "gatedUnitsPullback");
    assertThat(gated).doesNotContain("Tape");
    assertThat(gated).contains("> 0 ? ");
    // not a sum that runs on from one unit to the next
    assertThat(method(sweeps, "runningColumnSumsPullback")).doesNotContain("taken along rows");

    // not where an element outside both counters (dc[0]) would receive its contributions in
    // another order
    assertThat(method(sweeps, "scaledColumnLayerPullback")).doesNotContain("dhidden[h] = dz;");
    // an adjoint matrix the fused example loop uses row by row is one row, made before the
    // loop and cleared per example
    String hiddenRows = method(sweeps, "hiddenRowsPullback");
    assertThat(hiddenRows).contains("double[] dzRow = new double[H];");
    assertThat(hiddenRows).contains("java.util.Arrays.fill(dzRow, 0.0);");
    assertThat(hiddenRows).doesNotContain("zerosLike");
    assertThat(hiddenRows).contains("fused");
    // so is z itself, once the example's backward pass is fused into its loop: one row, cleared
    // per example (the source accumulates into the fresh matrix's zeros)...
    assertThat(hiddenRows).contains("double[] zRow = new double[H];");
    assertThat(hiddenRows).contains("java.util.Arrays.fill(zRow, 0.0);");
    assertThat(hiddenRows.lines().filter(l -> l.trim().startsWith("double[][] z =")))
        .isEmpty();
    // ...not cleared where each example sets every element first (z[i][h] = b[h])
    String biased = method(sweeps, "hiddenRowsBiasedPullback");
    assertThat(biased).contains("double[] zRow = new double[H];");
    assertThat(biased).doesNotContain("java.util.Arrays.fill(zRow");
    // x[k]'s contributions over the inner loop are summed in a local, added once after it
    String columns = method(sweeps, "columnsPullback");
    assertThat(columns).contains("dxSum1 += ");
    assertThat(count(columns, "dx[k] +=")).isEqualTo(1);
    assertThat(columns).contains("dx[k] += dxSum1;");
    // q, reused by every point of a loop whose backward pass is fused into it, is read again in
    // the point's backward pass, before the next point writes it: nothing saved (one value per
    // element before the fused-loop rule, two before q[k] * q[k] was read once)
    String squared = method(sweeps, "squaredScratchPullback");
    assertThat(squared).doesNotContain("Tape");
    assertThat(squared).contains("backward pass of this iteration, fused");
    // and the inner loop runs each iteration's backward pass inside it (fused), as does the
    // outer one's: nothing saved
    assertThat(columns).doesNotContain("Tape");
    assertThat(count(columns, "backward pass of this iteration, fused")).isEqualTo(2);
    // iterations that add into one sum keep the backward order (the sum's rounding)
    assertThat(method(sweeps, "columnsSquaredPullback"))
        .contains("for (int j = W.length - 1; j >= 0; j--)");
    // a scratch buffer every point overwrites before reading: the point loop is fused, its
    // tape within one point; read before it is overwritten: not fused
    assertThat(method(sweeps, "scratchPerPointPullback")).contains("fused");
    assertThat(method(sweeps, "scratchReadFirstPullback")).doesNotContain("fused");
    // a loop calling a helper with scalar parameters is fused, its buffer reset per call;
    // not when the sum's adjoint comes from a call after the loop
    assertThat(method(sweeps, "callsInLoopPullback")).contains("fused");
    assertThat(method(sweeps, "callsInLoopPullback")).doesNotContain("Tape");
    assertThat(method(sweeps, "sumReadByLaterCallPullback")).doesNotContain("fused");
    // q[j] = q[j] + e, e + q[j] and q[j] - e are compound stores: the element's adjoint stays
    // in place (not taken out and added back); x[j] - q[j] * q[j] is a plain store
    String selfUpdated = method(sweeps, "selfUpdatedPullback");
    assertThat(selfUpdated).contains("q[j2] += t8;");
    assertThat(selfUpdated).contains("q[i] += t12;");
    assertThat(selfUpdated).contains("q[j3] -= t16;");
    assertThat(selfUpdated).contains("q[j3] = t22;");
    assertThat(selfUpdated).doesNotContain("dq[j2] = 0.0;");
    assertThat(selfUpdated).doesNotContain("dq[i] = 0.0;");
    // a pullback keeps the tape's top in a local; before it calls another sweep (here the
    // helper's backward pass, nested in an addition) it hands the top back to the tape
    String chain = method(sweeps, "dampedChainPullback");
    java.util.List<String> lines = chain.lines().map(String::trim).toList();
    for (int k = 0; k < lines.size(); k++) {
      if (lines.get(k).contains("dampedBackward(")) {
        assertThat(lines.get(k - 1)).isEqualTo("doubleTape.settle(doublesTop);");
        assertThat(lines.get(k + 1)).isEqualTo("doubles = doubleTape.values();");
      }
    }
    assertThat(chain).contains("dampedBackward(");
    // room on the tape: before the inner loop for all it pushes, then once for the run after
    // it, the if's branches included (at most 2 of them), not again in each branch
    String branchy = method(sweeps, "branchyTrianglePullback");
    assertThat(branchy).contains("doubles = doubleTape.reserve(doublesTop, (long) i);");
    assertThat(branchy).contains("doubles = doubleTape.reserve(doublesTop, 2);");
    assertThat(count(branchy, "reserve(")).isEqualTo(2);
    // a row of data under its own name (x = X[i], X not differentiated) is read in place: the
    // example loop fuses and saves no row reference
    String rowByName = method(sweeps, "rowByNamePullback");
    assertThat(rowByName).contains("backward pass of this iteration, fused");
    assertThat(rowByName).doesNotContain("Tape");
    // a helper of one double parameter: its value and backward pass in one call, the adjoint
    // back through the pullback's own buffer of scalar adjoints, borrowed: no buffer made
    String softplusSum = method(sweeps, "softplusSumPullback");
    assertThat(softplusSum).containsMatch(
        "double kept = dScalars\\[0\\];\\s*dScalars\\[0\\] = 0.0;\\s*double t\\d+ = "
            + "demo.LoopsGrad.softplusPullback\\(t\\d+, dt\\d+, dScalars\\);\\s*"
            + "double dArg = dScalars\\[0\\];\\s*dScalars\\[0\\] = kept;");
    assertThat(softplusSum).doesNotContain("dArgs");
    assertThat(softplusSum).doesNotContain("new double[");
    assertThat(softplusSum).contains("fused");
    // h = next: the states' reads are read again, and tanh's values read back from next[i],
    // where they were stored: no double saved
    String recurrent = method(sweeps, "recurrentPullback");
    assertThat(recurrent).doesNotContain("[doublesTop++] = ");
    assertThat(recurrent).doesNotContain("intTape");
    // the state's adjoint takes two buffers in turn, as a person keeps dh and dnext: none made
    // per step, each emptied before the tape gives the other back
    assertThat(recurrent).containsMatch(
        "dnext = dev.adjoint.Shapes.reused\\(dnextBeforeLast, t\\d+\\);");
    assertThat(recurrent).doesNotContain("dnext = new double");
    assertThat(recurrent).contains("java.util.Arrays.fill(dnext, 0.0);\n"
        + "      dnext = (double[]) arrayTape.pop();");
    // the states, assigned to one another (h = next), count as one array apart from W: the
    // backward loop over j, which adds into dh[j] and W's adjoint row at its own counter, runs
    // upward as a person writes it; the loop over i, whose dnext[i] dh may be, still downward
    assertThat(recurrent).containsMatch("\\n\\s+for \\(int j = 0; j < h2\\.length; j\\+\\+\\)");
    assertThat(recurrent).containsMatch("\\n\\s+for \\(int i = W\\.length - 1; i >= 0; i--\\)");
    assertThat(method(sweeps, "heatStepsPullback")).contains("Shapes.reused(");
    assertThat(method(sweeps, "shrinkingPullback")).contains("Shapes.reused(");
    // in a loop over sequences, each sequence's steps take two buffers of their own
    String sequences = method(sweeps, "sequencesPullback");
    assertThat(sequences).contains("Shapes.reused(");
    assertThat(count(sequences, "BeforeLast = null;")).isEqualTo(1);
    // a matrix handed on: two matrices taken in turn, emptied row by row
    String grid = method(sweeps, "gridStepsPullback");
    assertThat(grid).containsMatch(
        "dnext = dev.adjoint.Shapes.reused\\(dnextBeforeLast, t\\d+, t\\d+\\);");
    assertThat(grid).contains("dev.adjoint.Shapes.zero(dnext);");
    // two states each their own buffers; not one handed on under a condition
    String cellAndOutput = method(sweeps, "cellAndOutputPullback");
    assertThat(cellAndOutput).contains("dcNext = dev.adjoint.Shapes.reused(");
    assertThat(cellAndOutput).doesNotContain("dhNext = dev.adjoint.Shapes.reused(");
    // not where a state is read two steps later
    assertThat(method(sweeps, "twoStepRecurrencePullback")).doesNotContain("Shapes.reused(");
    // written after it is handed on: the reads of the state are saved
    assertThat(count(method(sweeps, "recurrentWrittenAfterPullback"), "[doublesTop++] = "))
        .isGreaterThan(2);
    // an array made per example and passed to a call is not copied for the call
    assertThat(method(sweeps, "scoresPerExamplePullback")).doesNotContain(".clone()");
    // a ReLU unit that is off contributes nothing to its weights: that loop is skipped
    assertThat(method(sweeps, "reluLayerPullback")).contains("if (dz != 0.0) {");
    // a counter read after its loop by ones is counted too: after it, it is the bound if the
    // loop ran, else where it started
    String counterAfter = method(sweeps, "counterAfterPullback");
    assertThat(counterAfter).doesNotContain("trips");
    assertThat(counterAfter).containsMatch("int k\\d+ = c\\d+ \\? t\\d+ : k;");
    String downward = method(sweeps, "downwardPullback");
    assertThat(downward).doesNotContain("trips");
    assertThat(downward).contains("k += 2)");
    // a loop whose values flow into the next iteration is not fused
    assertThat(method(sweeps, "cubePullback")).doesNotContain("fused");
    // a buffer every iteration overwrites, or an element another iteration reads, is saved
    assertThat(method(sweeps, "reusedBufferPullback")).contains("[doublesTop++] = ");
    assertThat(method(sweeps, "transposedPullback")).contains("[doublesTop++] = ");
    // a fused iteration's backward pass runs right after it, on its live values: an element
    // overwritten after it is read, and the iteration's own locals, need no saving
    assertThat(method(sweeps, "readThenWritePullback")).contains("fused");
    assertThat(method(sweeps, "readThenWritePullback")).doesNotContain("Tape");
  }

  /** The loops of a method's source (not its comments). */
  private static long loops(String method) {
    return method.lines().filter(line -> line.strip().startsWith("for (")).count();
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      count++;
    }
    return count;
  }
}
