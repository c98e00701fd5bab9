package dev.adjoint.processor.testing;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.adjoint.processor.DifferentiableProcessor;
import dev.adjoint.processor.diagnostics.Message;

/** Negative tests of the diagnostics: a bad source, and the error it must get. */
public final class ErrorAssertions {
  private ErrorAssertions() {}

  /** Class {@code bad.Bad}, with a static and an instance field, around {@code members}. */
  public static String badClass(String members) {
    return """
        package bad;

        import dev.adjoint.Differentiable;

        public class Bad {
          static double field = 1;
          double instance = 2;

          %s
        }
        """.formatted(members);
  }

  /**
   * Compiles {@code source} and checks it fails with {@code message}'s id, in the source file, on
   * the line containing {@code lineContaining}, with every one of {@code textParts} in its text.
   */
  public static Compilation assertError(String source, Message message, String lineContaining,
      String... textParts) {
    Compilation compilation = Compiled.compilation(new DifferentiableProcessor(), source);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining("[" + message.id() + "]")
        .inFile(Compiled.fileObjects(source).get(0))
        .onLineContaining(lineContaining);
    String text = compilation.errors().stream()
        .map(d -> d.getMessage(null))
        .filter(m -> m.contains(message.id()))
        .findFirst().orElseThrow();
    for (String part : textParts) {
      assertThat(text).contains(part);
    }
    return compilation;
  }
}
