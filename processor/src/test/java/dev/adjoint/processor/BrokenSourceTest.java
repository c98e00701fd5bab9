package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.adjoint.processor.testing.Compiled;
import org.junit.jupiter.api.Test;

/**
 * Source that javac itself rejects gets javac's errors only: Adjoint neither crashes nor adds
 * errors of its own about code that does not compile.
 */
class BrokenSourceTest {
  @Test
  void undefinedNameIsLeftToJavac() {
    String source = """
        package demo;

        import dev.adjoint.Differentiable;

        public final class Broken {
          @Differentiable
          public static double f(double x) {
            return x * missing;
          }
        }
        """;
    Compilation compilation = Compiled.compilation(new DifferentiableProcessor(), source);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("cannot find symbol");
    assertThat(Compiled.errors(compilation)).doesNotContain("[adjoint.");
  }

  @Test
  void missingReturnIsLeftToJavac() {
    String source = """
        package demo;

        import dev.adjoint.Differentiable;

        public final class Broken {
          @Differentiable
          public static double f(double x) {
            if (x > 0) {
              return x;
            }
          }
        }
        """;
    Compilation compilation = Compiled.compilation(new DifferentiableProcessor(), source);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("missing return statement");
    assertThat(Compiled.errors(compilation)).doesNotContain("[adjoint.");
  }
}
