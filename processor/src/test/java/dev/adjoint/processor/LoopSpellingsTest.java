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
 * Loops as Java programmers write them beyond the shapes of {@link LoopsAndArraysTest}: a for
 * loop whose test steps its counter ({@code for (int i = n; i-- > 0; )}, the counter declared
 * before it and read after, a continue in its body), and the same test with an update or a body
 * that moves the counter too, which stay ordinary loops; the nearest or largest of values the
 * iterations compute, kept by a branch ({@code if (d < best) { best = d; bestC = c; }}), and
 * beside them branches the rule must leave alone; values stored into an array that is then
 * overwritten in place (a softmax's {@code p[j] = Math.exp(p[j] - max)}, then
 * {@code p[j] /= sum}); a square root of the loop's constants inside it, and batch norm's mean,
 * summed, divided, then read per example; a recurrent state in two buffers swapped each step,
 * and elements rewritten in place from their neighbours. Each against Hipparchus and finite
 * differences.
 */
class LoopSpellingsTest {
  static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import java.util.Arrays;

      public final class Spelled {
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

        /** k-means' cost with the nearest centre kept by a branch. */
        @Differentiable
        public static double nearestByBranch(double[][] centres, double[][] points) {
          double total = 0;
          for (double[] p : points) {
            double best = Double.POSITIVE_INFINITY;
            for (double[] c : centres) {
              double d = 0;
              for (int j = 0; j < p.length; j++) {
                double t = p[j] - c[j];
                d += t * t;
              }
              if (d < best) best = d;
            }
            total += best;
          }
          return total;
        }

        /** The same with the nearest centre's index kept beside its distance and read after. */
        @Differentiable
        public static double nearestWithIndex(double[][] centres, double[][] points, double w) {
          double total = 0;
          for (int q = 0; q < points.length; q++) {
            double best = Double.POSITIVE_INFINITY;
            int nearest = -1;
            for (int c = 0; c < centres.length; c++) {
              double d = 0;
              for (int j = 0; j < points[q].length; j++) {
                double t = points[q][j] - centres[c][j];
                d += t * t;
              }
              if (best > d) {
                best = d;
                nearest = c;
              }
            }
            total += best * w + nearest;
          }
          return total;
        }

        /** The largest logit, the last of equal ones winning (>=), from a start that may win. */
        @Differentiable
        public static double largestLogit(double[] z, double w, double start) {
          double max = start;
          for (int i = 0; i < z.length; i++) {
            double v = z[i] * w;
            if (v >= max) {
              max = v;
            }
          }
          double sum = 0;
          for (int i = 0; i < z.length; i++) {
            sum += Math.exp(z[i] * w - max);
          }
          return Math.log(sum) + max;
        }

        /** The log-probability of the largest logit: the maximum is more than the shift. */
        @Differentiable
        public static double largestLogProbability(double[] z, double w, double start) {
          double max = start;
          for (int i = 0; i < z.length; i++) {
            double v = z[i] * w;
            if (v >= max) {
              max = v;
            }
          }
          double sum = 0;
          for (int i = 0; i < z.length; i++) {
            sum += Math.exp(z[i] * w - max);
          }
          return max - (Math.log(sum) + max);
        }

        /**
         * Rows of a matrix taken once per loop over its rows (m[i] cannot throw), and of one
         * counted by another array's length (m[i] may be past its end where the inner loop
         * does not run: taken only where it runs).
         */
        @Differentiable
        public static double rowsCounted(double[][] m, double[] x, int k) {
          double s = 0;
          for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < x.length; j++) {
              s += m[i][j] * x[j];
            }
          }
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < k; j++) {
              s += m[i][j] * m[i][j] * x[i];
            }
          }
          return s;
        }

        /** The branch also adds to a sum: an ordinary branch, its tests saved. */
        @Differentiable
        public static double branchDoesMore(double[] z, double w) {
          double best = 0;
          double s = 0;
          for (int i = 0; i < z.length; i++) {
            double v = Math.sin(z[i] * w);
            if (v > best) {
              best = v;
              s += v * v;
            }
          }
          return best + s;
        }

        /** The running value read in the loop after its branch: an ordinary branch. */
        @Differentiable
        public static double readInTheLoop(double[] z, double w) {
          double best = z[0];
          double s = 0;
          for (int i = 0; i < z.length; i++) {
            double v = z[i] * w;
            if (v < best) best = v;
            s += best * v;
          }
          return s;
        }

        /** cs231n's softmax loss with the probabilities computed in place. */
        @Differentiable
        public static double softmaxInPlace(double[] z, int y) {
          double[] p = z.clone();
          double max = p[0];
          for (int j = 1; j < p.length; j++) {
            if (p[j] > max) max = p[j];
          }
          double sum = 0;
          for (int j = 0; j < p.length; j++) {
            p[j] = Math.exp(p[j] - max);
            sum += p[j];
          }
          for (int j = 0; j < p.length; j++) {
            p[j] /= sum;
          }
          return -Math.log(p[y]);
        }

        /** Rewritten in place on every pass of an outer loop: no pass's write is the last. */
        @Differentiable
        public static double rewrittenPerPass(double[] z, double w) {
          double[] p = new double[z.length];
          double s = 0;
          for (int pass = 0; pass < 3; pass++) {
            for (int j = 0; j < z.length; j++) {
              p[j] = Math.tanh(z[j] * w + p[j]);
            }
            s += p[pass % z.length];
          }
          return s + p[0] * p[z.length - 1];
        }

        /** Stored only where a branch is taken: the element may hold something else. */
        @Differentiable
        public static double storedByABranch(double[] z) {
          double[] p = new double[z.length];
          double s = 0;
          for (int j = 0; j < z.length; j++) {
            double t = Math.exp(z[j]);
            s += t;
            if (z[j] > 0) p[j] = t;
          }
          for (int j = 0; j < z.length; j++) {
            s += p[j] * p[j];
          }
          return s;
        }

        /**
         * Attention's scores, scaled by a square root the loop recomputes every key, in a decaying
         * sum (an adjoint flows from each iteration to the one before: no fusion).
         */
        @Differentiable
        public static double scaledScores(double[] q, double[][] k) {
          double s = 0;
          for (int i = 0; i < k.length; i++) {
            double dot = 0;
            for (int d = 0; d < q.length; d++) {
              dot += q[d] * k[i][d];
            }
            double a = dot / Math.sqrt(q.length);
            s = 0.9 * s + a * a * a;
          }
          return s;
        }

        /** Batch norm per feature: the mean is summed, divided, then read per example. */
        @Differentiable
        public static double batchNorm(double[][] x, double[] gamma) {
          int n = x.length;
          double loss = 0;
          for (int j = 0; j < gamma.length; j++) {
            double mu = 0;
            for (int i = 0; i < n; i++) {
              mu += x[i][j];
            }
            mu /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
              double d = x[i][j] - mu;
              var += d * d;
            }
            var /= n;
            double inv = 1.0 / Math.sqrt(var + 1e-5);
            for (int i = 0; i < n; i++) {
              double y = gamma[j] * (x[i][j] - mu) * inv;
              loss += y * y * y;
            }
          }
          return loss;
        }

        /** A recurrent state in two buffers, swapped each step instead of allocating one. */
        @Differentiable
        public static double rnnTwoBuffers(double[][] w, double[] x) {
          int h = w.length;
          double[] state = new double[h];
          double[] next = new double[h];
          for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < h; j++) {
              double z = x[t];
              for (int k = 0; k < state.length; k++) {
                z += w[j][k] * state[k];
              }
              next[j] = Math.tanh(z);
            }
            double[] tmp = state;
            state = next;
            next = tmp;
          }
          double s = 0;
          for (int j = 0; j < h; j++) {
            s += state[j] * state[j];
          }
          return s;
        }

        /**
         * The same state, its loss read through a residual per unit after the last step, then
         * the state read once more (as the RNN benchmark's rnnBuffers does).
         */
        @Differentiable
        public static double rnnResidual(double[][] w, double[] x, double[] target) {
          int h = w.length;
          double[] state = new double[h];
          double[] next = new double[h];
          for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < h; j++) {
              double z = x[t];
              for (int k = 0; k < state.length; k++) {
                z += w[j][k] * state[k];
              }
              next[j] = Math.tanh(z);
            }
            double[] tmp = state;
            state = next;
            next = tmp;
          }
          double loss = 0;
          for (int j = 0; j < h; j++) {
            double e = state[j] - target[j];
            loss += e * e;
          }
          return loss * state[0];
        }

        /**
         * The state read at the end of each step, after the swap: the next step writes it again,
         * so that read is no read after the last write.
         */
        @Differentiable
        public static double readEachStep(double[] x, double c) {
          double[] state = x.clone();
          double[] next = new double[x.length];
          double s = 0;
          for (int t = 0; t < 3; t++) {
            for (int i = 0; i < x.length; i++) {
              next[i] = Math.sin(c * state[i]) + state[i];
            }
            double[] tmp = state;
            state = next;
            next = tmp;
            double e = state[0] * c - 0.5;
            s += e * e;
          }
          return s;
        }

        /** Three buffers turned round each step: the oldest becomes the next one written. */
        @Differentiable
        public static double threeBuffers(double[] x, double c) {
          double[] older = x.clone();
          double[] old = x.clone();
          double[] next = new double[x.length];
          for (int t = 0; t < 4; t++) {
            for (int i = 0; i < x.length; i++) {
              next[i] = Math.sin(c * old[i]) + 0.5 * older[i];
            }
            double[] spare = older;
            older = old;
            old = next;
            next = spare;
          }
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += old[i] * older[i];
          }
          return s;
        }

        /** A grid relaxed into a second grid, the two swapped each sweep (Jacobi). */
        @Differentiable
        public static double jacobiGrid(double[][] u0, double w) {
          int n = u0.length;
          int m = u0[0].length;
          double[][] u = new double[n][m];
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
              u[i][j] = u0[i][j];
            }
          }
          double[][] v = new double[n][m];
          for (int sweep = 0; sweep < 3; sweep++) {
            for (int i = 1; i + 1 < n; i++) {
              for (int j = 0; j < m; j++) {
                v[i][j] = w * 0.5 * (u[i - 1][j] + u[i + 1][j]) + (1 - w) * Math.sin(u[i][j]);
              }
            }
            double[][] swap = u;
            u = v;
            v = swap;
          }
          double e = 0;
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
              e += u[i][j] * u[i][j] + v[i][j];
            }
          }
          return e;
        }

        /** Index lists swapped each round: the order the next round reads the elements in. */
        @Differentiable
        public static double indexBuffers(double[] x, double c) {
          int[] order = new int[x.length];
          int[] spare = new int[x.length];
          for (int i = 0; i < x.length; i++) {
            order[i] = i;
          }
          double s = 0;
          for (int r = 0; r < 3; r++) {
            for (int i = 0; i < x.length; i++) {
              s += Math.sin(c * x[order[i]]) * (r + 1);
              spare[i] = order[(i + 1) % order.length];
            }
            int[] t = order;
            order = spare;
            spare = t;
          }
          return s;
        }

        /** Buffers swapped through a variable declared before the loop and read after it. */
        @Differentiable
        public static double swapThroughOuter(double[] x, double c) {
          double[] a = x.clone();
          double[] b = new double[x.length];
          double[] spare = b;
          for (int t = 0; t < 3; t++) {
            for (int i = 0; i < x.length; i++) {
              b[i] = Math.tanh(c * a[i]) + a[(i + 1) % a.length];
            }
            spare = a;
            a = b;
            b = spare;
          }
          return a[0] * spare[spare.length - 1] + a[a.length - 1];
        }

        /** Buffers swapped every other step, by a branch. */
        @Differentiable
        public static double swapEveryOtherStep(double[] x, double c) {
          double[] a = x.clone();
          double[] b = new double[x.length];
          for (int t = 0; t < 5; t++) {
            for (int i = 0; i < x.length; i++) {
              b[i] = 0.5 * b[i] + Math.sin(c * a[i]);
            }
            if (t % 2 == 1) {
              double[] tmp = a;
              a = b;
              b = tmp;
            }
          }
          return a[0] * b[b.length - 1] + a[a.length - 1];
        }

        /** Sweeps rewriting each element in place from its neighbours' newest values. */
        @Differentiable
        public static double inPlaceSweeps(double[] u0, double w) {
          double[] u = u0.clone();
          for (int sweep = 0; sweep < 3; sweep++) {
            for (int i = 1; i + 1 < u.length; i++) {
              for (int k = 0; k < 2; k++) {
                u[i] = Math.sin(w * u[i - 1]) + 0.5 * u[i + 1] * u[i];
              }
            }
          }
          double e = 0;
          for (int i = 0; i < u.length; i++) {
            e += u[i] * u[i];
          }
          return e;
        }

        /** Elements added into in place, each from its neighbour, per column of m. */
        @Differentiable
        public static double addedInPlace(double[] u, double[][] m) {
          double[] y = u.clone();
          for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
              y[i] += Math.expm1(Math.sin(y[(i + 1) % y.length]));
              y[j % y.length] -= y[0] / (Math.abs(Math.sinh(Math.sin(u[i]))) + 0.5);
            }
          }
          return y[2] + m[0][0];
        }

        /** An element read, overwritten, and its old value used after the write. */
        @Differentiable
        public static double readThenOverwrite(double[] x, double w) {
          double[] u = x.clone();
          double s = 0;
          for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < u.length; i++) {
              double t = u[i];
              u[i] = Math.sin(t * w);
              s += t * t * u[i];
            }
          }
          return s;
        }

        /** Exponential smoothing: the forecast is the state, which each step then moves. */
        @Differentiable
        public static double smoothing(double[] x, double alpha) {
          double s = x[0];
          double err = 0;
          for (int t = 1; t < x.length; t++) {
            double forecast = s;
            err += (x[t] - forecast) * (x[t] - forecast);
            s = alpha * x[t] + (1 - alpha) * s;
          }
          return err;
        }

        /** Holt's linear trend: two states, the new level passed on to the old one's name. */
        @Differentiable
        public static double holt(double[] x, double a, double b) {
          double level = x[0];
          double trend = 0;
          double err = 0;
          for (int t = 1; t < x.length; t++) {
            double forecast = level + trend;
            double e = x[t] - forecast;
            err += e * e;
            double newLevel = a * x[t] + (1 - a) * forecast;
            trend = b * (newLevel - level) + (1 - b) * trend;
            level = newLevel;
          }
          return err;
        }

        /** Heun's method: both slopes and the step are read from the state before it moves. */
        @Differentiable
        public static double heun(double y0, double a) {
          double y = y0;
          double h = 0.01;
          for (int i = 0; i < 100; i++) {
            double k1 = -a * y * y;
            double k2 = -a * (y + h * k1) * (y + h * k1);
            y = y + 0.5 * h * (k1 + k2);
          }
          return y;
        }

        /** A scalar Kalman filter's negative log-likelihood: two states, a gain per step. */
        @Differentiable
        public static double kalman(double[] z, double q, double r) {
          double xhat = 0;
          double p = 1;
          double nll = 0;
          for (int t = 0; t < z.length; t++) {
            double pPred = p + q;
            double s = pPred + r;
            double innovation = z[t] - xhat;
            nll += Math.log(s) + innovation * innovation / s;
            double gain = pPred / s;
            xhat = xhat + gain * innovation;
            p = (1 - gain) * pPred;
          }
          return nll;
        }

        /** A pair of states moved along, the first's old value kept in a local. */
        @Differentiable
        public static double pair(double a, double b) {
          double x = a;
          double y = b;
          double s = 0;
          for (int i = 0; i < 12; i++) {
            double previous = x;
            x = y;
            y = Math.sin(previous) + 0.5 * y;
            s += x * previous;
          }
          return s + y;
        }

        /** The previous value kept before a branch moves the state one way or the other. */
        @Differentiable
        public static double eitherWay(double[] xs, double w) {
          double v = 0.5;
          double s = 0;
          for (double x : xs) {
            double before = v;
            if (x > 0) {
              v = v * w;
            } else {
              v = Math.tanh(v + x);
            }
            s += before * v;
          }
          return s;
        }

        /** A state's previous value kept until a jump stops the walk. */
        @Differentiable
        public static double untilJump(double[] x, double w) {
          double s = 0;
          double v = 1;
          int i = 0;
          while (i < x.length) {
            double old = v;
            v = v * w + x[i];
            double jump = v - old;
            if (jump > 5) {
              break;
            }
            s += jump * old;
            i++;
          }
          return s + v;
        }

        /** A residual written twice in its square, as the formula reads. */
        @Differentiable
        public static double squaredResiduals(double[] x, double[] y, double w) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += (w * x[i] - y[i]) * (w * x[i] - y[i]) / (1 + w * w);
          }
          return s;
        }

        /**
         * Matrix factorisation over the observed entries, rows named through index arrays, then
         * a penalty on u adding into the same loss.
         */
        @Differentiable(wrt = {"u", "v"})
        public static double factorise(double[][] u, double[][] v, int[] rows, int[] cols,
            double[] r, double lambda) {
          double loss = 0;
          for (int e = 0; e < r.length; e++) {
            double[] ui = u[rows[e]];
            double[] vj = v[cols[e]];
            double pred = 0;
            for (int f = 0; f < ui.length; f++) {
              pred += ui[f] * vj[f];
            }
            double err = r[e] - pred;
            loss += err * err;
          }
          for (double[] row : u) {
            for (double a : row) {
              loss += lambda * a * a;
            }
          }
          return loss;
        }

        /**
         * A sum copied, then summed on: its later value only steers a loop, so no derivative
         * reaches v (the second loop's backward pass reads an adjoint of zero).
         */
        @Differentiable
        public static double steeredBySum(double[] u, double[] v) {
          double s = 0;
          for (int i = 0; i < u.length; i++) {
            s += Math.abs(u[i]);
          }
          double t = s;
          for (int i = 0; i < v.length; i++) {
            s += Math.sin(v[i]);
          }
          int k = 0;
          while (k < 3 && s < 50) {
            k++;
          }
          return 3 * t + k;
        }

        /** A sum that returns as soon as it passes a threshold. */
        @Differentiable
        public static double untilOver(double[] x, double w) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += Math.sin(w * x[i]);
            if (s > 1) {
              return s * w;
            }
          }
          return s;
        }

        /** A hidden layer's scratch buffer, cleared by Arrays.fill for each example. */
        @Differentiable(wrt = {"w"})
        public static double clearedPerExample(double[][] w, double[][] xs) {
          double[] h = new double[w.length];
          double loss = 0;
          for (double[] x : xs) {
            Arrays.fill(h, 0.0);
            for (int j = 0; j < w.length; j++) {
              for (int k = 0; k < x.length; k++) {
                h[j] += w[j][k] * x[k];
              }
            }
            for (int j = 0; j < h.length; j++) {
              loss += Math.log1p(Math.exp(h[j]));
            }
          }
          return loss;
        }

        /** A local reassigned step by step, each step reading the value before. */
        @Differentiable
        public static double squareThenSquash(double[] x, double w) {
          double sum = 0;
          for (int i = 0; i < x.length; i++) {
            double s = x[i] * w;
            s = s * s;
            s = Math.tanh(s) + s;
            sum += s * x[i];
          }
          return sum;
        }

        /** The same with one step under a branch, which keeps the local one variable. */
        @Differentiable
        public static double squashedWhenLarge(double[] x, double w) {
          double sum = 0;
          for (int i = 0; i < x.length; i++) {
            double s = x[i] * w;
            s = s * s + x[i];
            if (s > 0.5) {
              s = Math.sqrt(s);
            }
            s = s * w;
            sum += s;
          }
          return sum;
        }

        /** The same state read after a statement that moves it: the error needs the old one. */
        @Differentiable
        public static double smoothingLate(double[] x, double alpha) {
          double s = x[0];
          double err = 0;
          for (int t = 1; t < x.length; t++) {
            double e = x[t] - s;
            s = alpha * x[t] + (1 - alpha) * s;
            err += e * e * s;
          }
          return err;
        }

        /** A mask the caller gives as booleans: masked units add nothing. */
        @Differentiable
        public static double maskedSquares(double[] x, boolean[] keep) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            if (keep[i]) {
              s += x[i] * x[i];
            }
          }
          return s;
        }

        /** Which units fired, noted in a local mask, then read by a second pass. */
        @Differentiable
        public static double firedThenScaled(double[] x, double[] w) {
          boolean[] fired = new boolean[x.length];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            double z = w[i] * x[i];
            fired[i] = z > 0;
            s += fired[i] ? z : 0.0;
          }
          double t = 0;
          for (int i = 0; i < x.length; i++) {
            if (fired[i]) {
              t += Math.sin(w[i]) * s;
            }
          }
          return t;
        }

        /**
         * A flag overwritten every step (its one element: the backward sweep needs each step's
         * value), a copy of the caller's flags written and read, a for-each over them, and a
         * call handing them on.
         */
        @Differentiable
        public static double flagsEachStep(double[] x, boolean[] flags) {
          boolean[] state = new boolean[1];
          boolean[] f = flags.clone();
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            state[0] = x[i] > 0.5;
            f[i] = !f[i] || state[0];
            s += state[0] ? x[i] * x[i] : Math.sin(x[i]);
          }
          int k = 0;
          for (boolean on : f) {
            s += on ? Math.exp(x[k]) : 0.0;
            k++;
          }
          java.util.Arrays.fill(f, false);
          return s * maskedSquares(x, flags) + (f[0] ? 1.0 : x[0]);
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
    double[][] centres = {{0.1, 0.2}, {1.0, -0.5}, {-0.8, 0.9}};
    double[][] points = {{0.3, 0.1}, {0.9, -0.2}, {-0.5, 0.7}, {0.2, 0.4}};
    return Stream.of(
        Arguments.of("hornerDown", new Object[] {x, 0.8}),
        Arguments.of("hornerDown", new Object[] {new double[] {}, 0.8}),
        Arguments.of("stepFirstUp", new Object[] {x, 0.8}),
        Arguments.of("counterReadAfter", new Object[] {x, 0.8}),
        Arguments.of("counterReadAfter", new Object[] {new double[] {}, 0.8}),
        Arguments.of("skipNegatives", new Object[] {x, 0.8}),
        Arguments.of("testAndUpdate", new Object[] {x}),
        Arguments.of("testAndUpdate", new Object[] {new double[] {0.4}}),
        Arguments.of("bodyMovesTheCounter", new Object[] {x, 0.8}),
        Arguments.of("nearestByBranch", new Object[] {centres, points}),
        Arguments.of("nearestWithIndex", new Object[] {centres, points, 0.7}),
        Arguments.of("nearestWithIndex", new Object[] {centres, new double[][] {}, 0.7}),
        // ties: the last of the equal logits wins, as the branch does
        Arguments.of("largestLogit", new Object[] {new double[] {0.3, 1.2, -0.4, 1.2}, 0.8,
            -5.0}),
        Arguments.of("largestLogit", new Object[] {new double[] {0.3, -0.7}, 0.8, 2.0}),
        Arguments.of("largestLogProbability", new Object[] {new double[] {0.3, 1.2, -0.4, 0.9},
            0.8, -5.0}),
        Arguments.of("largestLogProbability", new Object[] {new double[] {0.3, -0.7}, 0.8, 2.0}),
        // x longer than m, k = 0: the second loops never read m[2]
        Arguments.of("rowsCounted", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}}, new double[] {0.4, -1.2, 0.8}, 0}),
        Arguments.of("rowsCounted", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}}, new double[] {0.4, -1.2}, 2}),
        Arguments.of("branchDoesMore", new Object[] {x, 0.8}),
        Arguments.of("readInTheLoop", new Object[] {x, 0.8}),
        Arguments.of("softmaxInPlace", new Object[] {x, 2}),
        Arguments.of("softmaxInPlace", new Object[] {new double[] {0.5}, 0}),
        Arguments.of("rewrittenPerPass", new Object[] {x, 0.8}),
        Arguments.of("storedByABranch", new Object[] {x}),
        Arguments.of("scaledScores", new Object[] {new double[] {0.3, -0.7}, points}),
        Arguments.of("batchNorm", new Object[] {points, new double[] {0.8, -1.3}}),
        Arguments.of("rnnTwoBuffers", new Object[] {new double[][] {{0.5, -0.3, 0.8},
            {-0.6, 0.2, 0.4}, {0.1, 0.9, -0.7}}, x}),
        Arguments.of("rnnTwoBuffers", new Object[] {new double[][] {{0.5}}, new double[] {}}),
        Arguments.of("rnnResidual", new Object[] {new double[][] {{0.5, -0.3, 0.8},
            {-0.6, 0.2, 0.4}, {0.1, 0.9, -0.7}}, x, new double[] {0.2, -0.5, 0.7}}),
        Arguments.of("readEachStep", new Object[] {x, 0.8}),
        Arguments.of("threeBuffers", new Object[] {x, 0.8}),
        Arguments.of("threeBuffers", new Object[] {new double[] {}, 0.8}),
        Arguments.of("jacobiGrid", new Object[] {new double[][] {{0.3, -0.7, 0.9},
            {1.2, -0.4, 0.6}, {0.5, 0.1, -0.2}, {0.8, 0.3, -0.6}}, 0.7}),
        Arguments.of("indexBuffers", new Object[] {x, 0.8}),
        Arguments.of("swapThroughOuter", new Object[] {x, 0.8}),
        Arguments.of("swapEveryOtherStep", new Object[] {x, 0.8}),
        Arguments.of("inPlaceSweeps", new Object[] {x, 0.8}),
        Arguments.of("readThenOverwrite", new Object[] {x, 0.8}),
        Arguments.of("smoothing", new Object[] {x, 0.3}),
        Arguments.of("smoothing", new Object[] {new double[] {0.5}, 0.3}),
        Arguments.of("smoothingLate", new Object[] {x, 0.3}),
        Arguments.of("holt", new Object[] {x, 0.3, 0.6}),
        Arguments.of("heun", new Object[] {0.8, 1.3}),
        Arguments.of("pair", new Object[] {0.4, -0.9}),
        Arguments.of("squaredResiduals", new Object[] {x, new double[] {0.5, 0.1, -0.2, 0.8,
            0.3, -0.6}, 0.7}),
        Arguments.of("untilJump", new Object[] {x, 0.8}),
        Arguments.of("eitherWay", new Object[] {x, 0.8}),
        Arguments.of("untilJump", new Object[] {new double[] {0.3, 6.0, 0.2}, 0.8}),
        Arguments.of("kalman", new Object[] {x, 0.2, 0.5}),
        Arguments.of("clearedPerExample", new Object[] {centres, points}),
        Arguments.of("squareThenSquash", new Object[] {x, 0.8}),
        Arguments.of("squashedWhenLarge", new Object[] {x, 0.8}),
        Arguments.of("untilOver", new Object[] {x, 0.8}), // returns at i = 3
        Arguments.of("untilOver", new Object[] {x, -0.3}), // runs to the end
        Arguments.of("steeredBySum", new Object[] {x, new double[] {0.5, -1.1, 0.2}}),
        // entries repeating a row and a column: their adjoints add up
        Arguments.of("factorise", new Object[] {centres, points, new int[] {0, 2, 0, 1, 2},
            new int[] {1, 3, 1, 0, 2}, new double[] {0.5, -0.3, 0.8, 0.1, 0.4}, 0.05}),
        Arguments.of("addedInPlace", new Object[] {new double[] {-1.35, -1.27, -1.27},
            new double[][] {{0.01, -0.02, 0.29}, {-0.98, -0.94, -0.68}}}),
        Arguments.of("maskedSquares", new Object[] {x,
            new boolean[] {true, false, true, true, false, true}}),
        Arguments.of("firedThenScaled", new Object[] {x, new double[] {0.5, 1.1, -0.2, 0.7,
            0.4, -0.9}}),
        Arguments.of("flagsEachStep", new Object[] {x,
            new boolean[] {false, true, true, false, false, true}}));
  }

  /** How many statements of a generated method save a double on the tape. */
  private static int saves(String method) {
    return matches(method, "\\[doublesTop\\+\\+\\] = ");
  }

  /** How many times {@code regex} matches in {@code method}. */
  private static int matches(String method, String regex) {
    return method.split(regex, -1).length - 1;
  }

  @ParameterizedTest(name = "{0}{1}")
  @MethodSource("cases")
  void matchesOracles(String method, Object[] args) {
    assertGradient(compiled, SOURCE, method, args);
  }

  @Test
  void aForLoopsSteppingTestCounts() {
    String sweeps = compiled.generatedSource("demo.SpelledSweeps");
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
    assertThat(saves(horner)).isEqualTo(1);
    assertThat(horner).contains("doubles[doublesTop++] = s2;");
    // with an update, or a body that moves the counter, the trips are counted
    assertThat(method(sweeps, "testAndUpdatePullback")).contains("trips");
  }

  @Test
  void aRowIsTakenWithoutATestWhereItCannotThrow() {
    String body = method(compiled.generatedSource("demo.SpelledSweeps"), "rowsCountedPullback");
    // m[i] for i counting m's rows: taken as it is
    assertThat(body).contains("double[] mRow = m[i];");
    // m[i] for i counting x's elements: only where the loop over j runs
    assertThat(body).containsMatch("double\\[\\] mRow\\d+ = 0 < k \\? m\\[i\\d*\\] : null;");
  }

  @Test
  void aBranchKeepingTheNearestVisitsTheWinnerOnly() {
    String sweeps = compiled.generatedSource("demo.SpelledSweeps");
    // the iteration that won is noted; nothing saved per centre, and the backward pass of the
    // loop over centres runs the winner's iteration alone
    for (String chosen : List.of("nearestByBranch", "nearestWithIndex")) {
      String body = method(sweeps, chosen + "Pullback");
      assertThat(body).doesNotContain("Tape");
      assertThat(body).containsMatch("if \\(bestAt >= 0\\) \\{\\s+int \\w+ = bestAt;");
    }
    // the largest logit's log-probability: its loop saves nothing (the exponentials' loop
    // saves its values)
    String logit = method(sweeps, "largestLogProbabilityPullback");
    assertThat(logit).doesNotContain("intTape");
    assertThat(logit).containsMatch("max\\d*At = c\\d+ \\? i : max\\d*At;");
    // where the maximum is only a log-sum-exp's shift, nothing at all (ShiftedLogSumExpsTest)
    assertThat(method(sweeps, "largestLogitPullback")).doesNotContain("maxAt");
    // a branch that does more, or a running value read in the loop: their tests are saved
    assertThat(method(sweeps, "branchDoesMorePullback")).contains("intTape");
    assertThat(method(sweeps, "readInTheLoopPullback")).contains("intTape");
  }

  @Test
  void theLastWriteOfAnArrayIsReadBackInsteadOfSaved() {
    String sweeps = compiled.generatedSource("demo.SpelledSweeps");
    // p[j] /= sum is p's last write: its quotient is read back from p[j]; the exponential,
    // which the division overwrites, is the one value saved per element
    String softmax = method(sweeps, "softmaxInPlacePullback");
    assertThat(saves(softmax)).isEqualTo(1);
    assertThat(softmax).containsMatch("double t\\d+ = p\\[j\\d*\\];");
    // rewritten on every pass of an outer loop: each pass's values are saved
    assertThat(method(sweeps, "rewrittenPerPassPullback")).contains("doubles[doublesTop++]");
  }

  @Test
  void valuesFixedForALoopAreNotSavedPerIteration() {
    String sweeps = compiled.generatedSource("demo.SpelledSweeps");
    // Math.sqrt(q.length) in the loop over keys: computed again once, before the backward loop,
    // not saved per key (the one value saved per key is a: a * a is computed again from it)
    String scores = method(sweeps, "scaledScoresPullback");
    assertThat(saves(scores)).isEqualTo(1);
    assertThat(scores).containsMatch(
        "double t\\d+ = Math.sqrt\\(q.length\\);\\s+(//.*\\s+)*for \\(int i = k.length - 1");
    // batch norm's mean holds its value until the backward pass of its feature: x[i][j] - mu is
    // computed again, and the mean's first value, 0, needs no saving
    String norm = method(sweeps, "batchNormPullback");
    assertThat(norm).doesNotContain("Tape");
    assertThat(norm).containsMatch("double d = t\\d+ - mu;");
  }

  @Test
  void aStateReadBeforeItMovesIsTheOneValueSaved() {
    String sweeps = compiled.generatedSource("demo.SpelledSweeps");
    // the forecast and the error are computed again from the state where their adjoints need
    // them (the backward sweep has put the state back there): one double per step, the state,
    // where each value read from it was saved too (three per step); the error written twice is
    // computed once and squared
    String smoothing = method(sweeps, "smoothingPullback");
    assertThat(saves(smoothing)).isEqualTo(1);
    assertThat(smoothing).containsMatch("doubles\\[doublesTop\\+\\+\\] = s\\d*;");
    assertThat(smoothing).containsMatch("= \\(t\\d+ - s\\d*\\) \\* dt\\d+;"); // 2 in the seed
    // Holt's level and trend are the two values saved per step: the forecast, the error and the
    // new level are computed again from them (level = newLevel only passes the new level on,
    // its adjoint reads no value)
    String holt = method(sweeps, "holtPullback");
    assertThat(saves(holt)).isEqualTo(2);
    assertThat(holt).containsMatch("doubles\\[doublesTop\\+\\+\\] = level\\d*;");
    assertThat(holt).containsMatch("doubles\\[doublesTop\\+\\+\\] = trend\\d*;");
    // Heun's two slopes are computed again from the state where their adjoints need them: the
    // state alone is saved (five values per step before)
    assertThat(saves(method(sweeps, "heunPullback"))).isEqualTo(1);
    // the Kalman filter's innovation and variance are computed again from the states; the
    // predicted variance (read by p's own update), the two quotients (innovation^2 / s, the
    // gain: a division is not computed again) and the estimate are saved: four values per
    // step, where six were
    assertThat(saves(method(sweeps, "kalmanPullback"))).isEqualTo(4);
    // read after the state moves, the error is saved: the state is put back only where its
    // own assignment's adjoint runs, after the error's last use
    String late = method(sweeps, "smoothingLatePullback");
    assertThat(saves(late)).isEqualTo(2);
  }

  @Test
  void anOperationWrittenTwiceIsComputedOnce() {
    // (w * x[i] - y[i]) * (w * x[i] - y[i]): the product, the read and the difference once
    // each, then squared, as a person writes double r = w * x[i] - y[i]; r * r
    String residuals = method(compiled.generatedSource("demo.SpelledSweeps"),
        "squaredResidualsPullback");
    assertThat(matches(residuals, " = w \\* t\\d+;")).isEqualTo(1);
    assertThat(matches(residuals, " = t\\d+ - t\\d+;")).isEqualTo(1);
    assertThat(residuals).containsMatch("double (t\\d+) = (t\\d+) \\* \\2;");
    assertThat(residuals).containsMatch("= 2 \\* \\(t\\d+ \\* dt\\d+\\);");
  }

  @Test
  void aCopyOfTheStateTakenBeforeItMovesPutsItBack() {
    String sweeps = compiled.generatedSource("demo.SpelledSweeps");
    // previous = x; x = y: x's old value is previous's, which the backward sweep has where it
    // undoes x = y, so it assigns it back instead of popping a second copy of it
    String pair = method(sweeps, "pairPullback");
    assertThat(saves(pair)).isEqualTo(1);
    assertThat(pair).contains("doubles[doublesTop++] = previous;");
    assertThat(pair).containsMatch("x\\d* = previous;");
    // before = v; if (...) v = ... else v = ...: each side puts v back from the copy
    String eitherWay = method(sweeps, "eitherWayPullback");
    assertThat(saves(eitherWay)).isEqualTo(1);
    assertThat(matches(eitherWay, "v\\d* = before;")).isEqualTo(2);
    // old = v; v = v * w + x[i]: old is saved and v put back from it; the jump, read on the
    // side of the if that does not break, is computed again there from v and old; the test that
    // breaks is true in the last step only: put back as false, not saved
    String jump = method(sweeps, "untilJumpPullback");
    assertThat(saves(jump)).isEqualTo(1);
    assertThat(jump).doesNotContain("intTape");
    assertThat(jump).containsMatch("c\\d+ = false;");
    assertThat(jump).containsMatch("v\\d* = old;");
    assertThat(jump).containsMatch("\\(v\\d* - old\\) \\* dt\\d+");
  }

  @Test
  void aLoopReadingRowsByIndexRunsItsBackwardPassInPlace() {
    // ui = u[rows[e]]: the adjoint of a row named by an index array is du's row, which each
    // iteration only adds into, and the penalty's loop after it only reads the loss's adjoint:
    // both loops run their backward passes in their iterations, nothing saved, no second pass
    String body = method(compiled.generatedSource("demo.SpelledSweeps"), "factorisePullback");
    assertThat(body).doesNotContain("Tape");
    assertThat(matches(body, "backward pass of this iteration, fused")).isEqualTo(2);
    // into rows of du and dv taken once before the loop over factors, as a person writes it
    assertThat(body).containsMatch("double\\[\\] (duRow\\d*) = [^;]*du\\[t\\d+\\][^;]*;");
    assertThat(body).containsMatch("duRow\\d*\\[f\\] \\+= dt\\d+;");
    assertThat(body).doesNotContainMatch("du\\[t\\d+\\]\\[f\\] \\+=");
    // the iteration's values are read by name where its backward pass needs them: the error,
    // the row's length, not computed or loaded again
    assertThat(body).containsMatch("double derr = 2 \\* \\(err \\* dt\\d+\\);");
    assertThat(matches(body, "for \\(int f = 0; f < (t\\d+); f\\+\\+\\)")).isEqualTo(2);
  }

  @Test
  void aStepThatLeavesTheLoopIsTheLastOne() {
    // return s * w inside the loop reads s where the loop is left: the last step's s, which no
    // step after it overwrites, so nothing is saved per step; the test that returns is true in
    // that step alone, so it is not saved either (each step saved s and the test before)
    String body = method(compiled.generatedSource("demo.SpelledSweeps"), "untilOverPullback");
    assertThat(body).doesNotContain("Tape");
    assertThat(body).containsMatch("c\\d+ = false;");
  }

  @Test
  void aLocalReassignedInAStraightLineIsNotSaved() {
    // s = x[i] * w; s = s * s; s = tanh(s) + s: a variable per value, as a person names each
    // step, so nothing is overwritten within the iteration and its backward pass saves nothing
    // (three saves per iteration with one variable)
    String sweeps = compiled.generatedSource("demo.SpelledSweeps");
    String body = method(sweeps, "squareThenSquashPullback");
    assertThat(body).doesNotContain("Tape");
    assertThat(body).containsMatch("double (s\\d+) = s \\* s;\\s+// line \\d+: [^\\n]*\\s+"
        + "double (t\\d+) = Math.tanh\\(\\1\\);\\s+double s\\d+ = \\2 \\+ \\1;");
  }

  @Test
  void aBufferClearedForEachExampleIsNotSaved() {
    // Arrays.fill(h, 0.0) fills h before each example reads it, h.length being w.length: no
    // value crosses examples, so each example's backward pass runs in its iteration and the
    // exponentials are read live instead of saved
    String body =
        method(compiled.generatedSource("demo.SpelledSweeps"), "clearedPerExamplePullback");
    assertThat(body).doesNotContain("Tape");
    assertThat(body).contains("backward pass of this iteration, fused");
  }

  @Test
  void overwrittenElementsArePutBackInsteadOfEveryReadSaved() {
    String sweeps = compiled.generatedSource("demo.SpelledSweeps");
    // each step reads every element of the state once per unit: the step's writes into the
    // other buffer are saved (one per unit) and put back, and the backward sweep reads the state
    String rnn = method(sweeps, "rnnTwoBuffersPullback");
    assertThat(rnn).containsMatch("doubles\\[doublesTop\\+\\+\\] = next\\d*\\[j\\];");
    assertThat(rnn).containsMatch("next\\d*\\[j\\] = doubles\\[--doublesTop\\];");
    assertThat(rnn).containsMatch("= state\\d*\\[k\\] \\* dt\\d+;");
    assertThat(rnn).doesNotContainMatch(
        "doubles\\[doublesTop\\+\\+\\] = t\\d+;\\s+t\\d+ = state");
    // the buffers' names are put back each step, so state.length is read again, not saved
    assertThat(rnn).doesNotContain("ints[intsTop++]");
    // the tanh stored into next[j] is read back from the element before it is put back: the
    // element it overwrites is the one value saved per unit
    assertThat(saves(rnn)).isEqualTo(1);
    assertThat(rnn).containsMatch(
        "(t\\d+) = next\\d*\\[j\\];\\s+next\\d*\\[j\\] = doubles\\[--doublesTop\\];"
            + "\\s+double dz = \\(1 - \\1 \\* \\1\\)");
  }

  @Test
  void buffersSwappedEachStepAreSwappedBack() {
    String sweeps = compiled.generatedSource("demo.SpelledSweeps");
    // tmp = state; state = next; next = tmp: undone by next = state; state = tmp; tmp = next,
    // the adjoints along, instead of six names on the tape per step
    String rnn = method(sweeps, "rnnTwoBuffersPullback");
    assertThat(rnn).doesNotContain("arrayTape");
    assertThat(rnn).containsMatch("next(\\d*) = state(\\d*);\\s+dnext\\1 = dstate\\2;"
        + "\\s+state\\2 = tmp;\\s+dstate\\2 = dtmp;\\s+tmp = next\\1;\\s+dtmp = dnext\\1;");
    for (String swapped : List.of("threeBuffers", "jacobiGrid", "indexBuffers")) {
      assertThat(method(sweeps, swapped + "Pullback")).doesNotContain("arrayTape");
    }
    // a residual read from the state after the last step: the buffers hold what it read until
    // the steps' backward passes run, so it is computed again, not saved, and its loop's
    // backward pass runs upward (only the step's overwritten elements are saved)
    String residual = method(sweeps, "rnnResidualPullback");
    assertThat(residual).doesNotContain("= e;");
    assertThat(residual.split("\\[doublesTop\\+\\+\\] = ", -1)).hasLength(2);
    assertThat(residual).containsMatch("for \\(int j2 = 0; j2 < w.length; j2\\+\\+\\) \\{\\s+"
        + "// this iteration's values, computed again instead of saved");
    // a temporary declared before the loop (read after it), or copies in a branch: saved
    for (String saved : List.of("swapThroughOuter", "swapEveryOtherStep")) {
      assertThat(method(sweeps, saved + "Pullback")).contains("arrayTape.push(");
    }
  }
}
