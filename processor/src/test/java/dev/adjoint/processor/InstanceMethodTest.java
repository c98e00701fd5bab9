package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.processor.testing.Compiled;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * An instance method reads its object's fields as constants; the generated methods take the
 * object first ({@code self}).
 */
class InstanceMethodTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Layer {
        final double scale;
        final double[] weights;
        private final double hidden = 0.5;

        public Layer(double scale, double[] weights) {
          this.scale = scale;
          this.weights = weights;
        }

        @Differentiable
        public double apply(double[] x, double bias) {
          double s = bias * this.hidden;
          for (int i = 0; i < x.length; i++) {
            s += weights[i] * Math.tanh(scale * x[i]);
          }
          return s * s;
        }
      }
      """;

  @Test
  void readsFieldsAsConstantsAndTakesTheObjectFirst() throws Exception {
    Compiled compiled = Compiled.compile(SOURCE);
    Class<?> layerClass = compiled.load("demo.Layer");
    Object layer = layerClass.getConstructor(double.class, double[].class)
        .newInstance(1.5, new double[] {0.3, -0.7, 0.2});
    Method apply = layerClass.getMethod("apply", double[].class, double.class);
    Method gradient = compiled.load("demo.LayerGrad")
        .getMethod("apply", layerClass, double[].class, double.class);
    double[] x = {0.4, -0.1, 0.9};
    Object record = gradient.invoke(null, layer, x, 0.25);
    double value = (double) record.getClass().getMethod("value").invoke(record);
    double[] dx = (double[]) record.getClass().getMethod("dx").invoke(record);
    double dbias = (double) record.getClass().getMethod("dbias").invoke(record);
    assertThat(value).isEqualTo((double) apply.invoke(layer, x, 0.25));
    double h = 1e-6;
    for (int i = 0; i < x.length; i++) {
      double[] plus = x.clone();
      double[] minus = x.clone();
      plus[i] += h;
      minus[i] -= h;
      double numerical = ((double) apply.invoke(layer, plus, 0.25)
          - (double) apply.invoke(layer, minus, 0.25)) / (2 * h);
      assertThat(dx[i]).isWithin(1e-7).of(numerical);
    }
    double numerical = ((double) apply.invoke(layer, x, 0.25 + h)
        - (double) apply.invoke(layer, x, 0.25 - h)) / (2 * h);
    assertThat(dbias).isWithin(1e-7).of(numerical);
    assertThat(compiled.generatedSource("demo.LayerSweeps")).contains("self.weights[i]");
  }
}
