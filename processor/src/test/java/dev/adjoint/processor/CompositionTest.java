package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.testing.Compiled;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls between differentiable methods, custom gradients, the runtime's gates and stopGradient,
 * each checked against finite differences of the original methods (the exact oracle interprets
 * a single method body, so calls are checked numerically here) and against the same computation
 * written inline.
 */
class CompositionTest {
  private static final String LAYERS = """
      package demo;

      import dev.adjoint.CustomGradient;
      import dev.adjoint.Differentiable;
      import dev.adjoint.Gates;

      public final class Layers {
        @Differentiable
        public static double dot(double[] a, double[] b) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
          }
          return s;
        }

        static double cube(double x) {
          return x * x * x;
        }

        @CustomGradient("cube")
        static double cubePullback(double x, double seed, double[] dScalars) {
          dScalars[0] += seed * 3 * x * x;
          return cube(x);
        }

        @Differentiable
        public static double neuron(double[] w, double[] x, double bias) {
          return Gates.sigmoid(dot(w, x) + bias);
        }

        @Differentiable
        public static double nested(double x) {
          return Math.sin(cube(Gates.softplus(x)));
        }

        @Differentiable
        public static double nestedInline(double x) {
          double s = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
          return Math.sin(s * s * s);
        }

        @Differentiable
        public static double fanOut(double x, double y) {
          double r = cube(x * y);
          return r * r + Math.exp(r) + Gates.relu(r - 0.1) + Gates.leakyRelu(y - x, 0.1);
        }

        @Differentiable(wrt = {"w"})
        public static double inLoop(double[] w, double[][] data) {
          double loss = 0;
          for (int n = 0; n < data.length; n++) {
            double[] x = copy(data, n);
            double p = neuron(w, x, 0.5);
            loss += (p - 0.3) * (p - 0.3);
          }
          return loss / data.length + Gates.logSumExp(w);
        }

        static double[] copy(double[][] data, int n) {
          return data[n].clone();
        }

        @Differentiable
        public static double power(double x, int n) {
          if (n == 0) {
            return 1;
          }
          return x * power(x, n - 1);
        }

        @Differentiable
        public static double stopped(double x) {
          double scale = Gates.stopGradient(x * x);
          return scale * x;
        }

        @Differentiable(wrt = {"b"})
        public static double partly(double a, double b) {
          return a * b * b;
        }

        @Differentiable
        public static double callsPartly(double b) {
          return partly(2.0, b) + constants(3);
        }

        static double constants(int n) {
          return Math.floor(n * 1.5);
        }
      }
      """;

  private static final double[] W = {0.3, -0.2, 0.5};
  private static final double[][] DATA = {{1.5, 0.5, -1.0}, {-0.5, 2.0, 0.25}};

  @Test
  void callsAndCustomGradientsMatchFiniteDifferences() {
    Compiled compiled = Compiled.compile(LAYERS);
    assertNumerically(compiled, "neuron", W, new double[] {1.5, 0.5, -1.0}, 0.1);
    assertNumerically(compiled, "nested", 0.7);
    assertNumerically(compiled, "nested", -0.4);
    assertNumerically(compiled, "fanOut", 0.8, 0.9);
    assertNumerically(compiled, "fanOut", -0.8, 0.3);
    assertNumerically(compiled, "inLoop", W, DATA);
    assertNumerically(compiled, "power", 1.5, 4);
    assertNumerically(compiled, "callsPartly", 0.6);
  }

  @Test
  void aCallGivesTheSameGradientAsTheCodeWrittenInline() {
    Compiled compiled = Compiled.compile(LAYERS);
    for (double x : new double[] {-1.3, 0.2, 0.9}) {
      var called = compiled.gradient("demo.Layers", "nested", x);
      var inline = compiled.gradient("demo.Layers", "nestedInline", x);
      assertThat(called.value()).isWithin(1e-15).of(inline.value());
      assertThat(called.partials()[0]).isWithin(1e-12).of(inline.partials()[0]);
    }
  }

  @Test
  void recursionIsDifferentiatedExactly() {
    var g = Compiled.compile(LAYERS).gradient("demo.Layers", "power", 1.5, 4);
    assertThat(g.value()).isEqualTo(5.0625);
    assertThat(g.partials()[0]).isEqualTo(4 * 1.5 * 1.5 * 1.5);
  }

  @Test
  void stopGradientTreatsItsValueAsAConstant() {
    var g = Compiled.compile(LAYERS).gradient("demo.Layers", "stopped", 0.5);
    assertThat(g.value()).isEqualTo(0.125);
    assertThat(g.partials()[0]).isEqualTo(0.25); // d/dx (c * x) with c = x^2 held fixed
  }

  @Test
  void separateCompilationCallsTheCalleesPullbackFromAJar(@TempDir Path dir) throws Exception {
    String library = """
        package lib;

        import dev.adjoint.Differentiable;

        public final class Activations {
          @Differentiable
          public static double swish(double x) {
            return x / (1 + Math.exp(-x));
          }
        }
        """;
    Compilation compiledLibrary = Compiled.compilation(new DifferentiableProcessor(), library);
    assertThat(compiledLibrary).succeeded();
    Path classes = Files.createDirectories(dir.resolve("lib-classes"));
    for (JavaFileObject file : compiledLibrary.generatedFiles()) {
      if (file.getKind() == JavaFileObject.Kind.CLASS) {
        String path = file.toUri().getPath();
        Path target = classes.resolve(path.substring(path.indexOf("CLASS_OUTPUT/") + 13));
        Files.createDirectories(target.getParent());
        try (InputStream in = file.openInputStream()) {
          Files.write(target, in.readAllBytes());
        }
      }
    }
    Path jar = dir.resolve("lib.jar");
    jar(classes, jar);
    String user = """
        package app;

        import dev.adjoint.Differentiable;
        import lib.Activations;

        public final class Model {
          @Differentiable
          public static double f(double x, double y) {
            return Activations.swish(x * y) + y;
          }
        }
        """;
    Compilation compilation = Compiler.javac()
        .withProcessors(new DifferentiableProcessor())
        .withClasspath(List.of(runtimeJar(), jar.toFile()))
        .withOptions("-parameters")
        .compile(Compiled.fileObjects(user));
    assertThat(compilation).succeeded();
    assertThat(compilation).generatedSourceFile("app.ModelSweeps")
        .contentsAsUtf8String().contains("lib.ActivationsGrad.swishPullback(");
  }

  private static void jar(Path classes, Path jar) throws IOException {
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
        var files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new java.util.jar.JarEntry(
            classes.relativize(file).toString().replace(File.separatorChar, '/')));
        out.write(Files.readAllBytes(file));
        out.closeEntry();
      }
    }
  }

  private static File runtimeJar() throws URISyntaxException {
    return new File(Differentiable.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
  }

  /** Compares the generated gradient with centered differences of the original method. */
  private static void assertNumerically(Compiled compiled, String method, Object... args) {
    var g = compiled.gradient("demo.Layers", method, args);
    assertThat(g.value()).isEqualTo(compiled.primal("demo.Layers", method, args));
    List<Double> numerical = new ArrayList<>();
    var parameters = java.util.Arrays.stream(compiled.load("demo.Layers").getDeclaredMethods())
        .filter(m -> m.getName().equals(method)).findFirst().orElseThrow().getParameters();
    var differentiated = g.names().stream().map(n -> n.replaceAll("\\[.*", "")).toList();
    for (int i = 0; i < args.length; i++) {
      if (!differentiated.contains("d" + parameters[i].getName())) {
        continue;
      }
      if (args[i] instanceof Double x) {
        numerical.add(difference(compiled, method, args, i, -1, -1, x));
      } else if (args[i] instanceof double[] row) {
        for (int j = 0; j < row.length; j++) {
          numerical.add(difference(compiled, method, args, i, j, -1, row[j]));
        }
      } else if (args[i] instanceof double[][] m) {
        for (int r = 0; r < m.length; r++) {
          for (int c = 0; c < m[r].length; c++) {
            numerical.add(difference(compiled, method, args, i, r, c, m[r][c]));
          }
        }
      }
    }
    assertThat(g.partials().length).isEqualTo(numerical.size());
    for (int k = 0; k < numerical.size(); k++) {
      double a = g.partials()[k];
      double n = numerical.get(k);
      assertThat(Math.abs(a - n) / Math.max(1, Math.abs(a) + Math.abs(n)))
          .isLessThan(1e-6);
    }
  }

  private static double difference(Compiled compiled, String method, Object[] args, int i, int j,
      int k, double x) {
    double h = 1e-6 * Math.max(1, Math.abs(x));
    return (compiled.primal("demo.Layers", method, probe(args, i, j, k, x + h))
        - compiled.primal("demo.Layers", method, probe(args, i, j, k, x - h))) / (2 * h);
  }

  private static Object[] probe(Object[] args, int i, int j, int k, double v) {
    Object[] copy = Compiled.deepCopy(args);
    if (j < 0) {
      copy[i] = v;
    } else if (k < 0) {
      ((double[]) copy[i])[j] = v;
    } else {
      ((double[][]) copy[i])[j][k] = v;
    }
    return copy;
  }

}
