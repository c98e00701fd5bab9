package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.testing.Compiled.method;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.oracle.HipparchusOracle;
import dev.adjoint.processor.testing.Compiled;
import dev.adjoint.processor.testing.GradientAssertions;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls between differentiable methods, custom gradients, the runtime's gates and stopGradient,
 * each checked with {@link GradientAssertions#assertGradient}: against the Hipparchus oracle,
 * which interprets the callees' bodies and the gates' definitions (never the registered
 * pullbacks, so a wrong custom gradient shows), and against finite differences of the original
 * methods; and against the same computation written inline.
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

        /** Found by the fuzzer: stopGradient as a whole returned value and as an arm of ?:. */
        @Differentiable
        public static double stoppedEarly(double a) {
          if (a > 0) {
            return Gates.stopGradient(a);
          }
          double t = a < -1 ? Gates.stopGradient(a) : a * a;
          return t * a;
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

  private static final String ROWS = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.Gates;

      public final class Rows {
        @Differentiable
        public static double dot(double[] a, double[] b) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
          }
          return s;
        }

        /** Rows of a matrix passed to a differentiable callee, directly and through a name. */
        @Differentiable
        public static double layer(double[][] W, double[] x) {
          double s = 0;
          for (int i = 0; i < W.length; i++) {
            s += Gates.sigmoid(dot(W[i], x));
          }
          double[] first = W[0];
          double[][] local = new double[2][2];
          for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
              local[i][j] = W[i][j] * x[j];
            }
          }
          return s + dot(first, x) * dot(local[1], x);
        }
      }
      """;

  @Test
  void rowsOfAMatrixPassedToACallee() {
    Compiled compiled = Compiled.compile(ROWS);
    assertGradient(compiled, ROWS, "layer",
        new double[][] {{0.1, 0.5}, {-0.3, 0.8}, {0.7, -0.2}}, new double[] {0.2, 0.4});
  }

  @Test
  void callsAndCustomGradientsMatchTheOracles() {
    Compiled compiled = Compiled.compile(LAYERS);
    assertGradient(compiled, LAYERS, "dot", W, new double[] {1.5, 0.5, -1.0});
    assertGradient(compiled, LAYERS, "neuron", W, new double[] {1.5, 0.5, -1.0}, 0.1);
    assertGradient(compiled, LAYERS, "nested", 0.7);
    assertGradient(compiled, LAYERS, "nested", -0.4);
    assertGradient(compiled, LAYERS, "nestedInline", 0.7);
    assertGradient(compiled, LAYERS, "nestedInline", -0.4);
    assertGradient(compiled, LAYERS, "fanOut", 0.8, 0.9);
    assertGradient(compiled, LAYERS, "fanOut", -0.8, 0.3);
    assertGradient(compiled, LAYERS, "inLoop", W, DATA);
    assertGradient(compiled, LAYERS, "power", 1.5, 4);
    assertGradient(compiled, LAYERS, "power", 1.5, 0);
    assertGradient(compiled, LAYERS, "power", -0.7, 7);
    // stopGradient: finite differences of the original method see x^3, so the exact oracle
    // alone can check it.
    assertExact(compiled, LAYERS, "stopped", 0.5);
    assertExact(compiled, LAYERS, "stopped", -1.5);
    assertExact(compiled, LAYERS, "stoppedEarly", 0.5);
    assertExact(compiled, LAYERS, "stoppedEarly", -2.0);
    assertExact(compiled, LAYERS, "stoppedEarly", -0.5);
    assertGradient(compiled, LAYERS, "partly", 2.0, 3.0);
    assertGradient(compiled, LAYERS, "callsPartly", 0.6);
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
        .contentsAsUtf8String().contains("lib.ActivationsGrad.swishPullback(t1, dt2, dScalars)");
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

  private static final String NET = """
      package demo;

      import dev.adjoint.CustomGradient;
      import dev.adjoint.Differentiable;
      import dev.adjoint.Gates;

      public final class Net {
        @Differentiable
        static double affine(double[] w, double[] x, double b) {
          double s = b;
          for (int i = 0; i < w.length; i++) {
            s += w[i] * x[i];
          }
          return s;
        }

        @Differentiable
        static double affine(double[][] w, int row, double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += w[row][i] * x[i];
          }
          return s;
        }

        static double[] biases(int n) {
          double[] b = new double[n];
          for (int i = 0; i < n; i++) {
            b[i] = 0.25 * i - 0.2;
          }
          return b;
        }

        @Differentiable
        public static double mlp(double[][] w1, double[] w2, double[] x) {
          double[] b = biases(w1.length);
          double[] h = new double[w1.length];
          for (int i = 0; i < w1.length; i++) {
            h[i] = Gates.relu(affine(w1, i, x) + b[i]);
          }
          return Gates.sigmoid(Net.affine(w2, h, 0.1));
        }

        @Differentiable(wrt = "scores")
        static double pick(int[] labels, double[] scores, int n) {
          return scores[labels[n]];
        }

        @Differentiable
        public static double softmaxLoss(double[] scores, int[] labels, int n) {
          return Gates.logSumExp(scores) - pick(labels, scores, n);
        }

        static double norm(double x, double y) {
          return Math.sqrt(x * x + y * y);
        }

        @CustomGradient("norm")
        static double normPullback(double x, double y, double seed, double[] dScalars) {
          double r = norm(x, y);
          dScalars[0] += seed * x / r;
          dScalars[1] += seed * y / r;
          return r;
        }

        @Differentiable
        public static double distance(double x, double y) {
          return norm(x - 1, 2 * y) * Gates.softplus(y);
        }

        @Differentiable(wrt = "a")
        static double tanhSum(double[] a, int from) {
          if (from == a.length) {
            return 0;
          }
          return Math.tanh(a[from]) + tanhSum(a, from + 1);
        }

        @Differentiable
        public static double recursiveSum(double[] a) {
          return tanhSum(a, 0) * a[0];
        }

        @Differentiable
        static double scaled(double x, int k) {
          return x * k;
        }

        @Differentiable
        static double scaled(double x, double k) {
          return x / k;
        }

        @Differentiable
        public static double overloads(double x, double y) {
          return scaled(x, 3) + scaled(x, y) + scaled(y, 2L);
        }

        @Differentiable
        public static double gates(double x, double slope) {
          return Gates.relu(x) + Gates.leakyRelu(x, slope) + Gates.softplus(x)
              + Gates.sigmoid(slope * x);
        }

        @Differentiable
        public static double ties(double[] x) {
          return Gates.logSumExp(x) * x[0];
        }
      }
      """;

  private static final double[][] W1 = {{0.3, -0.2, 0.5}, {-0.4, 0.1, 0.2}, {0.6, 0.6, -0.1}};
  private static final double[] W2 = {0.7, -1.1, 0.4};

  @Test
  void helpersOverloadsArraysAndGatesMatchTheOracles() {
    Compiled compiled = Compiled.compile(NET);
    assertGradient(compiled, NET, "mlp", W1, W2, new double[] {1.5, 0.5, -1.0});
    assertGradient(compiled, NET, "mlp", W1, W2, new double[] {-0.5, 2.0, 0.25});
    assertGradient(compiled, NET, "softmaxLoss", new double[] {1.0, -2.0, 0.5},
        new int[] {2, 0}, 0);
    assertGradient(compiled, NET, "softmaxLoss", new double[] {1.0, -2.0, 0.5},
        new int[] {2, 0}, 1);
    assertGradient(compiled, NET, "distance", 0.3, -0.8);
    assertGradient(compiled, NET, "distance", 2.5, 1.2);
    assertGradient(compiled, NET, "recursiveSum", (Object) new double[] {0.3, -1.2, 2.0});
    assertGradient(compiled, NET, "overloads", 0.7, 1.6);
    assertGradient(compiled, NET, "gates", 0.8, 0.1);
    assertGradient(compiled, NET, "gates", -0.8, 0.1);
    assertGradient(compiled, NET, "gates", -3.0, -2.5);
    assertGradient(compiled, NET, "ties", (Object) new double[] {0.3, -1.2, 2.0});
  }

  /**
   * At the gates' kinks finite differences mean nothing, so the generated gradient is compared
   * with the exact oracle alone: relu and leakyRelu have derivative 0 (in x) at 0, and a tie for
   * the maximum does not change logSumExp's gradient.
   */
  @Test
  void gatesAtTheirKinksMatchTheExactOracle() {
    Compiled compiled = Compiled.compile(NET);
    assertExact(compiled, NET, "gates", 0.0, 0.1);
    assertExact(compiled, NET, "gates", -0.0, -2.5);
    assertExact(compiled, NET, "ties", (Object) new double[] {2.0, 2.0, -1.0});
    assertExact(compiled, NET, "ties", (Object) new double[] {1000.0, 1000.0});
    // relu's kink inside the network: the first hidden unit's pre-activation
    // 0.3 x0 - 0.2 x1 + 0.5 x2 - 0.2 is exactly 0.
    assertExact(compiled, NET, "mlp", W1, W2, new double[] {0.0, -1.0, 0.0});
  }

  /** Gates with a rule in the table are differentiated inline, from the gate's saved value. */
  @Test
  void tabulatedGatesAreWrittenInline() {
    Compiled compiled = Compiled.compile(NET);
    String sweeps = compiled.generatedSource("demo.NetSweeps");
    String gates = sweeps.substring(sweeps.indexOf(" gatesPullback("));
    gates = gates.substring(gates.indexOf("// backward sweep"), gates.indexOf("\n  }\n"));
    // no gate's pullback is called; softplus' derivative is the sigmoid, called as a function
    assertThat(gates).doesNotContainMatch("dev\\.adjoint\\.Gates\\.(?!sigmoid\\(x\\) \\*)");
    assertThat(gates).doesNotContain("dArgs");
    assertThat(gates).containsMatch("\\* \\(1 - \\w+\\) \\*"); // s * (1 - s) * g
  }

  @Test
  void aWrongCustomGradientIsCaughtByTheExactOracle() {
    // The pullback forgets the factor 3: the processor trusts it, the oracle differentiates
    // cube's body.
    String source = LAYERS.replace("dScalars[0] += seed * 3 * x * x;",
        "dScalars[0] += seed * x * x;");
    Compiled compiled = Compiled.compile(source);
    AssertionError e = assertThrows(AssertionError.class,
        () -> GradientAssertions.assertGradient(compiled, source, "nested", 0.7));
    assertThat(e).hasMessageThat().contains("exact (Hipparchus)");
  }

  /**
   * Calls whose arguments the forward sweep overwrites afterwards (the callee's pullback needs
   * the old values), calls carried through loops, under branches and nested in each other.
   */
  static final String REUSE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.Gates;

      public final class Reuse {
        @Differentiable
        public static double dot(double[] a, double[] b) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
          }
          return s;
        }

        @Differentiable
        public static double cube(double x) {
          return x * x * x;
        }

        @Differentiable
        public static double overwriteAfterCall(double x) {
          double[] v = {x, 2 * x};
          double a = dot(v, v);
          v[0] = 5;
          v[1] = v[1] * x;
          return a + v[0] * x + v[1];
        }

        @Differentiable
        public static double inLoopOverwrite(double[] w, double x) {
          double[] v = new double[w.length];
          double s = 0;
          for (int k = 0; k < 3; k++) {
            for (int i = 0; i < v.length; i++) {
              v[i] = w[i] * (x + k);
            }
            s += dot(v, w);
          }
          return s;
        }

        @Differentiable
        public static double scalarReassigned(double x) {
          double y = x;
          double a = cube(y);
          y = y * 2;
          a = a + cube(y);
          y = Math.sin(y);
          return a * cube(y);
        }

        @Differentiable
        public static double loopCarried(double x, int n) {
          double r = x;
          for (int k = 0; k < n; k++) {
            r = cube(Math.sin(r)) + Gates.sigmoid(r) * k;
          }
          return r;
        }

        @Differentiable
        public static double whileBreak(double x) {
          double r = x;
          int k = 0;
          while (true) {
            r = cube(r) * 0.5 + Gates.softplus(r);
            k++;
            if (r > 4 || k > 10) {
              break;
            }
          }
          return r;
        }

        @Differentiable
        public static double branches(double x, double y) {
          double s;
          if (cube(x) > y) {
            s = cube(y) * x;
          } else {
            double[] u = {x, y};
            double[] v = {y, x};
            s = dot(u, v);
          }
          return s + (x > 0 ? cube(x) : cube(-x));
        }

        @Differentiable
        public static double nestedCalls(double x) {
          return cube(cube(Gates.sigmoid(cube(x))));
        }

        @Differentiable
        public static double matrixRows(double[][] m, double[] x) {
          double s = 0;
          for (int i = 0; i < m.length; i++) {
            double[] row = new double[m[i].length];
            for (int j = 0; j < row.length; j++) {
              row[j] = m[i][j];
            }
            s += Gates.sigmoid(dot(row, x)) * Gates.logSumExp(row);
          }
          return s;
        }

        @Differentiable
        public static double accumulateArray(double[] w) {
          double[] acc = new double[w.length];
          for (int k = 0; k < 3; k++) {
            for (int i = 0; i < w.length; i++) {
              acc[i] += w[i] * dot(acc, w);
            }
          }
          return Gates.logSumExp(acc) + dot(acc, acc);
        }
      }
      """;

  @Test
  void callsUnderOverwritesLoopsAndBranchesMatchTheOracles() {
    Compiled compiled = Compiled.compile(REUSE);
    assertGradient(compiled, REUSE, "overwriteAfterCall", 0.7);
    assertGradient(compiled, REUSE, "inLoopOverwrite", new double[] {0.3, -0.2, 0.5}, 0.4);
    assertGradient(compiled, REUSE, "scalarReassigned", 0.6);
    assertGradient(compiled, REUSE, "loopCarried", 0.6, 4);
    assertGradient(compiled, REUSE, "whileBreak", 0.9);
    assertGradient(compiled, REUSE, "whileBreak", -0.3);
    assertGradient(compiled, REUSE, "branches", 0.9, 0.3);
    assertGradient(compiled, REUSE, "branches", -0.9, 0.3);
    assertGradient(compiled, REUSE, "nestedCalls", 0.8);
    assertGradient(compiled, REUSE, "matrixRows", new double[][] {{0.3, -0.2}, {1.5, 0.4}},
        new double[] {0.7, -1.1});
    assertGradient(compiled, REUSE, "accumulateArray", (Object) new double[] {0.3, -0.2, 0.5});
  }

  /**
   * A plain helper in a package under {@code dev.adjoint} (the samples', say) is not the
   * runtime's: it may write its arguments, so {@code c[0]} is not read again after the call.
   */
  @Test
  void aHelperBesideTheRuntimeMayWriteItsArguments() {
    String source = """
        package dev.adjoint.demo;

        import dev.adjoint.Differentiable;
        import dev.adjoint.NoDerivative;

        public final class Bumps {
          static double bump(double[] a) {
            a[0] += 1.0;
            return 0.0;
          }

          @Differentiable
          public static double scaledThenBumped(double x, @NoDerivative double[] c) {
            double y = x * c[0];
            double z = bump(c);
            return y * y + z;
          }
        }
        """;
    Compiled compiled = Compiled.compile(source);
    var g = compiled.gradient("dev.adjoint.demo.Bumps", "scaledThenBumped", 0.5,
        new double[] {3.0});
    assertThat(g.partials()[0]).isEqualTo(2 * (0.5 * 3.0) * 3.0);
  }

  /**
   * A call whose pullback runs later in the same block with a seed known at the call (a fused
   * batch loop's loss term, the regulariser of the return) becomes that pullback, which gives the
   * value too: the callee runs once. Where the seed needs the value ({@code s * s}) the call stays.
   */
  @Test
  void aCallWhoseSeedIsKnownRunsOnceAsItsPullback() {
    String source = """
        package demo;

        import dev.adjoint.Differentiable;
        import dev.adjoint.Gates;

        public final class Once {
          @Differentiable
          public static double squares(double[] a) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
              s += a[i] * a[i];
            }
            return s;
          }

          @Differentiable
          public static double batch(double[] w, double[][] X) {
            double loss = 0;
            for (int i = 0; i < X.length; i++) {
              double[] z = new double[w.length];
              for (int j = 0; j < w.length; j++) {
                z[j] = w[j] * X[i][j];
              }
              loss += Gates.logSumExp(z);
            }
            return loss / X.length + 0.1 * squares(w);
          }

          @Differentiable
          public static double valueFeedsSeed(double[] w) {
            double s = squares(w);
            return s * s;
          }
        }
        """;
    Compiled compiled = Compiled.compile(source);
    double[] w = {0.4, -1.2, 0.7};
    double[][] X = {{1.0, 0.5, -0.3}, {-2.0, 0.1, 0.8}, {0.3, 0.3, 1.5}};
    assertGradient(compiled, source, "batch", w, X);
    assertGradient(compiled, source, "valueFeedsSeed", w);
    String sweeps = compiled.generatedSource("demo.OnceSweeps");
    String batch = method(sweeps, "batchPullback");
    assertThat(batch).contains("= dev.adjoint.Gates.logSumExpPullback(z, ");
    assertThat(batch).contains("= demo.OnceGrad.squaresPullback(w, ");
    assertThat(batch).doesNotContain("= dev.adjoint.Gates.logSumExp(z)");
    assertThat(batch).doesNotContain("= Once.squares(w)");
    String fed = method(sweeps, "valueFeedsSeedPullback");
    assertThat(fed).contains("= Once.squares(w);");
    assertThat(fed).contains("    demo.OnceGrad.squaresPullback(w, ");
  }

  private static void assertGradient(Compiled compiled, String source, String method,
      Object... args) {
    GradientAssertions.assertGradient(compiled, source, method, args);
  }

  /** The generated gradient against the Hipparchus oracle only (exact, 1e-12). */
  private static void assertExact(Compiled compiled, String source, String method,
      Object... args) {
    String className = Compiled.qualifiedName(source);
    var g = compiled.gradient(className, method, args);
    assertThat(g.value()).isEqualTo(compiled.primal(className, method, args));
    HipparchusOracle.Result exact = HipparchusOracle.evaluate(source, method, args);
    assertThat(exact.value()).isEqualTo(g.value());
    assertThat(g.partials().length).isEqualTo(exact.gradient().length);
    for (int i = 0; i < g.partials().length; i++) {
      assertWithMessage("%s%s: %s = %s, oracle %s", method, Arrays.deepToString(args),
          g.names().get(i), g.partials()[i], exact.gradient()[i])
          .that(GradientAssertions.rho(g.partials()[i], exact.gradient()[i]))
          .isAtMost(GradientAssertions.EXACT);
    }
  }
}
