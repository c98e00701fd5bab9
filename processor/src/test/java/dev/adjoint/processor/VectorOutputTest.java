package dev.adjoint.processor;

import static dev.adjoint.processor.testing.Compiled.method;
import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;
import static dev.adjoint.processor.testing.GradientAssertions.assertVectorOutput;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.oracle.HipparchusOracle;
import dev.adjoint.processor.testing.Compiled;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Methods returning {@code double[]}: layers that compose. Their Jacobians (forward and
 * reverse), VJPs and JVPs against Hipparchus; losses that call them (and a registered pullback
 * with a vector seed) against Hipparchus and finite differences.
 */
class VectorOutputTest {
  static final String SOURCE = """
      package demo;

      import dev.adjoint.CustomGradient;
      import dev.adjoint.Differentiable;
      import dev.adjoint.Vectors;

      public final class Net {
        /** A dense layer written the natural way: a scalar accumulator per output. */
        @Differentiable
        public static double[] dense(double[][] W, double[] b, double[] x) {
          double[] z = new double[b.length];
          for (int i = 0; i < b.length; i++) {
            double s = b[i];
            for (int j = 0; j < x.length; j++) {
              s += W[i][j] * x[j];
            }
            z[i] = s;
          }
          return z;
        }

        @Differentiable
        public static double[] relu(double[] z) {
          double[] a = new double[z.length];
          for (int i = 0; i < z.length; i++) {
            a[i] = Math.max(0, z[i]);
          }
          return a;
        }

        /** tanh element by element: its backward pass reads its own result. */
        @Differentiable
        public static double[] activate(double[] z) {
          double[] a = new double[z.length];
          for (int i = 0; i < z.length; i++) {
            a[i] = Math.tanh(z[i]);
          }
          return a;
        }

        /** Elements overwritten in place: the pullback returns the final values. */
        @Differentiable
        public static double[] squash(double[] x, double k) {
          double[] y = x.clone();
          for (int i = 0; i < y.length; i++) {
            y[i] = y[i] * k + Math.sin(y[i]);
            y[i] = y[i] * y[i] / (1 + y[i] * y[i]);
          }
          return y;
        }

        /** A new array written out: its elements computed after it is made. */
        @Differentiable
        public static double[] rhs(double[] y, double k) {
          return new double[] {y[1], -k * y[0] - 0.1 * y[1] * y[1]};
        }

        /** Returns in two places: a local array (copied), a new one. */
        @Differentiable
        public static double[] pick(double[] a, double t) {
          double[] c = new double[a.length];
          for (int i = 0; i < a.length; i++) {
            c[i] = a[i] * t;
          }
          if (t > 0.5) {
            return c;
          }
          double[] d = new double[a.length];
          for (int i = 0; i < a.length; i++) {
            d[i] = Math.sin(c[i]) * t;
          }
          return d;
        }

        /** Few inputs, many outputs: its Jacobian runs forward. */
        @Differentiable
        public static double[] curve(double t, double s) {
          double[] p = new double[4];
          p[0] = Math.cos(t) * s;
          p[1] = Math.sin(t) * s;
          p[2] = t * t;
          p[3] = Math.exp(-s * t);
          return p;
        }

        /** A composition returned directly. */
        @Differentiable
        public static double[] twoLayers(double[][] W1, double[] b1, double[][] W2, double[] b2,
            double[] x) {
          return dense(W2, b2, relu(dense(W1, b1, x)));
        }

        @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
        public static double loss(double[][] W1, double[] b1, double[][] W2, double[] b2,
            double[] x, int label) {
          double[] scores = twoLayers(W1, b1, W2, b2, x);
          double max = scores[0];
          for (int c = 1; c < scores.length; c++) {
            max = Math.max(max, scores[c]);
          }
          double sum = 0;
          for (int c = 0; c < scores.length; c++) {
            sum += Math.exp(scores[c] - max);
          }
          return Math.log(sum) + max - scores[label];
        }

        /** The mean of {@link #loss} over a batch, the layers' outputs made per example. */
        @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
        public static double batchLoss(double[][] W1, double[] b1, double[][] W2, double[] b2,
            double[][] X, int[] labels) {
          double total = 0;
          for (int i = 0; i < X.length; i++) {
            double[] scores = dense(W2, b2, relu(dense(W1, b1, X[i])));
            total += Math.log(Math.exp(scores[0]) + Math.exp(scores[1])) - scores[labels[i]];
          }
          return total / X.length;
        }

        /**
         * A layer's output read by the loss per example: the fused backward pass reads it again
         * (nothing writes it in between), nothing saved.
         */
        @Differentiable(wrt = {"W", "b", "w"})
        public static double readout(double[][] W, double[] b, double[] w, double[][] X) {
          double total = 0;
          for (int i = 0; i < X.length; i++) {
            double[] a = Vectors.tanh(dense(W, b, X[i]));
            double p = 0;
            for (int h = 0; h < a.length; h++) {
              p += w[h] * a[h];
            }
            total += p * p;
          }
          return total;
        }

        /**
         * Layers whose results the loss still holds at their backward passes: those are given
         * the results instead of computing them again.
         */
        @Differentiable(wrt = {"W", "b", "w"})
        public static double activated(double[][] W, double[] b, double[] w, double[][] X) {
          double total = 0;
          for (int i = 0; i < X.length; i++) {
            double[] a = activate(dense(W, b, X[i]));
            double p = 0;
            for (int h = 0; h < a.length; h++) {
              p += w[h] * a[h];
            }
            total += p * p;
          }
          return total;
        }

        /** The same, a layer's result changed after the call: its backward pass is not given it. */
        @Differentiable(wrt = {"W", "b", "w"})
        public static double touched(double[][] W, double[] b, double[] w, double[][] X) {
          double total = 0;
          for (int i = 0; i < X.length; i++) {
            double[] a = activate(dense(W, b, X[i]));
            a[0] = 3 * a[0] + a[1];
            double p = 0;
            for (int h = 0; h < a.length; h++) {
              p += w[h] * a[h];
            }
            total += p * p;
          }
          return total;
        }

        /** Each step's output carried to the next ({@code h = next}): kept past its step. */
        @Differentiable
        public static double carried(double[][] W, double[] b, double[] x, int steps) {
          double[] h = Vectors.tanh(x);
          for (int t = 0; t < steps; t++) {
            double[] next = Vectors.tanh(dense(W, b, h));
            h = next;
          }
          return h[0] * h[1];
        }

        /**
         * A layer whose result is its state after the steps, each step's array handed to the
         * next ({@code h = next; ... return h;}): the seed goes into the adjoint the last step
         * made.
         */
        @Differentiable
        public static double[] steps(double[] w, double[] x0) {
          double[] h = x0.clone();
          for (int t = 0; t < 3; t++) {
            double[] next = new double[h.length];
            for (int i = 0; i < h.length; i++) {
              next[i] = Math.tanh(w[i] * h[i] + (i > 0 ? h[i - 1] : 0.5));
            }
            h = next;
          }
          return h;
        }

        /** One step of a layer: a new array from the old. */
        @Differentiable
        public static double[] stepOnce(double[] w, double[] h) {
          double[] out = new double[h.length];
          for (int i = 0; i < h.length; i++) {
            out[i] = Math.tanh(w[i] * h[i] + 0.1 * i);
          }
          return out;
        }

        /**
         * A state replaced by a layer of itself in a loop, {@code h = stepOnce(w, h)}, from a copy
         * of the input: the input's adjoint is the first state's, which the tape gives back.
         */
        @Differentiable
        public static double repeatedStep(double[] w, double[] x) {
          double[] h = x.clone();
          for (int t = 0; t < 4; t++) {
            h = stepOnce(w, h);
          }
          return h[0] + h[1] * h[2];
        }

        /** The same, twice in straight-line code. */
        @Differentiable
        public static double twoSteps(double[] w, double[] x) {
          double[] h = x.clone();
          h = stepOnce(w, h);
          h = stepOnce(w, h);
          return h[0] * h[2] + h[1];
        }

        /** The stepping layer twice, its first result the second's start. */
        @Differentiable
        public static double stepsTwice(double[] w, double[] x0) {
          double[] a = steps(w, x0);
          double[] b = steps(w, a);
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
          }
          return s;
        }

        /** Outputs made per step, read by the step's backward pass in a loop of their own. */
        @Differentiable
        public static double product(double[][] W, double[] b, double[] x, int steps) {
          double s = 1;
          for (int t = 0; t < steps; t++) {
            double[] a = Vectors.tanh(dense(W, b, x));
            s = s * a[0] + a[1] * t;
          }
          return s;
        }

        /** One double parameter: its backward pass returns a's adjoint and adds into du. */
        @Differentiable
        public static double scaleBy(double a, double[] u) {
          return u[1] * a + u[1];
        }

        /**
         * A sum carried through scaleBy in a loop, returned as an array: its backward pass alone
         * (what useCarry calls) must keep ds += scaleByBackward(s, u, dt, du), which adds into du
         * although nothing reads ds after it.
         */
        @Differentiable
        public static double[] carry(double[] u) {
          double s = 0;
          for (int k = 0; k < 2; k++) {
            s += scaleBy(s, u);
          }
          double[] out = new double[1];
          out[0] = s * u[0];
          return out;
        }

        @Differentiable
        public static double useCarry(double[] u) {
          return carry(u)[0];
        }

        /** Scratch arrays each example makes: of a length known in the iteration, a copy. */
        @Differentiable
        public static double scratch(double[] w, double[][] X) {
          double total = 0;
          for (int i = 0; i < X.length; i++) {
            double[] z = new double[X[i].length];
            double[] c = w.clone();
            for (int j = 0; j < z.length; j++) {
              z[j] = c[j] * X[i][j];
              c[j] = z[j] * z[j];
            }
            total += Math.sin(z[0]) * c[1];
          }
          return total;
        }

        /** A layer whose weights are one flattened row, {@code W[i * n + j]}, tanh applied. */
        @Differentiable
        public static double[] flatLayer(double[] W, double[] b, double[] x) {
          int n = x.length;
          double[] z = new double[b.length];
          for (int i = 0; i < b.length; i++) {
            double s = b[i];
            for (int j = 0; j < n; j++) {
              s += W[i * n + j] * x[j];
            }
            z[i] = Math.tanh(s);
          }
          return z;
        }

        /** A loop over layers of different widths: {@code h = layer(W[l], b[l], h)}. */
        @Differentiable(wrt = {"W", "b"})
        public static double deep(double[][] W, double[][] b, double[] x, double target) {
          double[] h = x; // read only: nothing writes through either name
          for (int l = 0; l < W.length; l++) {
            h = flatLayer(W[l], b[l], h);
          }
          double s = 0;
          for (int i = 0; i < h.length; i++) {
            s += h[i];
          }
          return (s - target) * (s - target);
        }

        static double[] affine(double[] x, double a) {
          double[] y = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            y[i] = a * x[i] + 1;
          }
          return y;
        }

        /** The pullback of a vector method, registered: its seed is a vector too. */
        @CustomGradient("affine")
        static double[] affinePullback(double[] x, double a, double[] seed, double[] dx,
            double[] dScalars) {
          for (int i = 0; i < x.length; i++) {
            dx[i] += seed[i] * a;
            dScalars[0] += seed[i] * x[i];
          }
          return affine(x, a);
        }

        /** Its registered HVP, the tangent of that pullback: the seed's tangent is a vector. */
        @dev.adjoint.CustomHvp("affine")
        static double[] affineHvp(double[] x, double a, double[] seed, double[] dx,
            double[] dScalars, double[] vx, double va, double[] seedTangent, double[] hx,
            double[] hScalars) {
          for (int i = 0; i < x.length; i++) {
            dx[i] += seed[i] * a;
            dScalars[0] += seed[i] * x[i];
            hx[i] += seedTangent[i] * a + seed[i] * va;
            hScalars[0] += seedTangent[i] * x[i] + seed[i] * vx[i];
          }
          return affine(x, a);
        }

        /** A matrix result: a scaled outer product through a sine. */
        @Differentiable
        public static double[][] outer(double[] u, double[] v, double s) {
          double[][] out = new double[u.length][v.length];
          for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < v.length; j++) {
              out[i][j] = s * u[i] * Math.sin(v[j]);
            }
          }
          return out;
        }

        /** A matrix result from a matrix: tanh of the Gram matrix, a scalar accumulator. */
        @Differentiable
        public static double[][] gram(double[][] A) {
          double[][] g = new double[A.length][A.length];
          for (int i = 0; i < A.length; i++) {
            for (int j = 0; j < A.length; j++) {
              double s = 0;
              for (int k = 0; k < A[i].length; k++) {
                s += A[i][k] * A[j][k];
              }
              g[i][j] = Math.tanh(s);
            }
          }
          return g;
        }

        static double[][] scaledOuter(double[] u, double a) {
          double[][] out = new double[u.length][u.length];
          for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < u.length; j++) {
              out[i][j] = a * u[i] * u[j];
            }
          }
          return out;
        }

        /** A registered pullback of a matrix method: its seed is a matrix; no value returned. */
        @CustomGradient("scaledOuter")
        static void scaledOuterPullback(double[] u, double a, double[][] seed, double[] du,
            double[] dScalars) {
          for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < u.length; j++) {
              du[i] += seed[i][j] * a * u[j];
              du[j] += seed[i][j] * a * u[i];
              dScalars[0] += seed[i][j] * u[i] * u[j];
            }
          }
        }

        /** Its registered JVP: the tangent is a matrix, written into a double[][][]. */
        @dev.adjoint.CustomJvp("scaledOuter")
        static double[][] scaledOuterJvp(double[] u, double a, double[] du, double da,
            double[][][] tangentOut) {
          double[][] t = new double[u.length][u.length];
          for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < u.length; j++) {
              t[i][j] = da * u[i] * u[j] + a * du[i] * u[j] + a * u[i] * du[j];
            }
          }
          tangentOut[0] = t;
          return scaledOuter(u, a);
        }

        /** Its registered HVP: the seed and its tangent are matrices; no value returned. */
        @dev.adjoint.CustomHvp("scaledOuter")
        static void scaledOuterHvp(double[] u, double a, double[][] seed, double[] du,
            double[] dScalars, double[] vu, double va, double[][] seedTangent, double[] hu,
            double[] hScalars) {
          for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < u.length; j++) {
              double g = seed[i][j];
              double gt = seedTangent[i][j];
              du[i] += g * a * u[j];
              du[j] += g * a * u[i];
              dScalars[0] += g * u[i] * u[j];
              hu[i] += gt * a * u[j] + g * (va * u[j] + a * vu[j]);
              hu[j] += gt * a * u[i] + g * (va * u[i] + a * vu[i]);
              hScalars[0] += gt * u[i] * u[j] + g * (vu[i] * u[j] + u[i] * vu[j]);
            }
          }
        }

        @Differentiable
        public static double usesScaledOuter(double[] u, double a) {
          double[][] m = scaledOuter(u, a * a);
          double s = 0;
          for (double[] row : m) {
            for (double x : row) {
              s += Math.sin(x);
            }
          }
          return s;
        }

        /** A loss through two matrix methods. */
        @Differentiable
        public static double outerLoss(double[] u, double[] v) {
          double[][] g = gram(outer(u, v, 1.5));
          double total = 0;
          for (double[] row : g) {
            for (double x : row) {
              total += x * x * x;
            }
          }
          return total;
        }

        @Differentiable
        public static double usesAffine(double[] x, double a) {
          double[] y = affine(squash(x, a), a * a);
          double s = 0;
          for (int i = 0; i < y.length; i++) {
            s += y[i] * y[i];
          }
          return s;
        }

        /**
         * A layer's output made anew in each iteration of a loop that runs backward, read only
         * by a branch's test: the backward sweep chooses each iteration's branch again from
         * that iteration's output (it read the last iteration's: a wrong gradient).
         */
        @Differentiable
        public static double branchOnLayer(double[] u, double b) {
          double s = 0;
          int k = 0;
          while (k < 6 && s < 10) {
            double[] r = squash(u, b + k);
            if (r[0] < 0.2) {
              s += u[0] * b;
            } else {
              s += u[1] * u[1];
            }
            k++;
          }
          return s;
        }
      }
      """;

  /** A network written as layers of the runtime's vectorised gates, and an order-2 loss. */
  static final String GATES = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.Vectors;

      public final class Layered {
        @Differentiable(wrt = {"W1", "W2"})
        public static double loss(double[][] W1, double[][] W2, double[] x, int label) {
          double[] h = Vectors.relu(Vectors.matVec(W1, x));
          double[] s = Vectors.tanh(Vectors.matVec(W2, h));
          double[] p = Vectors.softmax(s);
          return Vectors.softmaxCrossEntropy(Vectors.sigmoid(s), label) + Vectors.dot(p, h);
        }

        @Differentiable(order = 2)
        public static double curved(double[] scores, double[] w) {
          return Vectors.softmaxCrossEntropy(scores, 1) * Vectors.dot(w, scores);
        }
      }
      """;

  private static Compiled compiled;

  @BeforeAll
  static void compile() {
    compiled = Compiled.compile(SOURCE);
  }

  static Stream<Arguments> vectors() {
    double[][] W1 = {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}, {-0.6, 0.9, 0.1}, {0.2, 0.4, -0.8}};
    double[] b1 = {0.1, -0.3, 0.2, -0.1};
    double[][] W2 = {{0.5, -0.2, 0.3, 0.7}, {0.3, 0.9, -0.4, 0.1}};
    double[] b2 = {0.05, -0.1};
    double[] x = {0.4, -1.2, 0.8};
    return Stream.of(
        Arguments.of("dense", new Object[] {W1, b1, x}),
        Arguments.of("relu", new Object[] {new double[] {0.3, -0.2, 1.5, -0.7}}),
        Arguments.of("squash", new Object[] {new double[] {0.3, -0.2, 1.5}, 0.7}),
        Arguments.of("curve", new Object[] {0.8, 1.3}),
        Arguments.of("pick", new Object[] {new double[] {0.3, -0.2, 1.5}, 0.7}),
        Arguments.of("pick", new Object[] {new double[] {0.3, -0.2, 1.5}, 0.2}),
        Arguments.of("rhs", new Object[] {new double[] {0.7, -0.4}, 2.5}),
        Arguments.of("flatLayer", new Object[] {new double[] {0.3, -0.7, 0.5, 1.1, 0.2, -0.4},
            new double[] {0.1, -0.3}, new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("twoLayers", new Object[] {W1, b1, W2, b2, x}),
        Arguments.of("outer", new Object[] {new double[] {0.3, -0.7, 1.1},
            new double[] {0.5, 0.2}, 1.5}),
        Arguments.of("gram", new Object[] {new double[][] {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}}}),
        Arguments.of("steps", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[] {0.4, -1.2, 0.8}}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void jacobianVjpAndJvpMatchHipparchus(String method, Object[] args) {
    assertVectorOutput(compiled, SOURCE, method, args);
  }

  static Stream<Arguments> losses() {
    double[][] W1 = {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}, {-0.6, 0.9, 0.1}, {0.2, 0.4, -0.8}};
    double[] b1 = {0.1, -0.3, 0.2, -0.1};
    double[][] W2 = {{0.5, -0.2, 0.3, 0.7}, {0.3, 0.9, -0.4, 0.1}};
    double[] b2 = {0.05, -0.1};
    return Stream.of(
        Arguments.of("outerLoss", new Object[] {new double[] {0.3, -0.7, 1.1},
            new double[] {0.5, 0.2}}),
        Arguments.of("usesScaledOuter", new Object[] {new double[] {0.3, -0.7, 1.1}, 0.8}),
        Arguments.of("branchOnLayer", new Object[] {new double[] {0.3, -0.8}, -1.2}),
        Arguments.of("branchOnLayer", new Object[] {new double[] {-0.5, 0.8}, 0.4}),
        Arguments.of("loss", new Object[] {W1, b1, W2, b2, new double[] {0.4, -1.2, 0.8}, 1}),
        Arguments.of("batchLoss", new Object[] {W1, b1, W2, b2, new double[][] {
            {0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}, {0.3, 0.3, -0.6}}, new int[] {1, 0, 1}}),
        Arguments.of("loss", new Object[] {W1, b1, W2, b2, new double[] {-0.9, 0.5, 1.1}, 0}),
        Arguments.of("useCarry", new Object[] {new double[] {0.4, -1.2}}),
        Arguments.of("activated", new Object[] {W1, b1, new double[] {0.5, -0.3, 0.8, 0.2},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}}}),
        Arguments.of("touched", new Object[] {W1, b1, new double[] {0.5, -0.3, 0.8, 0.2},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}}}),
        Arguments.of("readout", new Object[] {W1, b1, new double[] {0.5, -0.3, 0.8, 0.2},
            new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}}}),
        Arguments.of("repeatedStep", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("twoSteps", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("scratch", new Object[] {new double[] {0.4, -1.2, 0.8}, new double[][] {
            {0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}, {0.3, 0.3, -0.6}}}),
        Arguments.of("carried", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4}, {-0.6, 0.9, 0.1}}, new double[] {0.1, -0.3, 0.2},
            new double[] {0.4, -1.2, 0.8}, 3}),
        Arguments.of("product", new Object[] {W1, b1, new double[] {0.4, -1.2, 0.8}, 3}),
        Arguments.of("stepsTwice", new Object[] {new double[] {0.3, -0.7, 0.5},
            new double[] {0.4, -1.2, 0.8}}),
        Arguments.of("deep", new Object[] {
            new double[][] {{0.3, -0.7, 0.5, 1.1, 0.2, -0.4}, {0.6, -0.2, 0.1, 0.9}, {0.5, -0.8}},
            new double[][] {{0.1, -0.3}, {0.2, 0.4}, {-0.1}}, new double[] {0.4, -1.2, 0.8},
            0.3}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("losses")
  void lossesThroughVectorMethodsMatchTheOracles(String method, Object[] args) {
    assertGradient(compiled, SOURCE, method, args);
  }

  @Test
  void vectorisedGatesMatchTheOracles() {
    Compiled gates = Compiled.compile(GATES);
    double[][] W1 = {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}, {-0.6, 0.9, 0.1}};
    double[][] W2 = {{0.5, -0.2, 0.3}, {0.3, 0.9, -0.4}, {0.1, 0.2, 0.7}};
    assertGradient(gates, GATES, "loss", W1, W2, new double[] {0.4, -1.2, 0.8}, 1);
    assertGradient(gates, GATES, "loss", W1, W2, new double[] {-0.9, 0.5, 1.1}, 2);
    dev.adjoint.processor.testing.GradientAssertions.assertSecondOrder(gates, GATES, "curved",
        new double[] {0.3, -1.1, 0.6}, new double[] {0.5, 0.2, -0.4});
  }

  /**
   * The backward pass alone of a layer, what callers' backward sweeps call (having the layer's
   * value from their forward sweeps), does not compute the value again: dense's reads only
   * {@code W}, {@code x} and the seed, so no forward statement is left. (That it adds what the
   * pullback adds, bit for bit, is checked for every vector method by
   * {@code assertVectorOutput}.)
   */
  @Test
  void backwardPassAloneSkipsTheForwardSweep() {
    String backward = statements("static void denseBackward(");
    for (String forward : new String[] {"new double[t1]", "s = s + t6", "z[i] = s"}) {
      assertFalse(backward.contains(forward), backward);
      assertTrue(statements("static double[] densePullback(").contains(forward), forward);
    }
  }

  /**
   * A first layer's input is data: its adjoint nobody reads. The batch loss calls a variant of
   * the layer's backward pass that does not compute it (nor take a buffer for it); the gradient
   * itself is checked against Hipparchus in {@link #lossesThroughVectorMethodsMatchTheOracles}.
   * The dense layer's backward pass reads nothing of its value: the loss does not give it the
   * value it holds, and the layer's public variant given it only calls the backward pass.
   */
  @Test
  void aLayerGivenDataDoesNotComputeItsAdjoint() {
    String batch = statements("static double batchLossPullback(");
    assertTrue(batch.contains("denseBackwardWithoutX(W1, b1, row"), batch);
    assertTrue(statements("static void denseBackwardFrom(")
        .endsWith("denseBackward(W, b, x, seed, dW, db, dx);"));
    String variant = statements("static void denseBackwardWithoutX(");
    assertFalse(variant.contains("dx"), variant);
    // the row of dW the loop adds into, taken once before it; the loop over rows, independent,
    // still runs upward
    assertTrue(variant.matches(
        "(?s).*double\\[\\] (dWRow\\d*) = [^;]*dW\\[i\\].*\\1\\[j\\] \\+= .*"), variant);
    assertTrue(variant.contains("for (int i = 0; i < b.length; i++)"), variant);
  }

  /** A layer's result is a new array, read again by the fused backward pass: no tape. */
  @Test
  void aLayersResultIsReadAgainNotSaved() {
    String readout = statements("static double readoutPullback(");
    assertFalse(readout.contains("doubles["), readout);
    assertFalse(readout.contains("doubleTape"), readout);
  }

  /**
   * A layer whose result the caller holds at its backward pass is given it: its variant reads
   * the activations instead of computing the tanh again. Not where the caller changed it.
   */
  @Test
  void aHeldResultIsGivenToItsLayer() {
    String activated = statements("static double activatedPullback(");
    assertTrue(activated.contains("activateBackwardFrom(t"), activated);
    assertTrue(activated.contains("denseBackwardWithoutX(W, b, row"), activated);
    String given = statements("static void activateBackwardFrom(");
    assertFalse(given.contains("Math.tanh"), given);
    assertFalse(given.contains("new double["), given);
    String touched = statements("static double touchedPullback(");
    assertFalse(touched.contains("activateBackwardFrom("), touched);
    assertTrue(touched.contains("activateBackward("), touched);
  }

  /** Layers of a class of their own, for {@link #CALLER}. */
  static final String LAYERS = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Layers {
        @Differentiable
        public static double[] dense(double[][] W, double[] b, double[] x) {
          double[] z = new double[b.length];
          for (int i = 0; i < b.length; i++) {
            double s = b[i];
            for (int j = 0; j < x.length; j++) {
              s += W[i][j] * x[j];
            }
            z[i] = s;
          }
          return z;
        }

        @Differentiable
        public static double[] activate(double[] z) {
          double[] a = new double[z.length];
          for (int i = 0; i < z.length; i++) {
            a[i] = Math.tanh(z[i]);
          }
          return a;
        }
      }
      """;

  /** {@code Net.activated} with its layers in another class, {@link #LAYERS}. */
  static final String CALLER = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Caller {
        @Differentiable(wrt = {"W", "b", "w"})
        public static double activated(double[][] W, double[] b, double[] w, double[][] X) {
          double total = 0;
          for (int i = 0; i < X.length; i++) {
            double[] a = Layers.activate(Layers.dense(W, b, X[i]));
            double p = 0;
            for (int h = 0; h < a.length; h++) {
              p += w[h] * a[h];
            }
            total += p * p;
          }
          return total;
        }
      }
      """;

  /**
   * A layer of another class is given the value its caller holds too, through the public
   * {@code LayersGrad.activateBackwardFrom}: the caller's gradient is Hipparchus's of the same
   * loss written in one class, and the public variant adds what the layer's backward pass adds.
   */
  @Test
  void anotherClassesLayerIsGivenTheValue() throws ReflectiveOperationException {
    Compiled two = Compiled.compile(LAYERS, CALLER);
    String activated = method(two.generatedSource("demo.CallerSweeps"), "activatedPullback");
    assertTrue(activated.contains("demo.LayersGrad.activateBackwardFrom(t"), activated);
    double[][] W = {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}, {-0.6, 0.9, 0.1}, {0.2, 0.4, -0.8}};
    Object[] args = {W, new double[] {0.1, -0.3, 0.2, -0.1}, new double[] {0.5, -0.3, 0.8, 0.2},
        new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}}};
    double[] actual = two.gradient("demo.Caller", "activated", args).partials();
    double[] exact = HipparchusOracle.evaluate(SOURCE, "activated", args).gradient();
    assertEquals(exact.length, actual.length);
    for (int i = 0; i < exact.length; i++) {
      assertEquals(exact[i], actual[i], 1e-12 * Math.max(1, Math.abs(exact[i])), "partial " + i);
    }
    double[] z = {0.3, -1.2, 0.7};
    double[] seed = {0.5, -0.4, 1.1};
    double[] value = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      value[i] = Math.tanh(z[i]);
    }
    double[] fromValue = new double[z.length];
    double[] recomputed = new double[z.length];
    Class<?> grad = two.load("demo.LayersGrad");
    grad.getMethod("activateBackwardFrom", double[].class, double[].class, double[].class,
        double[].class).invoke(null, z, value, seed, fromValue);
    grad.getMethod("activateBackward", double[].class, double[].class, double[].class)
        .invoke(null, z, seed, recomputed);
    assertArrayEquals(recomputed, fromValue);
  }

  /** The statements of a method of {@code NetSweeps}, without comments. */
  private static String statements(String signature) {
    String sweeps = compiled.generatedSource("demo.NetSweeps");
    String method = sweeps.substring(sweeps.indexOf(signature));
    return method.substring(0, method.indexOf("\n  }\n")).lines()
        .filter(line -> !line.trim().startsWith("//"))
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  /**
   * The arrays each example makes and no other example sees are one array each for the whole
   * batch: the layers' outputs, written into the previous example's by the layers'
   * {@code <name>Into} ({@code ReusedResults}), scratch arrays zeroed or copied in place, and
   * their adjoints (and the buffer for the adjoint
   * of {@code X[i]}, which nobody reads), zeroed per example. The pullback allocates a small part
   * of what the loss itself does (its layers' outputs, per example). Measured with the thread's
   * allocation counter, after a call that grows the tapes. An output carried to the next step
   * ({@code carried}), or saved for a backward pass in a loop of its own ({@code product}), is
   * made per step as the source makes it; their gradients are checked in
   * {@link #lossesThroughVectorMethodsMatchTheOracles}.
   */
  @Test
  void perExampleArraysAreMadeOncePerBatch() throws Exception {
    String batch = statements("static double batchLossPullback(");
    assertTrue(batch.contains(" = demo.NetGrad.denseInto(W1, b1, row"), batch);
    assertTrue(batch.contains(" = demo.NetGrad.reluInto("), batch);
    String scratch = statements("static double scratchPullback(");
    assertTrue(scratch.contains("z = dev.adjoint.Shapes.zeroed(z, "), scratch);
    assertTrue(scratch.contains("c = dev.adjoint.Shapes.copied(c, w);"), scratch);
    assertFalse(statements("static double carriedPullback(").contains("Into("));
    assertFalse(statements("static double productPullback(").contains("Into("));
    int n = 2000;
    double[][] W1 = new double[16][3];
    double[][] W2 = new double[2][16];
    double[][] X = new double[n][3];
    int[] labels = new int[n];
    java.util.Random random = new java.util.Random(7);
    for (double[][] m : new double[][][] {W1, W2, X}) {
      for (double[] row : m) {
        for (int j = 0; j < row.length; j++) {
          row[j] = random.nextGaussian();
        }
      }
    }
    Object[] args = {W1, new double[16], W2, new double[2], X, labels};
    var primal = java.util.Arrays.stream(compiled.load("demo.Net").getMethods())
        .filter(m -> m.getName().equals("batchLoss")).findFirst().orElseThrow();
    var pullback = java.util.Arrays.stream(compiled.load("demo.NetGrad").getMethods())
        .filter(m -> m.getName().equals("batchLossPullback")).findFirst().orElseThrow();
    Object[] pullbackArgs = {W1, new double[16], W2, new double[2], X, labels, 1.0,
        new double[16][3], new double[16], new double[2][16], new double[2]};
    var threads = (com.sun.management.ThreadMXBean)
        java.lang.management.ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long[] bytes = new long[2];
    for (int round = 0; round < 3; round++) {
      long before = threads.getThreadAllocatedBytes(id);
      primal.invoke(null, args);
      long between = threads.getThreadAllocatedBytes(id);
      pullback.invoke(null, pullbackArgs);
      bytes[0] = between - before;
      bytes[1] = threads.getThreadAllocatedBytes(id) - between;
    }
    // per example the loss makes three arrays (16, 16 and 2 doubles: about 400 bytes); the
    // adjoints made per example would add as much again, the unread buffer for X[i] 40 bytes
    assertTrue(bytes[1] < bytes[0] / 20, "pullback allocated " + bytes[1]
        + " bytes, the loss " + bytes[0]);
  }

  /**
   * A registered pullback with a vector seed (the defect of issue #13: generated code passed an
   * array as a double seed) gives the exact gradient; the JVP through it is refused when called,
   * with the reason, as its derivative along a direction would take one pullback per output.
   */
  @Test
  void registeredVectorPullback() {
    Object[] args = {new double[] {0.3, -0.2, 1.5}, 0.7};
    Compiled.Gradient gradient = compiled.gradient("demo.Net", "usesAffine", args);
    double[] exact = HipparchusOracle.evaluate(SOURCE, "usesAffine", args).gradient();
    for (int i = 0; i < exact.length; i++) {
      assertEquals(exact[i], gradient.partials()[i], 1e-12 * (1 + Math.abs(exact[i])));
    }
    AssertionError refused = assertThrows(AssertionError.class, () -> compiled.jvp("demo.Net",
        "usesAffine", args, new Object[] {new double[] {1, 0, 0}, 0.0}));
    assertTrue(String.valueOf(refused.getCause()).contains(
        "Net.affine returns a vector and has only a @CustomGradient"), refused::toString);
  }
}
