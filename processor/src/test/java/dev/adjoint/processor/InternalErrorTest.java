package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.adjoint.processor.testing.Compiled;
import org.junit.jupiter.api.Test;

/** An unexpected failure in one method is an error on that method; the others still compile. */
class InternalErrorTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Two {
        @Differentiable
        public static double broken(double x) {
          return x * x;
        }

        @Differentiable
        public static double fine(double x) {
          return x * 3;
        }
      }
      """;

  @Test
  void failureBecomesAnErrorOnThatMethodOnly() {
    var processor = new DifferentiableProcessor(method -> {
      if (method.getSimpleName().contentEquals("broken")) {
        throw new IllegalStateException("simulated bug");
      }
    });
    // A user of the class: compiles only if TwoGrad.fine was generated.
    String user = """
        package demo;

        final class User {
          static double use() {
            return TwoGrad.fine(2.0).dx();
          }
        }
        """;
    Compilation compilation = Compiled.compilation(processor, SOURCE, user);
    assertThat(compilation).hadErrorContaining(
            "[adjoint.internal-error] internal error while differentiating 'broken'")
        .inFile(Compiled.fileObjects(SOURCE).get(0))
        .onLineContaining("public static double broken(double x)");
    assertThat(compilation).hadErrorContaining("simulated bug");
    assertThat(compilation).hadErrorCount(1);
  }
}
