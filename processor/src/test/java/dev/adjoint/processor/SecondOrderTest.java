package dev.adjoint.processor;

import static dev.adjoint.processor.testing.Compiled.method;
import static dev.adjoint.processor.testing.GradientAssertions.assertSecondOrder;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.Compiled;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Second order: every construct of the first-order suites, its methods made
 * {@code @Differentiable(order = 2)}, differentiated twice and checked against Hipparchus
 * {@code DerivativeStructure} of order 2 (HVP along a fixed direction, and the full Hessian), as
 * are calls between order-2 methods, matrices, the gates, and registered second derivatives
 * ({@code @CustomHvp}, {@code Gates.logSumExp}'s).
 */
class SecondOrderTest {
  static final String CALLS = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.Gates;
      import dev.adjoint.Vectors;

      public final class Curved {
        /** The runtime's vector gates, each through its registered HVP. */
        @Differentiable(order = 2)
        public static double vectorNet(double[][] W, double[] x, double[][] V) {
          double[] h = Vectors.tanh(Vectors.matVec(W, x));
          double[] s = Vectors.sigmoid(Vectors.relu(Vectors.matVec(V, h)));
          double[] p = Vectors.softmax(Vectors.matVec(V, s));
          return 3 * p[0] - p[1] + Vectors.dot(h, s) + h[1] * p[0];
        }

        @Differentiable(order = 2)
        public static double layer(double[][] W, double[] x, double[] b) {
          double s = 0;
          for (int i = 0; i < W.length; i++) {
            double z = b[i];
            for (int j = 0; j < x.length; j++) {
              z += W[i][j] * x[j];
            }
            s += Gates.sigmoid(z) + Math.tanh(z) * Gates.softplus(z) + Gates.relu(z) * z;
          }
          return s + energy(x, W[0][0]);
        }

        @Differentiable(order = 2)
        public static double softplusFar(double x, double w) {
          return Gates.softplus(w * x) * x;
        }

        @Differentiable(order = 2, wrt = {"x"})
        public static double partly(double x, double y) {
          return Math.pow(x, 3) * y + Math.atan2(x, y) + Math.hypot(x, 2 * y);
        }

        @Differentiable(order = 2)
        public static double callsPartly(double a) {
          double s = 0;
          for (int k = 0; k < 3; k++) {
            s = s * Math.cos(a) + partly(a * k + 0.5, 1.5);
          }
          return s;
        }

        @Differentiable(order = 2)
        public static double branchy(double x, double y) {
          double r = Math.max(x, y) * Math.min(x * y, 1.0);
          if (x > y) {
            r += Math.exp(x - y) / (1 + y * y);
          } else {
            r -= Math.log1p(x * x) * Math.sqrt(1 + y * y);
          }
          return r + Math.abs(x - 2 * y) * Math.sinh(y);
        }

        @Differentiable(order = 2)
        static double energy(double[] v, double k) {
          double e = 0;
          double[] w = v.clone();
          for (int i = w.length - 1; i >= 0; i--) {
            w[i] = w[i] * k + (i + 1 < w.length ? w[i + 1] : 0);
            e += w[i] * w[i] / (1 + k * k);
          }
          return e;
        }

        /** A cube whose derivatives the user registers, both orders. */
        static double cube(double x) {
          return x * x * x;
        }

        @dev.adjoint.CustomGradient("cube")
        static double cubePullback(double x, double seed, double[] dScalars) {
          dScalars[0] += seed * 3 * x * x;
          return cube(x);
        }

        @dev.adjoint.CustomHvp("cube")
        static double cubeHvp(double x, double seed, double[] dScalars, double vx,
            double seedTangent, double[] hScalars) {
          dScalars[0] += seed * 3 * x * x;
          hScalars[0] += seedTangent * 3 * x * x + seed * 6 * x * vx;
          return cube(x);
        }

        @Differentiable(order = 2)
        public static double registered(double[] x, double a) {
          return cube(a * x[0]) + Gates.logSumExp(x) * cube(x[1] - a);
        }
      }
      """;

  private static final Map<String, Compiled> COMPILED = new HashMap<>();

  private static Compiled compiled(String source) {
    return COMPILED.computeIfAbsent(source, Compiled::compile);
  }

  /** Layers whose HVP reads their own result, called where the caller holds it. */
  static final String GIVEN = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Given {
        @Differentiable(order = 2)
        public static double[] hidden(double[][] W, double[] b, double[] x) {
          double[] a = new double[b.length];
          for (int h = 0; h < b.length; h++) {
            double s = b[h];
            for (int d = 0; d < x.length; d++) {
              s += W[h][d] * x[d];
            }
            a[h] = Math.tanh(s);
          }
          return a;
        }

        /** Each example's activations, read by the loss. */
        @Differentiable(wrt = {"W", "b", "w"}, order = 2)
        public static double layered(double[][] W, double[] b, double[] w, double[][] X) {
          double total = 0;
          for (int i = 0; i < X.length; i++) {
            double[] a = hidden(W, b, X[i]);
            double p = 0;
            for (int h = 0; h < a.length; h++) {
              p += w[h] * a[h];
            }
            total += p * p;
          }
          return total;
        }

        /** Two layers, the second fed the first's activations. */
        @Differentiable(order = 2)
        public static double twoLayers(double[][] W, double[] b, double[][] V, double[] c,
            double[] x) {
          double[] a = hidden(W, b, x);
          double[] z = hidden(V, c, a);
          return z[0] * a[1] + z[1] * z[1];
        }

        /** The activations written after the call: what the layer returned is gone. */
        @Differentiable(order = 2)
        public static double overwritten(double[][] W, double[] b, double[] x) {
          double[] a = hidden(W, b, x);
          double s = a[0] * a[1];
          a[0] = 2 * a[0];
          return s + a[0] * a[1];
        }
      }
      """;

  static Stream<Arguments> cases() {
    double[][] W = {{0.3, -0.7, 0.5}, {1.1, 0.2, -0.4}};
    return Stream.of(
        LoopsAndArraysTest.cases().map(a -> withSource(LoopsAndArraysTest.SOURCE, a)),
        CarriedValuesTest.cases().map(a -> withSource(CarriedValuesTest.SOURCE, a)),
        LoopSpellingsTest.cases().map(a -> withSource(LoopSpellingsTest.SOURCE, a)),
        ScalarConstructsTest.cases().map(a -> withSource(ScalarConstructsTest.SOURCE, a)),
        SwitchTest.cases().map(a -> withSource(SwitchTest.SOURCE, a)),
        // losses calling layers that return arrays: the layers' HVPs in the losses'
        VectorOutputTest.losses().map(a -> withSource(VectorOutputTest.SOURCE, a)),
        Stream.of(
            Arguments.of(CompositionTest.REUSE, "overwriteAfterCall", new Object[] {0.7}),
            Arguments.of(CompositionTest.REUSE, "inLoopOverwrite",
                new Object[] {new double[] {0.3, -0.2, 0.5}, 0.4}),
            Arguments.of(CompositionTest.REUSE, "scalarReassigned", new Object[] {0.6}),
            Arguments.of(CompositionTest.REUSE, "loopCarried", new Object[] {0.6, 4}),
            Arguments.of(CompositionTest.REUSE, "whileBreak", new Object[] {0.9}),
            Arguments.of(CompositionTest.REUSE, "branches", new Object[] {-0.9, 0.3}),
            Arguments.of(CompositionTest.REUSE, "nestedCalls", new Object[] {0.8}),
            Arguments.of(CompositionTest.REUSE, "matrixRows",
                new Object[] {new double[][] {{0.3, -0.2}, {1.5, 0.4}}, new double[] {0.7, -1.1}}),
            Arguments.of(CompositionTest.REUSE, "accumulateArray",
                new Object[] {new double[] {0.3, -0.2, 0.5}})).map(a ->
            Arguments.of(Compiled.secondOrder((String) a.get()[0]), a.get()[1], a.get()[2])),
        Stream.of(
            Arguments.of(CALLS, "layer", new Object[] {W, new double[] {0.4, -1.2, 0.8},
                new double[] {0.1, -0.3}}),
            // far below zero e^-z overflows: softplus' second derivative is 0 there, not NaN
            Arguments.of(CALLS, "softplusFar", new Object[] {-800.0, 1.0}),
            Arguments.of(CALLS, "softplusFar", new Object[] {-3.0, 0.5}),
            Arguments.of(CALLS, "callsPartly", new Object[] {0.35}),
            Arguments.of(CALLS, "vectorNet", new Object[] {W, new double[] {0.4, -1.2, 0.8},
                new double[][] {{0.9, -0.3}, {0.5, 1.2}}}),
            Arguments.of(CALLS, "branchy", new Object[] {0.8, 0.3}),
            Arguments.of(CALLS, "branchy", new Object[] {-0.4, 0.9}),
            Arguments.of(CALLS, "registered", new Object[] {new double[] {0.3, -1.1, 0.6}, 0.7}),
            Arguments.of(GIVEN, "layered", new Object[] {W, new double[] {0.1, -0.3},
                new double[] {0.7, -1.2}, new double[][] {{0.4, -1.2, 0.8}, {-0.9, 0.5, 1.1}}}),
            Arguments.of(GIVEN, "twoLayers", new Object[] {W, new double[] {0.1, -0.3},
                new double[][] {{0.9, -0.3}, {0.5, 1.2}}, new double[] {0.2, -0.4},
                new double[] {0.4, -1.2, 0.8}}),
            Arguments.of(GIVEN, "overwritten", new Object[] {W, new double[] {0.1, -0.3},
                new double[] {0.4, -1.2, 0.8}})))
        .flatMap(s -> s);
  }

  private static Arguments withSource(String source, Arguments arguments) {
    Object[] a = arguments.get();
    return Arguments.of(Compiled.secondOrder(source), a[0], a[1]);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("cases")
  void hvpAndHessianMatchDerivativeStructure(String source, String method, Object[] args) {
    assertSecondOrder(compiled(source), source, method, args);
  }

  /**
   * The HVP of a loss over a batch of examples makes the adjoints of each example's layer
   * outputs, their tangents and the buffers for the rows of its data once per call, zeroed per
   * example, as the pullback does (its values are checked in {@link #cases}).
   */
  @Test
  void perExampleAdjointsAreMadeOncePerBatch() {
    String hvp = method(compiled(Compiled.secondOrder(VectorOutputTest.SOURCE))
        .generatedSource("demo.NetSweeps"), "batchLossHvp");
    assertTrue(hvp.contains("tdscores = dev.adjoint.Shapes.zeroed(tdscores, scores);"), hvp);
    assertTrue(hvp.contains("drow1 = dev.adjoint.Shapes.zeroed(drow1, row1);"), hvp);
    String loop = hvp.substring(hvp.indexOf("for (int i"));
    assertFalse(loop.contains("new double["), loop);
  }

  /**
   * A per-example matrix used row by row ({@code z = new double[n][H]}, cs231n's hidden layer)
   * is one row in the HVP as in the pullback, and so are its tangent, its adjoint and the
   * adjoint's tangent (its values are checked against Hipparchus in {@link #cases}: zeroed per
   * example where the source accumulates into the fresh matrix).
   */
  @Test
  void perExampleMatricesAreRowsInTheHvp() {
    String sweeps = compiled(Compiled.secondOrder(LoopsAndArraysTest.SOURCE))
        .generatedSource("demo.LoopsSweeps");
    for (String method : List.of("hiddenRowsHvp", "hiddenRowsBiasedHvp")) {
      String hvp = method(sweeps, method);
      for (String row : List.of("zRow", "tzRow", "dzRow", "tdzRow")) {
        assertTrue(hvp.contains("double[] " + row + " = new double[H];"), row + " in " + hvp);
      }
      String code = hvp.lines().filter(line -> !line.strip().startsWith("//"))
          .collect(Collectors.joining("\n"));
      assertFalse(code.contains("new double[n][H]"), hvp);
      assertFalse(code.contains("zerosLike"), hvp);
    }
  }

  /**
   * A layer's HVP called where the caller holds the value and tangent its JVP gave is called
   * given both ({@link dev.adjoint.processor.forward.GivenTangents}): it neither computes the
   * activations again nor allocates them; where the caller wrote into the value, the plain HVP
   * is called (the values are checked against Hipparchus in {@link #cases}).
   */
  @Test
  void layersAreGivenTheValueAndTangentTheirCallersHold() {
    String sweeps = compiled(GIVEN).generatedSource("demo.GivenSweeps");
    assertTrue(method(sweeps, "layeredHvp")
        .contains("hiddenHvpFrom(W, b, row1, a, da, dW, db, drow1, vW, vb, trow1, ta, tda,"),
        sweeps);
    String twoLayers = method(sweeps, "twoLayersHvp");
    assertTrue(twoLayers.contains("hiddenHvpFrom(V, c, a, z, ")
        && twoLayers.contains("hiddenHvpFrom(W, b, x, a, "), twoLayers);
    String variant = method(sweeps, "hiddenHvpFrom");
    assertFalse(variant.contains("Math.tanh") || variant.contains("new double"), variant);
    String overwritten = method(sweeps, "overwrittenHvp");
    assertTrue(overwritten.contains("GivenGrad.hiddenHvp(")
        && !overwritten.contains("hiddenHvpFrom"), overwritten);
  }

  /** An order-1 method has no second derivatives: no HVP, no Hessian in its API. */
  @Test
  void orderOneHasNoSecondDerivatives() {
    String source = CALLS.replace("@Differentiable(order = 2, wrt = {\"x\"})",
        "@Differentiable(wrt = {\"x\"})").replace("public static double callsPartly",
        "public static double unused").replace("partly(a * k + 0.5, 1.5)", "a * k");
    Compiled compiled = compiled(source);
    Class<?> grad = compiled.load("demo.CurvedGrad");
    assertThrows(NoSuchMethodException.class,
        () -> grad.getMethod("partlyHessian", double.class, double.class));
  }
}
