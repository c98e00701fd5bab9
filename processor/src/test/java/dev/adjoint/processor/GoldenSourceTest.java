package dev.adjoint.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.testing.Compiled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated source is a user interface: these files pin it down. Regenerate them after an
 * intended change with {@code ./mvnw verify -Dadjoint.golden.update=true}, then review the diff.
 */
class GoldenSourceTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final boolean UPDATE = Boolean.getBoolean("adjoint.golden.update");

  static final String CIRCUITS = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Circuits {
        /** cs231n: f = (x + y) z. */
        @Differentiable
        public static double circuit(double x, double y, double z) {
          double q = x + y;
          return q * z;
        }

        /** cs231n's sigmoid neuron. */
        @Differentiable
        public static double neuron(double w0, double w1, double w2, double x0, double x1) {
          double dot = w0 * x0 + w1 * x1 + w2;
          return 1.0 / (1.0 + Math.exp(-dot));
        }
      }
      """;

  static final String PIECEWISE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Piecewise {
        static final double KNEE = 1.0;

        /** Huber loss of a residual, with the weight differentiated too. */
        @Differentiable
        public static double huber(double residual, double weight) {
          double a = Math.abs(residual);
          if (a <= KNEE) {
            return weight * 0.5 * residual * residual;
          }
          double linear = KNEE * (a - 0.5 * KNEE);
          return weight * linear;
        }

        /** A leaky rectifier with a selectable slope, w.r.t. x only. */
        @Differentiable(wrt = {"x"})
        public static double leaky(double x, double slope, boolean enabled) {
          double y = x;
          if (enabled && x < 0) {
            y = slope * x;
          }
          return y * y + Math.max(x, 0);
        }
      }
      """;

  static final String LAYERS = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Layers {
        /** cs231n's vectorized example: f = |W x|^2, then a tanh layer summed. */
        @Differentiable
        public static double layer(double[][] W, double[] x) {
          double[] q = new double[W.length];
          for (int i = 0; i < W.length; i++) {
            for (int j = 0; j < x.length; j++) {
              q[i] += W[i][j] * x[j];
            }
          }
          double f = 0;
          for (int i = 0; i < q.length; i++) {
            double h = Math.tanh(q[i]);
            f += h * h;
          }
          return f;
        }
      }
      """;

  static final String SECOND_ORDER = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Curvature {
        /** cs231n's sigmoid neuron, with its Hessian. */
        @Differentiable(order = 2)
        public static double neuron(double w0, double w1, double w2, double x0, double x1) {
          double dot = w0 * x0 + w1 * x1 + w2;
          return 1.0 / (1.0 + Math.exp(-dot));
        }

        /** A recurrence (its old values go on the tape, with their tangents) and a call. */
        @Differentiable(order = 2)
        public static double damped(double[] x, double decay) {
          double s = 0;
          int i = 0;
          while (i < x.length) {
            s = s * decay + Math.sin(x[i]);
            i++;
          }
          return neuron(s, decay, 0.5, 1.0, -1.0);
        }
      }
      """;

  static final String VECTORS = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.Vectors;

      public final class Layered {
        /** A dense layer, a vector output: its pullback takes the output's adjoint as the seed. */
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

        /** Layers composed, the last one's gradient p - onehot. */
        @Differentiable(wrt = {"W1", "b1", "W2", "b2"})
        public static double loss(double[][] W1, double[] b1, double[][] W2, double[] b2,
            double[] x, int label) {
          double[] hidden = Vectors.relu(dense(W1, b1, x));
          return Vectors.softmaxCrossEntropy(dense(W2, b2, hidden), label);
        }
      }
      """;

  static Stream<Arguments> sources() {
    return Stream.of(Arguments.of(CIRCUITS, "demo.CircuitsGrad"),
        Arguments.of(CIRCUITS, "demo.CircuitsSweeps"),
        Arguments.of(PIECEWISE, "demo.PiecewiseSweeps"),
        Arguments.of(LAYERS, "demo.LayersSweeps"),
        Arguments.of(SECOND_ORDER, "demo.CurvatureGrad"),
        Arguments.of(SECOND_ORDER, "demo.CurvatureSweeps"),
        Arguments.of(VECTORS, "demo.LayeredGrad"),
        Arguments.of(VECTORS, "demo.LayeredSweeps"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("sources")
  void generatedSourceMatchesGoldenFile(String source, String generated) throws IOException {
    String actual = Compiled.compile(source).generatedSource(generated);
    Path golden = GOLDEN.resolve(generated.substring(generated.lastIndexOf('.') + 1) + ".java");
    if (UPDATE) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
      return;
    }
    assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual,
        "generated source changed; if intended, run with -Dadjoint.golden.update=true");
  }
}
