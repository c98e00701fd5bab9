package dev.adjoint.processor.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.processor.oracle.HipparchusOracle.Result;
import dev.adjoint.processor.oracle.RandomPrograms.Program;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the oracles against hand-derived derivatives and against each other. */
class OracleSelfTest {

  private static final double TOL = 1e-12;

  private static String unit(String members) {
    return "package demo;\n\nimport dev.adjoint.Differentiable;\n\npublic final class Demo {\n"
        + members + "\n}\n";
  }

  private static Result eval(String members, String method, Object... args) {
    return HipparchusOracle.evaluate(unit(members), method, args);
  }

  private static void assertResult(double value, double[] gradient, Result actual) {
    assertEquals(value, actual.value(), TOL * Math.max(1, Math.abs(value)), "value");
    assertArrayEquals(gradient, actual.gradient(), 1e-10, () -> "gradient "
        + Arrays.toString(actual.gradient()));
  }

  @Test
  void productOfSum() {
    Result r = eval("""
        @Differentiable
        public static double f(double x, double y, double z) {
          return (x + y) * z;
        }""", "f", -2.0, 5.0, -4.0);
    assertResult(-12, new double[] {-4, -4, 3}, r);
  }

  private static final String NEURON = """
      @Differentiable(wrt = {"w2", "w0", "w1"})
      static double neuron(double w0, double w1, double w2, double x0, double x1) {
        double dot = w0 * x0 + w1 * x1 + w2;
        return 1 / (1 + Math.exp(-dot));
      }
      static double all(double w0, double w1, double w2, double x0, double x1) {
        return 1.0 / (1.0 + StrictMath.exp(-(w0 * x0 + w1 * x1 + w2)));
      }""";

  @Test
  void sigmoidNeuronWithWrtInDeclarationOrder() {
    double s = 1 / (1 + Math.exp(-1)); // w.x + b = 1
    double ds = s * (1 - s); // 0.19661193324148185
    Result r = eval(NEURON, "neuron", 2.0, -3.0, -3.0, -1.0, -2.0);
    assertEquals(0.7310585786, r.value(), 1e-10);
    assertResult(s, new double[] {-ds, -2 * ds, ds}, r);
    assertArrayEquals(new double[] {-0.196612, -0.393224, 0.196612}, r.gradient(), 1e-6);
    // Without wrt every double is differentiated, inputs included.
    Result all = eval(NEURON, "all", 2.0, -3.0, -3.0, -1.0, -2.0);
    assertResult(s, new double[] {-ds, -2 * ds, ds, 2 * ds, -3 * ds}, all);
  }

  @Test
  void singleWrtNameAndNonDoubleParameters() {
    Result r = eval("""
        @dev.adjoint.Differentiable(wrt = "b")
        static double f(double a, int k, double b, boolean flip, long m) {
          double y = a * b * b * k + m;
          return flip ? -y : y;
        }""", "f", 3.0, 2, 5.0, true, 4L);
    assertResult(-(3 * 25 * 2 + 4), new double[] {-(2 * 3 * 5 * 2)}, r);
  }

  private static final String INTS = """
      static double ints(double x, int n, long m) {
        int q = n / 2;
        int r = -n / 2;
        int s = -n % 3;
        double d = n / 2;
        double e = n / 2.0;
        long big = m / 3 + n;
        var w = n / 4;
        int i = 1;
        i += 2.7;
        i -= 0.5;
        i *= 3;
        i /= 2;
        int t = (int) -2.7;
        int u = (int) (x * 10);
        long v = (long) (x * -10);
        int j = 0;
        int k = j++ + ++j;
        double r2 = Math.round(x * 5) / 2;
        double tern = (n > 0 ? n : 2.0) / 2 + (n < 0 ? x : 1) * 2;
        return x * q + r + s + d + e + big + w + i + t + u + v + k + (double) n / 4 + 7 % 4 * x
            + r2 + tern + Math.round(n) + Math.abs(-n) + Math.max(n, 3L) + Math.min(n, -1);
      }""";

  /** The same method as {@link #INTS}, compiled by javac: the oracle must agree exactly. */
  @SuppressWarnings("all")
  static double ints(double x, int n, long m) {
    int q = n / 2;
    int r = -n / 2;
    int s = -n % 3;
    double d = n / 2;
    double e = n / 2.0;
    long big = m / 3 + n;
    var w = n / 4;
    int i = 1;
    i += 2.7;
    i -= 0.5;
    i *= 3;
    i /= 2;
    int t = (int) -2.7;
    int u = (int) (x * 10);
    long v = (long) (x * -10);
    int j = 0;
    int k = j++ + ++j;
    double r2 = Math.round(x * 5) / 2;
    double tern = (n > 0 ? n : 2.0) / 2 + (n < 0 ? x : 1) * 2;
    return x * q + r + s + d + e + big + w + i + t + u + v + k + (double) n / 4 + 7 % 4 * x
        + r2 + tern + Math.round(n) + Math.abs(-n) + Math.max(n, 3L) + Math.min(n, -1);
  }

  @Test
  void integerArithmeticFollowsJava() {
    for (double x : new double[] {0.55, -0.55, 1.31}) {
      for (int n : new int[] {7, -7, 1}) {
        Result r = eval(INTS, "ints", x, n, 10L);
        assertEquals(ints(x, n, 10L), r.value(), 0.0, "x=" + x + " n=" + n);
        // Only x * q, 7 % 4 * x and ?: depend smoothly on x; casts and round drop the derivative.
        assertArrayEquals(new double[] {n / 2 + 3 + (n < 0 ? 2 : 0)}, r.gradient(), 1e-12);
      }
    }
  }

  private static final String EARLY = """
      static double early(double x) {
        if (x > 0) {
          double z = x;
          if (z > 1) {
            return z * 10;
          }
          z = z * 2;
          return z;
        } else if (x < -1) return -3 * x;
        ;
        double y = 2;
        y *= x;
        return y + 1;
      }""";

  @Test
  void earlyReturnInBranches() {
    assertResult(20, new double[] {10}, eval(EARLY, "early", 2.0));
    assertResult(1, new double[] {2}, eval(EARLY, "early", 0.5));
    assertResult(6, new double[] {-3}, eval(EARLY, "early", -2.0));
    assertResult(0, new double[] {2}, eval(EARLY, "early", -0.5));
  }

  private static final String SHORT = """
      static double shortCircuit(double x, int n) {
        if (n != 0 && 10 / n > 2) {
          return x;
        }
        if (n == 0 || 10 / n > 2) {
          return n == 0 ? 2 * x : 1 / n * x;
        }
        boolean b = n > 100 && 1 / (n - n) > 0;
        return !b ? 3 * x : x;
      }""";

  @Test
  void shortCircuitSkipsTheRightOperand() {
    // With n == 0, evaluating 10 / n or 1 / n would throw ArithmeticException.
    assertResult(2, new double[] {2}, eval(SHORT, "shortCircuit", 1.0, 0));
    assertResult(1, new double[] {1}, eval(SHORT, "shortCircuit", 1.0, 2));
    assertResult(3, new double[] {3}, eval(SHORT, "shortCircuit", 1.0, 5));
  }

  private static final String CONVENTIONS = """
      static double max(double a, double b) { return Math.max(a, b); }
      static double min(double a, double b) { return Math.min(a, b); }
      static double abs(double a) { return Math.abs(a); }
      static double absNeg(double a) { return StrictMath.abs(-a); }
      static double mixed(double a, int n) { return Math.max(a, n) + Math.min(n, a); }""";

  @Test
  void maxMinAbsConventions() {
    assertResult(1, new double[] {1, 0}, eval(CONVENTIONS, "max", 1.0, 1.0)); // tie: first
    assertResult(2, new double[] {0, 1}, eval(CONVENTIONS, "max", 1.0, 2.0));
    assertResult(3, new double[] {1, 0}, eval(CONVENTIONS, "max", 3.0, 2.0));
    assertResult(1, new double[] {1, 0}, eval(CONVENTIONS, "min", 1.0, 1.0)); // tie: first
    assertResult(1, new double[] {0, 1}, eval(CONVENTIONS, "min", 2.0, 1.0));
    assertResult(0, new double[] {0}, eval(CONVENTIONS, "abs", 0.0)); // like signum
    assertResult(0, new double[] {0}, eval(CONVENTIONS, "abs", -0.0));
    assertResult(0, new double[] {0}, eval(CONVENTIONS, "absNeg", 0.0));
    assertResult(3, new double[] {-1}, eval(CONVENTIONS, "abs", -3.0));
    assertResult(3, new double[] {-1}, eval(CONVENTIONS, "absNeg", -3.0));
    assertResult(3, new double[] {1}, eval(CONVENTIONS, "absNeg", 3.0));
    // max(a, n) at a tie routes to a; min(n, a) at a tie routes to n (a constant).
    assertResult(4, new double[] {1}, eval(CONVENTIONS, "mixed", 2.0, 2));
    assertResult(4, new double[] {1}, eval(CONVENTIONS, "mixed", 1.0, 3));
  }

  private static final String FUNCTIONS = """
      static final int K = 1;
      static final double BASE = Demo.HALF * 2 + K;
      static final double HALF = 0.5;
      static double pw(double x, double y) { return Math.pow(x, y); }
      static double cube(double x) { return Math.pow(x, 3); }
      static double exp2(double y) { return Math.pow(BASE, y); }
      static double angle(double y, double x) { return Math.atan2(y, x); }
      static double hyp(double x, double y) { return Math.hypot(x, y); }
      static double steps(double x) {
        return Math.floor(x) + Math.ceil(x) + Math.rint(x) + Math.signum(x) + Math.round(x) + x;
      }
      static double mod(double x, double y) { return x % y; }
      static double trig(double x) {
        return Math.sin(x) * Math.cos(x) + Math.tan(x) + Math.log(x) - Math.sqrt(x)
            + Math.toDegrees(x) / 180 * Math.PI - Math.E * Math.toRadians(x);
      }""";

  @Test
  void mathFunctionsAndConstants() {
    double ln2 = Math.log(2);
    assertResult(8, new double[] {12, 8 * ln2}, eval(FUNCTIONS, "pw", 2.0, 3.0));
    assertResult(-8, new double[] {12}, eval(FUNCTIONS, "cube", -2.0)); // negative base
    assertResult(8, new double[] {8 * ln2}, eval(FUNCTIONS, "exp2", 3.0)); // BASE = 2
    assertResult(Math.PI / 4, new double[] {0.5, -0.5}, eval(FUNCTIONS, "angle", 1.0, 1.0));
    assertResult(5, new double[] {0.6, 0.8}, eval(FUNCTIONS, "hyp", 3.0, 4.0));
    assertResult(2 + 3 + 3 + 1 + 3 + 2.6, new double[] {1}, eval(FUNCTIONS, "steps", 2.6));
    // Java's % truncates: -4 % 1.5 = -1 = -4 - (-2) * 1.5, so d/dy = 2.
    assertResult(-1, new double[] {1, 2}, eval(FUNCTIONS, "mod", -4.0, 1.5));
    assertResult(0.5, new double[] {1, -3}, eval(FUNCTIONS, "mod", 5.0, 1.5));
    double x = 0.7;
    double d = Math.cos(2 * x) + 1 / (Math.cos(x) * Math.cos(x)) + 1 / x - 0.5 / Math.sqrt(x)
        + 1 - Math.E * Math.PI / 180;
    double v = Math.sin(x) * Math.cos(x) + Math.tan(x) + Math.log(x) - Math.sqrt(x)
        + Math.toDegrees(x) / 180 * Math.PI - Math.E * Math.toRadians(x);
    assertResult(v, new double[] {d}, eval(FUNCTIONS, "trig", x));
  }

  @Test
  void unsupportedConstructsNameTheTreeKind() {
    UnsupportedOperationException loop = assertThrows(UnsupportedOperationException.class,
        () -> eval("static double f(double x) { for (int i = 0; i < 3; i++) x *= 2; return x; }",
            "f", 1.0));
    assertTrue(loop.getMessage().contains("FOR_LOOP"), loop.getMessage());
    UnsupportedOperationException call = assertThrows(UnsupportedOperationException.class,
        () -> eval("static double f(double x) { return g(x); }", "f", 1.0));
    assertTrue(call.getMessage().contains("METHOD_INVOCATION"), call.getMessage());
  }

  // ------------------------------------------------------------------ random programs

  private static final int PROGRAMS = 50;

  @Test
  void randomProgramsAreDeterministicAndMatchFiniteDifferences(@TempDir Path out) throws Exception {
    List<Program> programs = new ArrayList<>();
    List<JavaFileObject> sources = new ArrayList<>();
    sources.add(source("dev.adjoint.Differentiable",
        "package dev.adjoint; public @interface Differentiable { String[] wrt() default {}; }"));
    for (long seed = 0; seed < PROGRAMS; seed++) {
      Program p = RandomPrograms.generate(seed);
      Program again = RandomPrograms.generate(seed);
      assertEquals(p.source(), again.source(), "seed " + seed);
      assertArrayEquals(p.args(), again.args(), "seed " + seed);
      assertEquals(p.description(), again.description(), "seed " + seed);
      programs.add(p);
      sources.add(source(p.className(), p.source()));
    }

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean compiled = javac.getTask(null, null, diagnostics,
        List.of("-proc:none", "-d", out.toString()), null, sources).call();
    assertTrue(compiled, () -> diagnostics.getDiagnostics().toString());

    try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
        OracleSelfTest.class.getClassLoader())) {
      for (Program p : programs) {
        Class<?> owner = loader.loadClass(p.className());
        int[] indices = FiniteDifferences.doubleIndices(p.args());
        double[] x = Arrays.stream(indices).mapToDouble(i -> (Double) p.args()[i]).toArray();
        ToDoubleFunction<double[]> f =
            FiniteDifferences.staticMethod(owner, p.methodName(), p.args(), indices);
        Result r = HipparchusOracle.evaluate(p.source(), p.methodName(), p.args());
        double expected = f.applyAsDouble(x);
        String context = p.description() + "\n" + p.source();
        assertEquals(expected, r.value(), TOL * Math.max(1, Math.abs(expected)), context);

        double[] fd = FiniteDifferences.richardson(f, x, 1e-4);
        assertEquals(fd.length, r.gradient().length, context);
        for (int k = 0; k < fd.length; k++) {
          double exact = r.gradient()[k];
          double scale = Math.max(Math.abs(exact), Math.abs(fd[k]));
          if (!Double.isFinite(exact)) {
            fail("non-finite derivative " + k + ": " + context);
          }
          if (scale > 1e-6 && Math.abs(exact - fd[k]) / scale >= 1e-5) {
            fail("d/d" + k + ": oracle " + exact + " vs finite differences " + fd[k] + ": "
                + context);
          }
        }
      }
    }
  }

  private static JavaFileObject source(String className, String code) {
    URI uri = URI.create("string:///" + className.replace('.', '/') + ".java");
    return new SimpleJavaFileObject(uri, JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return code;
      }
    };
  }
}
