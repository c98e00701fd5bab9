package dev.adjoint.processor.frontend;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.adjoint.processor.testing.Compiled;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;

/**
 * Adjoint types method bodies by having javac attribute the class during annotation processing.
 * That is unspecified javac behaviour: if a JDK changes it, this test fails loudly.
 */
class JavacAttributionTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Typed {
        @Differentiable
        public static double f(double x, int n) {
          double a = x * n + Math.max(n, 2);
          long k = n * 3L;
          return a / k + Math.max(x, 1.0f);
        }
      }
      """;

  /** Records the type javac gives each expression of each annotated method body. */
  static final class TypeRecorder extends AbstractProcessor {
    final List<String> types = new ArrayList<>();
    boolean attributed;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("dev.adjoint.Differentiable");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      Trees trees = Trees.instance(processingEnv);
      for (TypeElement annotation : annotations) {
        for (Element method : round.getElementsAnnotatedWith(annotation)) {
          TreePath path = trees.getPath(method);
          JavacAttribution javac = new JavacAttribution(trees);
          attributed = javac.attribute(path);
          new TreePathScanner<Void, Void>() {
            @Override
            public Void scan(Tree tree, Void unused) {
              if (tree instanceof ExpressionTree) {
                var type = javac.typeOf(new TreePath(getCurrentPath(), tree));
                types.add(tree + " : " + type);
              }
              return super.scan(tree, unused);
            }
          }.scan(new TreePath(path, ((com.sun.source.tree.MethodTree) path.getLeaf()).getBody()),
              null);
        }
      }
      return false;
    }
  }

  @Test
  void javacTypesEveryExpressionOfTheBody() {
    TypeRecorder recorder = new TypeRecorder();
    Compilation compilation = Compiled.compilation(recorder, SOURCE);
    assertThat(compilation).succeeded();
    assertThat(recorder.attributed).isTrue();
    assertThat(recorder.types).containsAtLeast(
        "x * n + Math.max(n, 2) : double",
        "Math.max(n, 2) : int",
        "n * 3L : long",
        "a / k : double",
        "Math.max(x, 1.0F) : double");
    assertThat(recorder.types.stream().filter(t -> t.endsWith(": null")).toList()).isEmpty();
  }

  @Test
  void classUsingItsOwnGeneratedGradCompiles() {
    String source = """
        package demo;

        import dev.adjoint.Differentiable;

        public final class Training {
          @Differentiable
          public static double loss(double w, double x, double y) {
            double e = w * x - y;
            return e * e;
          }

          public static double train(double w) {
            for (int step = 0; step < 100; step++) {
              w -= 0.1 * TrainingGrad.loss(w, 2.0, 4.0).dw();
            }
            return w;
          }
        }
        """;
    Compiled compiled = Compiled.compile(source);
    double w = (double) invokeStatic(compiled.load("demo.Training"), "train", 0.0);
    assertThat(w).isWithin(1e-9).of(2.0);
  }

  private static Object invokeStatic(Class<?> type, String name, double arg) {
    try {
      return type.getMethod(name, double.class).invoke(null, arg);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
