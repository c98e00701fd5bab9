package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;

import dev.adjoint.processor.testing.Compiled;
import org.junit.jupiter.api.Test;

/** Methods in the places users put them: the default package, interfaces, generic classes. */
class OwnersTest {
  @Test
  void defaultPackage() {
    String source = """
        import dev.adjoint.Differentiable;

        public final class Plain {
          @Differentiable
          public static double f(double x) {
            return x * Math.exp(x);
          }
        }
        """;
    assertGradient(Compiled.compile(source), source, "f", 0.3);
  }

  @Test
  void staticMethodOfAnInterfaceWithConstants() {
    String source = """
        package demo;

        import dev.adjoint.Differentiable;

        public interface Model {
          static final double SCALE = 2.5; // implicitly so in an interface; the oracle wants it said

          @Differentiable
          static double loss(double w, double x) {
            double e = w * x * SCALE - 1;
            return e * e;
          }
        }
        """;
    assertGradient(Compiled.compile(source), source, "loss", 0.4, 1.5);
  }

  @Test
  void genericClass() {
    String source = """
        package demo;

        import dev.adjoint.Differentiable;

        public final class Box<T extends Number> {
          final T content;

          Box(T content) {
            this.content = content;
          }

          @Differentiable
          public static double area(double w, double h) {
            return w * h;
          }
        }
        """;
    Compiled compiled = Compiled.compile(source);
    assertGradient(compiled, source, "area", 2.0, 3.0);
    assertThat(compiled.generatedSource("demo.BoxGrad")).contains("class BoxGrad");
  }
}
