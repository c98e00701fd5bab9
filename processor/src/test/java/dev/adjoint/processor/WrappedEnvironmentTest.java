package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.adjoint.processor.testing.Compiled;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;

/**
 * Build tools hand processors a wrapped environment: Gradle a class with a {@code delegate}
 * field, IntelliJ a proxy. Adjoint finds javac behind both; where there is none (a compiler
 * without the Tree API), each method gets one clear error.
 */
class WrappedEnvironmentTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Wrapped {
        @Differentiable
        public static double f(double x, double y) {
          return x * y;
        }

        @Differentiable
        public static double g(double x) {
          return x * x;
        }
      }
      """;

  /** An invocation handler holding the real environment, as IntelliJ's proxies do. */
  static final class ProxyHandler implements InvocationHandler {
    private final ProcessingEnvironment delegate;

    ProxyHandler(ProcessingEnvironment delegate) {
      this.delegate = delegate;
    }

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args)
        throws Throwable {
      return method.invoke(delegate, args);
    }
  }

  /** Runs Adjoint with the environment javac gives, wrapped by {@code wrap}. */
  static final class WrappingProcessor extends AbstractProcessor {
    private final DifferentiableProcessor adjoint = new DifferentiableProcessor();
    private final java.util.function.UnaryOperator<ProcessingEnvironment> wrap;

    WrappingProcessor(java.util.function.UnaryOperator<ProcessingEnvironment> wrap) {
      this.wrap = wrap;
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
      super.init(env);
      adjoint.init(wrap.apply(env));
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return adjoint.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return adjoint.getSupportedSourceVersion();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return adjoint.process(annotations, round);
    }
  }

  private static ProcessingEnvironment proxy(InvocationHandler handler) {
    return (ProcessingEnvironment) Proxy.newProxyInstance(
        WrappedEnvironmentTest.class.getClassLoader(),
        new Class<?>[] {ProcessingEnvironment.class}, handler);
  }

  /** A class wrapper with a field named delegate, as Gradle's is. */
  static final class DelegateField extends ForwardingEnvironment {
    DelegateField(ProcessingEnvironment delegate) {
      super(delegate);
    }
  }

  @Test
  void gradleStyleWrapper() {
    Compilation compilation =
        Compiled.compilation(new WrappingProcessor(DelegateField::new), SOURCE);
    assertThat(compilation).succeeded();
    assertThat(compilation).generatedSourceFile("demo.WrappedGrad");
  }

  @Test
  void intellijStyleProxy() {
    Compilation compilation = Compiled.compilation(
        new WrappingProcessor(env -> proxy(new ProxyHandler(env))), SOURCE);
    assertThat(compilation).succeeded();
    assertThat(compilation).generatedSourceFile("demo.WrappedGrad");
  }

  @Test
  void withoutTreeApiEachMethodGetsOneError() {
    // A proxy that hides javac: like a compiler without com.sun.source (Eclipse's).
    ProcessingEnvironment[] hidden = new ProcessingEnvironment[1];
    InvocationHandler opaque = (proxy, method, args) -> method.invoke(hidden[0], args);
    Compilation compilation = Compiled.compilation(new WrappingProcessor(env -> {
      hidden[0] = env;
      return proxy(opaque);
    }), SOURCE);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(2);
    assertThat(compilation).hadErrorContaining("[adjoint.no-trees]")
        .inFile(Compiled.fileObjects(SOURCE).get(0))
        .onLineContaining("double f(double x, double y)");
    assertThat(compilation).hadErrorContaining("[adjoint.no-trees]")
        .inFile(Compiled.fileObjects(SOURCE).get(0))
        .onLineContaining("double g(double x)");
    assertThat(compilation.errors().get(0).getMessage(null)).contains("build with javac");
  }
}
