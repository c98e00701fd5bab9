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
    UnsupportedOperationException sw = assertThrows(UnsupportedOperationException.class,
        () -> eval("static double f(double x) { assert x > 0; return x; }", "f", 1.0));
    assertTrue(sw.getMessage().contains("ASSERT"), sw.getMessage());
    UnsupportedOperationException call = assertThrows(UnsupportedOperationException.class,
        () -> eval("static double f(double x) { return g(x); }", "f", 1.0));
    assertTrue(call.getMessage().contains("METHOD_INVOCATION"), call.getMessage());
  }

  private static final String SWITCHES = """
      static double fallThrough(double x, int k) {
        double s = 0;
        switch (k) {
          case 0:
            s += x;
          case 1:
          case 2:
            s += x * x;
            break;
          default:
            s = 7;
          case 5:
            s -= x;
        }
        return s;
      }

      static double rules(double x, int k) {
        double y = switch (k) {
          case 0 -> 2 * x;
          case 1, 2 -> {
            double t = x * x;
            yield t + 1;
          }
          default -> 1;
        };
        return y + (switch (k) { case 3 -> 1; default -> 2.0; }) / 4; // 1 / 4 is 0.25
      }

      static double inLoop(double x, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          switch (i % 3) {
            case 0 -> s += x;
            case 1 -> {
              if (s > 10) {
                break;
              }
              s *= x;
            }
            default -> {
              continue;
            }
          }
          s += 1;
        }
        return s;
      }
      """;

  @Test
  void switchStatementsAndExpressions() {
    double x = 1.5;
    assertResult(x + x * x, new double[] {1 + 2 * x}, eval(SWITCHES, "fallThrough", x, 0));
    assertResult(x * x, new double[] {2 * x}, eval(SWITCHES, "fallThrough", x, 2));
    assertResult(7 - x, new double[] {-1}, eval(SWITCHES, "fallThrough", x, 9));
    assertResult(-x, new double[] {-1}, eval(SWITCHES, "fallThrough", x, 5));
    assertResult(2 * x + 0.5, new double[] {2}, eval(SWITCHES, "rules", x, 0));
    assertResult(x * x + 1 + 0.5, new double[] {2 * x}, eval(SWITCHES, "rules", x, 2));
    assertResult(1.25, new double[] {0}, eval(SWITCHES, "rules", x, 3));
    // i = 0: s = x + 1; i = 1: s = (x + 1) x + 1; i = 2: continue; i = 3: s += x, s += 1
    double s = (x + 1) * x + 1 + x + 1;
    assertResult(s, new double[] {2 * x + 1 + 1}, eval(SWITCHES, "inLoop", x, 4));
  }

  // ------------------------------------------------------------------ calls

  private static final String CALLS = """
      static double sq(double x) {
        return x * x;
      }
      static double qualified(double x, double y) {
        return sq(x) * Demo.sq(y) + demo.Demo.sq(x + y);
      }
      @Differentiable
      static double power(double x, int n) {
        if (n == 0) {
          return 1;
        }
        return x * power(x, n - 1);
      }
      static double ping(double x, int n) {
        return n <= 0 ? x : Math.sin(pong(x, n - 1));
      }
      static double pong(double x, int n) {
        return n <= 0 ? x : 2 * ping(x, n - 1);
      }
      static double squares(double[] a, int from) {
        return from == a.length ? 0 : a[from] * a[from] + squares(a, from + 1);
      }
      static double bump(double s) {
        s = s * 10;
        double x = 5;
        return s + x;
      }
      static double shadow(double x) {
        double s = x;
        double t = bump(s);
        return s + t + x;
      }
      @Differentiable(wrt = "b")
      static double partly(double a, double b) {
        return a * b * b;
      }
      @Differentiable(wrt = "x")
      static double callsPartly(double x, double y) {
        return partly(x, y) + partly(y, x);
      }
      static double loop(double x) {
        return loop(x);
      }""";

  @Test
  void callsToStaticMethodsOfTheSameClass() {
    // x^2 y^2 + (x + y)^2 at (2, 3): 36 + 25; d/dx = 2 x y^2 + 2 (x + y), d/dy = 2 x^2 y + 10.
    assertResult(61, new double[] {36 + 10, 24 + 10}, eval(CALLS, "qualified", 2.0, 3.0));
    // The callee's locals live in their own frame; s is passed by value.
    assertResult(2 + 25 + 2, new double[] {12}, eval(CALLS, "shadow", 2.0));
    // Only the entry method's wrt counts: a callee's annotations are ignored. d/dx of
    // x y^2 + y x^2 is y^2 + 2 x y.
    assertResult(2 * 9 + 3 * 4, new double[] {9 + 12}, eval(CALLS, "callsPartly", 2.0, 3.0));
  }

  @Test
  void recursionIncludingMutualAndDeep() {
    assertResult(5.0625, new double[] {4 * 1.5 * 1.5 * 1.5}, eval(CALLS, "power", 1.5, 4));
    assertResult(1, new double[] {0}, eval(CALLS, "power", 1.5, 0));
    // ping(x, 2) = sin(pong(x, 1)) = sin(2 ping(x, 0)) = sin(2 x).
    assertResult(Math.sin(1.4), new double[] {2 * Math.cos(1.4)}, eval(CALLS, "ping", 0.7, 2));
    // ping(x, 3) = sin(2 ping(x, 1)) = sin(2 sin(x)).
    double inner = 2 * Math.sin(0.7);
    assertResult(Math.sin(inner), new double[] {Math.cos(inner) * 2 * Math.cos(0.7)},
        eval(CALLS, "ping", 0.7, 3));
    assertResult(1 + 4 + 9, new double[] {2, 4, 6},
        eval(CALLS, "squares", new double[] {1, 2, 3}, 0));
    assertResult(9, new double[] {0, 0, 6}, eval(CALLS, "squares", new double[] {1, 2, 3}, 2));
    // Deep recursion fits in the interpreter's stack.
    double x = 1.0001;
    int n = 1500;
    Result deep = eval(CALLS, "power", x, n);
    assertEquals(Math.pow(x, n), deep.value(), 1e-12);
    assertEquals(n * Math.pow(x, n - 1), deep.gradient()[0], 1e-12 * n * Math.pow(x, n - 1));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> eval(CALLS, "loop", 1.0));
    assertTrue(e.getMessage().contains("nested calls"), e.getMessage());
  }

  private static final String OVERLOADS = """
      static double g(double x) { return 2 * x; }
      static double g(int n) { return 100 * n; }
      static double g(long n) { return 1000 * n; }
      static double g(double[] a) { return a[0] * a[1]; }
      static double g(double[][] m) { return m[1][0]; }
      static double g(int[] k) { return k[0]; }
      static double g(double x, double y) { return x - y; }
      static double g(double x, int k) { return x * k; }
      static double overloads(double x, double[] a, double[][] m, int[] k, int n) {
        return g(x) + g(n) + g(3L) + g((double) n) + g(a) + g(m) + g(k) + g(n + x) + g(2 * n)
            + Demo.g(x, n) + g(x, 1.5) + g(n, n) + g(Math.max(n, 1)) + g(Math.max(x, 1));
      }""";

  @Test
  void overloadsAreChosenByArityAndStaticTypes() {
    double x = 0.5;
    int n = 2;
    Result r = eval(OVERLOADS, "overloads", x, new double[] {2, 3},
        new double[][] {{1, 2}, {4, 5}}, new int[] {7}, n);
    // g(x) = 2x, g(int) = 200, g(long) = 3000, g((double) n) = 4, g(a) = 6, g(m) = 4, g(k) = 7,
    // g(n + x) = 2 (n + x), g(2n) = 400, g(x, n) = 2x, g(x, 1.5) = x - 1.5, g(n, n) = 4
    // (g(double, int) is more specific than g(double, double)), g(max(n, 1)) = 200 and
    // g(max(x, 1)) = 2.
    double value = 1 + 200 + 3000 + 4 + 6 + 4 + 7 + 5 + 400 + 1 + (x - 1.5) + 4 + 200 + 2;
    assertResult(value, new double[] {2 + 2 + 2 + 1, 3, 2, 0, 0, 1, 0}, r);
  }

  private static final String ARRAY_HELPERS = """
      static double[] copy(double[][] d, int n) {
        return d[n].clone();
      }
      static void scale(double[] a, double c) {
        for (int i = 0; i < a.length; i++) {
          if (i == 5) {
            return;
          }
          a[i] *= c;
        }
      }
      static double[][] outer(double[] u, double[] v) {
        double[][] m = new double[u.length][v.length];
        for (int i = 0; i < u.length; i++) {
          for (int j = 0; j < v.length; j++) {
            m[i][j] = u[i] * v[j];
          }
        }
        return m;
      }
      static int[] range(int n) {
        int[] k = new int[n];
        for (int i = 0; i < n; i++) {
          k[i] = i;
        }
        return k;
      }
      static double helpers(double[][] d, double c) {
        double[] row = copy(d, 1);
        scale(row, c);
        double[] alias = d[0];
        scale(alias, 2);
        double s = row[0] + row[1] + d[0][0] + d[0][1] * c;
        double[][] m = outer(d[1], row);
        for (int i : range(2)) {
          s += m[i][i];
        }
        return s;
      }""";

  /** {@link #ARRAY_HELPERS}' helpers compiled by javac. */
  static double helpers(double[][] d, double c) {
    double[] row = d[1].clone();
    for (int i = 0; i < row.length; i++) {
      row[i] *= c;
    }
    double[] alias = d[0];
    for (int i = 0; i < alias.length; i++) {
      alias[i] *= 2;
    }
    return row[0] + row[1] + d[0][0] + d[0][1] * c + d[1][0] * row[0] + d[1][1] * row[1];
  }

  @Test
  void arrayArgumentsAndResultsPassByReference() {
    double[][] d = {{1, 2}, {3, 4}};
    double c = 0.5;
    Result r = eval(ARRAY_HELPERS, "helpers", d, c);
    assertArrayEquals(new double[][] {{1, 2}, {3, 4}}, d); // the caller's array is untouched
    assertEquals(helpers(new double[][] {{1, 2}, {3, 4}}, c), r.value(), 0.0);
    // row = c d1 (a copy), d0 doubled through the alias: s = c (d10 + d11) + 2 d00
    // + 2 d01 c + c (d10^2 + d11^2).
    assertResult(1.5 + 2 + 2 + 2 + 4.5 + 8,
        new double[] {2, 2 * c, c + 2 * c * 3, c + 2 * c * 4, 3 + 4 + 2 * 2 + 9 + 16}, r);
  }

  @Test
  void customGradientsAreIgnoredAndTheBodyDifferentiated() {
    // The registered pullback is wrong on purpose: the oracle must not use it.
    Result r = eval("""
        static double cube(double x) {
          return x * x * x;
        }
        @dev.adjoint.CustomGradient("cube")
        static double cubePullback(double x, double seed, double[] dScalars) {
          dScalars[0] += seed * 2 * x;
          return cube(x);
        }
        @Differentiable
        static double useCube(double x) {
          return cube(x) + 1;
        }""", "useCube", 2.0);
    assertResult(9, new double[] {12}, r);
  }

  // ------------------------------------------------------------------ gates

  private static final String GATES = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.Gates;

      public final class Demo {
        static double sigmoid(double x) { return Gates.sigmoid(x); }
        static double relu(double x) { return Gates.relu(x); }
        static double leaky(double x, double slope) { return Gates.leakyRelu(x, slope); }
        static double softplus(double x) { return Gates.softplus(x); }
        static double lse(double[] x) { return Gates.logSumExp(x); }
        static double stopped(double x) {
          double scale = Gates.stopGradient(x * x);
          return scale * x;
        }
        static double qualified(double x, int n) {
          return dev.adjoint.Gates.sigmoid(x) + Gates.relu(2 * x) + Gates.relu(n);
        }
      }
      """;

  private static Result gate(String method, Object... args) {
    return HipparchusOracle.evaluate(GATES, method, args);
  }

  /** The value agrees bit for bit with {@code dev.adjoint.Gates}'s, the derivative to 1e-12. */
  private static void assertGate(double value, double derivative, Result r) {
    assertEquals(value, r.value(), 0.0, "value");
    assertEquals(1, r.gradient().length);
    assertEquals(derivative, r.gradient()[0], 1e-12 * Math.max(1, Math.abs(derivative)),
        "derivative");
  }

  private static double sigma(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  @Test
  void sigmoidGate() {
    for (double x : new double[] {0.3, 0, -2.5, 40, -40}) {
      double s = sigma(x);
      assertGate(dev.adjoint.Gates.sigmoid(x), s * (1 - s), gate("sigmoid", x));
    }
  }

  @Test
  void reluAndLeakyReluGates() {
    assertGate(2, 1, gate("relu", 2.0));
    assertGate(0, 0, gate("relu", -1.0));
    assertGate(0, 0, gate("relu", 0.0)); // derivative 0 at 0
    assertGate(0, 0, gate("relu", -0.0));
    assertResult(2, new double[] {1, 0}, gate("leaky", 2.0, 0.1));
    // slope * x: d/dx = slope, d/dslope = x.
    assertResult(-0.2, new double[] {0.1, -2}, gate("leaky", -2.0, 0.1));
    assertResult(0, new double[] {0.1, 0}, gate("leaky", 0.0, 0.1));
    assertEquals(dev.adjoint.Gates.leakyRelu(-2.0, 0.1), gate("leaky", -2.0, 0.1).value(), 0.0);
  }

  @Test
  void softplusGate() {
    // d/dx log(1 + e^x) = sigmoid(x), on both branches of the stable formula.
    for (double x : new double[] {1.5, -2, 0, 800, -800, 1e-9}) {
      assertGate(dev.adjoint.Gates.softplus(x), sigma(x), gate("softplus", x));
    }
    assertEquals(Math.log(2), gate("softplus", 0.0).value(), 1e-15);
    assertEquals(800, gate("softplus", 800.0).value(), 0.0); // no overflow
  }

  @Test
  void logSumExpGate() {
    double[] x = {1, 2, 3};
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    Result r = gate("lse", (Object) x);
    assertEquals(dev.adjoint.Gates.logSumExp(x), r.value(), 0.0);
    assertEquals(Math.log(z), r.value(), 1e-15);
    // The gradient is the softmax.
    assertResult(Math.log(z), new double[] {Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z},
        r);
    // A tie for the maximum does not route the gradient to one element.
    assertResult(2 + Math.log(2), new double[] {0.5, 0.5},
        gate("lse", (Object) new double[] {2, 2}));
    // Shifted by the maximum: no overflow.
    Result big = gate("lse", (Object) new double[] {1000, 1000 - Math.log(3)});
    assertResult(1000 + Math.log(4.0 / 3), new double[] {0.75, 0.25}, big);
    Result empty = gate("lse", (Object) new double[0]);
    assertEquals(Double.NEGATIVE_INFINITY, empty.value());
    assertEquals(0, empty.gradient().length);
    assertEquals(dev.adjoint.Gates.logSumExp(new double[] {-1, 0.5, 4}),
        gate("lse", (Object) new double[] {-1, 0.5, 4}).value(), 0.0);
  }

  @Test
  void stopGradientGateAndQualifiedCalls() {
    // scale = x^2 held constant: d/dx (scale * x) = x^2.
    assertGate(0.125, 0.25, gate("stopped", 0.5));
    double s = sigma(0.3);
    assertResult(s + 0.6 + 3, new double[] {s * (1 - s) + 2}, gate("qualified", 0.3, 3));
    // relu(-0.6) = relu(-3) = 0; sigmoid(-0.3) = 1 - s has the same derivative.
    assertResult(1 - s, new double[] {s * (1 - s)}, gate("qualified", -0.3, -3));
  }

  @Test
  void staticallyImportedGatesAndHiding() {
    String imported = """
        package demo;

        import static dev.adjoint.Gates.sigmoid;
        import static dev.adjoint.Gates.*;

        public final class Demo {
          static double f(double x) { return sigmoid(x) + relu(x); }
        }
        """;
    double s = sigma(0.3);
    assertResult(s + 0.3, new double[] {s * (1 - s) + 1},
        HipparchusOracle.evaluate(imported, "f", 0.3));
    // A method of the class hides a statically imported one of the same name.
    String hidden = imported.replace("static double f", "static double sigmoid(double x) {"
        + " return 2 * x; }\n  static double f");
    assertResult(0.6 + 0.3, new double[] {3}, HipparchusOracle.evaluate(hidden, "f", 0.3));
    // Gates not imported: the name means nothing to the oracle.
    assertThrows(UnsupportedOperationException.class, () -> HipparchusOracle.evaluate(
        GATES.replace("import dev.adjoint.Gates;", ""), "sigmoid", 0.3));
  }

  // ------------------------------------------------------------------ loops

  private static final String CLAD_LOOPS = """
      static double cube(double x) {
        double r = 1;
        for (int i = 0; i < 3; i++) {
          r *= x;
        }
        return r;
      }
      static double pow9(double x) {
        double r = 1;
        for (int i = 0; i < 3; i++)
          for (int j = 0; j < 3; j++)
            r = r * x;
        return r;
      }
      static double earlyReturn(double x) {
        double r = 0;
        for (int i = 0; i < 10; i++) {
          r += x;
          if (i == 2) {
            return r * x;
          }
        }
        return r;
      }
      static double whilePow(double x, int n) {
        double r = 1;
        int k = n;
        while (k > 0) {
          r *= x;
          k--;
        }
        return r;
      }
      static double doWhilePow(double x, int n) {
        double r = 1;
        int k = 0;
        do {
          r = r * x;
          k++;
        } while (k < n);
        return r;
      }
      static double twoCounters(double x) {
        double s = 0;
        for (int i = 0, j = 4; i < j; i++, j--) {
          s += x * i + x * x * j;
        }
        return s;
      }""";

  @Test
  void cladLoops() {
    // Clad's loop tests: x^3 by a loop and x^9 by nested loops at x = 3.
    assertResult(27, new double[] {27}, eval(CLAD_LOOPS, "cube", 3.0));
    assertResult(19683, new double[] {9 * Math.pow(3, 8)}, eval(CLAD_LOOPS, "pow9", 3.0));
    assertEquals(59049, eval(CLAD_LOOPS, "pow9", 3.0).gradient()[0], 1e-9);
    // Returns 3x * x at the third iteration: 27 and d/dx 3x^2 = 6x = 18.
    assertResult(27, new double[] {18}, eval(CLAD_LOOPS, "earlyReturn", 3.0));
    assertResult(32, new double[] {80}, eval(CLAD_LOOPS, "whilePow", 2.0, 5));
    assertResult(1, new double[] {0}, eval(CLAD_LOOPS, "whilePow", 2.0, 0));
    assertResult(32, new double[] {80}, eval(CLAD_LOOPS, "doWhilePow", 2.0, 5));
    assertResult(2, new double[] {1}, eval(CLAD_LOOPS, "doWhilePow", 2.0, 0)); // body runs once
    // (i, j) = (0, 4), (1, 3): s = x * 1 + x^2 * 7.
    assertResult(2 + 4 * 7, new double[] {1 + 2 * 2 * 7}, eval(CLAD_LOOPS, "twoCounters", 2.0));
  }

  private static final String JUMPS = """
      static double skip(double[] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
          if (a[i] < 0) continue;
          if (s > 10) {
            break;
          }
          s += a[i] * a[i];
        }
        return s;
      }
      static double labeled(double[][] m) {
        double s = 0;
        outer:
        for (int i = 0; i < m.length; i++) {
          for (int j = 0; j < m[i].length; j++) {
            if (j > i) continue outer;
            if (m[i][j] > 5) break outer;
            s += m[i][j];
          }
          s += 100 * m[i][0]; // skipped by every continue outer and break outer
        }
        return s;
      }
      static double whileJumps(double x) {
        double s = 0;
        int k = 0;
        while (true) {
          k++;
          if (k % 2 == 0) continue;
          if (k > 7) break;
          s += x * k;
        }
        do {
          k--;
          if (k > 3) continue;
          s += x * x;
        } while (k > 2);
        block: {
          if (x > 0) break block;
          s = 0;
        }
        return s;
      }""";

  @Test
  void breakAndContinue() {
    // 1 + 9 + 16: -2 is skipped, and the loop stops before 5 once s = 26 > 10.
    assertResult(26, new double[] {2, 0, 6, 8, 0},
        eval(JUMPS, "skip", (Object) new double[] {1, -2, 3, 4, 5}));
    // Row 0: m00, row 1: m10 + m11, row 2: 7 > 5 stops everything; the rows never complete.
    assertResult(10, new double[] {1, 0, 0, 1, 1, 0, 0, 0, 0},
        eval(JUMPS, "labeled", (Object) new double[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}));
    // s = x (1 + 3 + 5 + 7), then k = 9 counts down: x^2 for k = 3 and 2 (k = 8..4 continue).
    assertResult(16 * 2 + 2 * 4, new double[] {16 + 2 * 2 * 2}, eval(JUMPS, "whileJumps", 2.0));
  }

  @Test
  void infiniteLoopsAreCutOff() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> eval("static double f(double x) { for (;;) { } }", "f", 1.0));
    assertTrue(e.getMessage().contains("loop iterations"), e.getMessage());
  }

  // ------------------------------------------------------------------ arrays

  private static final String CS231N = """
      @Differentiable
      static double norm2(double[][] W, double[] x) {
        double[] q = new double[W.length];
        for (int i = 0; i < W.length; i++) {
          for (int j = 0; j < W[i].length; j++) {
            q[i] += W[i][j] * x[j];
          }
        }
        double s = 0;
        for (double v : q) {
          s += v * v;
        }
        return s;
      }
      @Differentiable(wrt = "x")
      static double norm2x(double[][] W, double[] x) {
        return norm2(W, x);
      }
      @Differentiable(wrt = "x")
      static double rows(double[][] W, double[] x) {
        double s = 0;
        for (double[] row : W) {
          double dot = 0;
          for (int j = 0; j < row.length; j++) dot += row[j] * x[j];
          s += dot * dot;
        }
        return s;
      }
      static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
          s += a[i] * b[i];
        }
        return s;
      }""";

  @Test
  void cs231nVectorizedExample() {
    // f(x, W) = ||W x||^2, W = [[0.1, 0.5], [-0.3, 0.8]], x = [0.2, 0.4]: q = W x = [0.22, 0.26].
    double[][] w = {{0.1, 0.5}, {-0.3, 0.8}};
    double[] x = {0.2, 0.4};
    Result r = eval(CS231N, "norm2", w, x);
    assertResult(0.116, new double[] {0.088, 0.176, 0.104, 0.208, -0.112, 0.636}, r);
    assertResult(0.116, new double[] {-0.112, 0.636}, eval(CS231N, "rows", w, x));
    assertArrayEquals(new double[][] {{0.1, 0.5}, {-0.3, 0.8}}, w);
    assertArrayEquals(new double[] {0.2, 0.4}, x);
  }

  @Test
  void dotProduct() {
    assertResult(32, new double[] {4, 5, 6, 1, 2, 3},
        eval(CS231N, "dot", new double[] {1, 2, 3}, new double[] {4, 5, 6}));
    // The same array twice: two blocks of entries, one per parameter.
    double[] a = {1, 2};
    assertResult(5, new double[] {1, 2, 1, 2}, eval(CS231N, "dot", a, a));
    assertThrows(ArrayIndexOutOfBoundsException.class,
        () -> eval(CS231N, "dot", new double[] {1, 2, 3}, new double[] {4, 5}));
    assertResult(0, new double[] {}, eval(CS231N, "dot", new double[0], new double[0]));
  }

  @Test
  void gradientLayoutFollowsDeclarationOrder() {
    Result r = eval("""
        static double f(double a, double[] u, int n, double[][] m, int[] k, double b) {
          return a * 1 + u[1] * 10 + n * m[1][0] * 100 + m[0][2] * k[1] * 1000 + b * 10000;
        }""", "f", 0.5, new double[] {1, 2}, 3, new double[][] {{1, 2, 3}, {4, 5, 6}},
        new int[] {7, 8}, 0.25);
    assertResult(0.5 + 20 + 1200 + 24000 + 2500,
        new double[] {1, 0, 10, 0, 0, 8000, 300, 0, 0, 10000}, r);
    // wrt picks whole arrays; the others are constants.
    Result wrt = eval("""
        @Differentiable(wrt = {"m", "a"})
        static double f(double a, double[] u, double[][] m) {
          return a * u[0] + m[0][0] * u[1] + m[1][0];
        }""", "f", 2.0, new double[] {3, 4}, new double[][] {{5}, {6}});
    assertResult(6 + 20 + 6, new double[] {3, 4, 1}, wrt);
    assertThrows(IllegalArgumentException.class, () -> eval("""
        @Differentiable(wrt = "k")
        static double f(double a, int[] k) { return a; }""", "f", 1.0, new int[] {1}));
  }

  private static final String ARRAYS = """
      static double arrays(double[] a, double[][] m, int[] k, int n) {
        double[] y = new double[n];
        double[] z = {a[0], 2, a[1] * a[1]};
        double[] w = new double[] {a[1], 1.5};
        double[][] q = {{1, a[0]}, {3, 4}};
        double[][] r = new double[2][3];
        int[] c = new int[n];
        int[] d = {1, 2};
        for (int i = 0; i < y.length; i++) {
          y[i] = a[i % a.length] * (i + 1);
          c[i] = i * 2;
        }
        y[0] += z[2];
        y[1] -= w[0];
        y[1] *= m[1][0];
        y[2] /= 2;
        y[2]++;
        ++y[0];
        y[0]--;
        c[1] += 3;
        d[0]++;
        q[1][1] *= a[0];
        q[0][0] -= m[0][1];
        r[1][2] = q[1][1] + q[0][0];
        r[0][0] += m.length * 10 + m[0].length + k.length + k[1];
        double s = 0;
        for (double v : y) s += v;
        for (double[] row : q) s += row[0] * row[1];
        for (double[] row : r) for (double v : row) s += v;
        for (int v : c) s += v;
        for (double v : d) s += v;
        return s + w.length + q[0].length + r[1].length;
      }""";

  /** {@link #ARRAYS} compiled by javac: the oracle must agree exactly. */
  static double arrays(double[] a, double[][] m, int[] k, int n) {
    double[] y = new double[n];
    double[] z = {a[0], 2, a[1] * a[1]};
    double[] w = new double[] {a[1], 1.5};
    double[][] q = {{1, a[0]}, {3, 4}};
    double[][] r = new double[2][3];
    int[] c = new int[n];
    int[] d = {1, 2};
    for (int i = 0; i < y.length; i++) {
      y[i] = a[i % a.length] * (i + 1);
      c[i] = i * 2;
    }
    y[0] += z[2];
    y[1] -= w[0];
    y[1] *= m[1][0];
    y[2] /= 2;
    y[2]++;
    ++y[0];
    y[0]--;
    c[1] += 3;
    d[0]++;
    q[1][1] *= a[0];
    q[0][0] -= m[0][1];
    r[1][2] = q[1][1] + q[0][0];
    r[0][0] += m.length * 10 + m[0].length + k.length + k[1];
    double s = 0;
    for (double v : y) s += v;
    for (double[] row : q) s += row[0] * row[1];
    for (double[] row : r) for (double v : row) s += v;
    for (int v : c) s += v;
    for (double v : d) s += v;
    return s + w.length + q[0].length + r[1].length;
  }

  @Test
  void arrayCreationAccessAndUpdates() {
    double[] a = {0.7, -1.3};
    double[][] m = {{2.0, 0.5}, {-1.5, 3.0}};
    int[] k = {4, 9, 1};
    Result r = eval(ARRAYS, "arrays", a, m, k, 3);
    assertEquals(arrays(a, m, k, 3), r.value(), 0.0);
    // y = [a0 + a1^2, (2 a1 - a1) m10, 3 a0 / 2 + 1]; the rows of q give (1 - m01) a0 + 3 (4 a0);
    // r sums to 34 + 4 a0 + 1 - m01; c, d and the lengths are constants: 9 + 4 + 7.
    double a0 = a[0];
    double a1 = a[1];
    double m01 = m[0][1];
    double m10 = m[1][0];
    assertArrayEquals(new double[] {1 + 1.5 + (1 - m01) + 12 + 4, 2 * a1 + m10, 0, -a0 - 1, a1, 0},
        r.gradient(), 1e-12);
    assertEquals(a0 + a1 * a1 + a1 * m10 + 1.5 * a0 + 1 + (1 - m01) * a0 + 12 * a0
        + 34 + 4 * a0 + 1 - m01 + 9 + 4 + 7, r.value(), 1e-12);
  }

  @Test
  void arrayAndIndexAreEvaluatedOnceInJavaOrder() {
    Result r = eval("""
        static double sideEffects(double x) {
          double[] y = {1, 2, 3, 4};
          int k = 0;
          y[k++] += x;
          y[k++] *= x;
          y[k++]++;
          y[k] = k++ * x;
          return y[0] + y[1] + y[2] + y[3] + k;
        }""", "sideEffects", 2.0);
    // y = [1 + x, 2x, 4, 3x] (the index of y[k] = k++ * x is taken before the right side), k = 4
    assertResult(3 + 4 + 4 + 6 + 4, new double[] {1 + 2 + 3}, r);
  }

  private static final String ALIASING = """
      static double alias(double[] a) {
        double[] z = new double[2];
        double[] y = z;
        y[0] = a[0] * 3;
        y = a.clone();
        y[1] = 100;
        double[] t = y;
        t[0] += 1;
        return z[0] + z[1] + y[0] + y[1] + a[1] + (y == t ? 1000 : 0) + (y != z ? 10000 : 0);
      }
      static double scribble(double[] a, double[][] m) {
        a[0] = a[0] * a[0];
        for (double[] row : m) {
          row[0] += 1;
        }
        double[][] c = m.clone();
        c[1][1] = 7;
        c[0] = new double[] {5, 5};
        double[] first = m[0];
        first[1] *= 2;
        return a[0] + m[0][0] + m[1][1] + m[0][1] + c[0][0];
      }""";

  /** {@link #ALIASING}'s scribble compiled by javac. */
  static double scribble(double[] a, double[][] m) {
    a[0] = a[0] * a[0];
    for (double[] row : m) {
      row[0] += 1;
    }
    double[][] c = m.clone();
    c[1][1] = 7;
    c[0] = new double[] {5, 5};
    double[] first = m[0];
    first[1] *= 2;
    return a[0] + m[0][0] + m[1][1] + m[0][1] + c[0][0];
  }

  @Test
  void arraysAliasLikeJava() {
    // z = [3 a0, 0]; y is a copy of a with y[1] = 100 and y[0] = a0 + 1 (through t).
    assertResult(3 * 2 + 2 + 1 + 100 + 5 + 11000, new double[] {4, 1},
        eval(ALIASING, "alias", (Object) new double[] {2, 5}));
  }

  @Test
  void callerArraysAreNeverModified() {
    double[] a = {3, 1};
    double[][] m = {{1, 2}, {3, 4}};
    Result r = eval(ALIASING, "scribble", a, m);
    assertArrayEquals(new double[] {3, 1}, a);
    assertArrayEquals(new double[][] {{1, 2}, {3, 4}}, m);
    // a0^2 + (m00 + 1) + 7 + 2 m01 + 5, as javac's code computes (and writes into its copies).
    double[] a2 = a.clone();
    double[][] m2 = {m[0].clone(), m[1].clone()};
    assertEquals(scribble(a2, m2), r.value(), 0.0);
    assertEquals(9 + 2 + 7 + 4 + 5, r.value(), 0.0);
    assertArrayEquals(new double[] {6, 0, 1, 2, 0, 0}, r.gradient(), 1e-12);
    assertArrayEquals(new double[][] {{2, 4}, {4, 7}}, m2); // javac's run did write
    // Finite differences on deep copies: the writes cannot leak into the probe either.
    double[] fd = FiniteDifferences.centered(OracleSelfTest.class, "scribble",
        new Object[] {a, m}, 1e-6);
    assertArrayEquals(r.gradient(), fd, 1e-6);
    assertArrayEquals(new double[] {3, 1}, a);
    assertArrayEquals(new double[][] {{1, 2}, {3, 4}}, m);
    int[] k = {1, 2};
    assertResult(10, new double[] {5}, eval(
        "static double f(int[] k, double x) { k[0] = 5; k[1]++; return x * k[0]; }", "f", k, 2.0));
    assertArrayEquals(new int[] {1, 2}, k);
  }

  @Test
  void outOfBoundsAndNegativeSizesThrowLikeJava() {
    assertThrows(ArrayIndexOutOfBoundsException.class, () -> eval(
        "static double f(double[] a) { return a[a.length]; }", "f", (Object) new double[2]));
    assertThrows(ArrayIndexOutOfBoundsException.class, () -> eval(
        "static double f(double[] a) { double[] y = new double[2]; y[-1] = a[0]; return 0; }",
        "f", (Object) new double[2]));
    assertThrows(ArrayIndexOutOfBoundsException.class, () -> eval(
        "static double f(double[][] m) { return m[0][2]; }", "f",
        (Object) new double[][] {{1, 2}}));
    assertThrows(ArrayIndexOutOfBoundsException.class, () -> eval(
        "static double f(double x) { int[] k = {1}; k[1]++; return x; }", "f", 1.0));
    assertThrows(NegativeArraySizeException.class, () -> eval(
        "static double f(double x, int n) { double[] y = new double[n]; return x; }",
        "f", 1.0, -1));
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
          // Richardson's rounding error is about eps |f| / h: a derivative that small next to
          // the value is compared to that floor, not relatively
          double floor = 1e-10 * Math.max(1, Math.abs(r.value()));
          if (scale > 1e-6 && Math.abs(exact - fd[k]) >= 1e-5 * scale + floor) {
            fail("d/d" + k + ": oracle " + exact + " vs finite differences " + fd[k] + ": "
                + context);
          }
        }
      }
    }
  }

  @Test
  void loopProgramsAreDeterministicAndMatchFiniteDifferences(@TempDir Path out)
      throws Exception {
    List<Program> programs = new ArrayList<>();
    List<JavaFileObject> sources = new ArrayList<>();
    sources.add(source("dev.adjoint.Differentiable",
        "package dev.adjoint; public @interface Differentiable { String[] wrt() default {}; }"));
    for (long seed = 0; seed < PROGRAMS; seed++) {
      Program p = RandomPrograms.generateWithLoops(seed);
      Program again = RandomPrograms.generateWithLoops(seed);
      assertEquals(p.source(), again.source(), "seed " + seed);
      assertTrue(Arrays.deepEquals(p.args(), again.args()), "seed " + seed);
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
        String context = p.description() + "\n" + p.source();
        Class<?> owner = loader.loadClass(p.className());
        Object[] args = FiniteDifferences.unflatten(p.args(), FiniteDifferences.flatten(p.args()));
        double expected = FiniteDifferences.flatMethod(owner, p.methodName(), p.args())
            .applyAsDouble(FiniteDifferences.flatten(p.args()));
        Result r = HipparchusOracle.evaluate(p.source(), p.methodName(), p.args());
        assertEquals(expected, r.value(), 0.0, context); // bit for bit
        assertTrue(Arrays.deepEquals(args, p.args()), "arguments modified: " + context);

        double[] fd = FiniteDifferences.richardson(owner, p.methodName(), p.args(), 1e-4);
        assertEquals(fd.length, r.gradient().length, context);
        for (int k = 0; k < fd.length; k++) {
          double exact = r.gradient()[k];
          double scale = Math.max(Math.abs(exact), Math.abs(fd[k]));
          if (!Double.isFinite(exact)) {
            fail("non-finite derivative " + k + ": " + context);
          }
          // Richardson's rounding error is about eps |f| / h: a derivative that small next to
          // the value is compared to that floor, not relatively
          double floor = 1e-10 * Math.max(1, Math.abs(r.value()));
          if (scale > 1e-6 && Math.abs(exact - fd[k]) >= 1e-5 * scale + floor) {
            fail("d/d" + k + ": oracle " + exact + " vs finite differences " + fd[k] + ": "
                + context);
          }
        }
      }
    }
  }

  @Test
  void finiteDifferencesFlattenArraysLikeTheOracle() {
    Object[] args = {1.5, new double[] {2, 3}, 4, new double[][] {{5, 6}, {7, 8}}, new int[] {9}};
    double[] flat = FiniteDifferences.flatten(args);
    assertArrayEquals(new double[] {1.5, 2, 3, 5, 6, 7, 8}, flat);
    Object[] copy = FiniteDifferences.unflatten(args, flat);
    assertTrue(Arrays.deepEquals(args, copy));
    assertTrue(copy[1] != args[1] && copy[4] != args[4]
        && ((double[][]) copy[3])[0] != ((double[][]) args[3])[0]);
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

  // ---- second order: DerivativeStructure of order 2 against closed forms

  private static void assertHessian(double[][] expected, HipparchusOracle.SecondOrder actual) {
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], actual.hessian()[i],
          TOL * (1 + Arrays.stream(expected[i]).map(Math::abs).max().orElse(0)),
          "Hessian row " + i);
    }
  }

  @Test
  void hessianOfRosenbrockIsItsClosedForm() {
    String members = """
        @Differentiable
        static double rosenbrock(double[] x) {
          double f = 0;
          for (int i = 0; i + 1 < x.length; i += 2) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            f += 100 * a * a + b * b;
          }
          return f;
        }""";
    double[] x = {-1.2, 1.0, 0.5, 0.3};
    HipparchusOracle.SecondOrder r = HipparchusOracle.hessian(unit(members), "rosenbrock", x);
    double[][] h = new double[4][4];
    for (int i = 0; i < 4; i += 2) {
      h[i][i] = 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
      h[i][i + 1] = -400 * x[i];
      h[i + 1][i] = -400 * x[i];
      h[i + 1][i + 1] = 200;
    }
    assertHessian(h, r);
    assertArrayEquals(eval(members, "rosenbrock", x).gradient(), r.gradient(), 0.0,
        "the same gradient as with Gradients, bit for bit");
  }

  @Test
  void hessianOfProductsAndExponentials() {
    double x = 0.7;
    double y = -1.3;
    double z = 0.4;
    HipparchusOracle.SecondOrder r = HipparchusOracle.hessian(unit("""
        @Differentiable
        static double f(double x, double y, double z) {
          return x * y * z + Math.exp(x * y) + Math.sin(z) / y;
        }"""), "f", x, y, z);
    double e = Math.exp(x * y);
    assertHessian(new double[][] {
        {y * y * e, z + e + x * y * e, y},
        {z + e + x * y * e, x * x * e + 2 * Math.sin(z) / (y * y * y), x - Math.cos(z) / (y * y)},
        {y, x - Math.cos(z) / (y * y), -Math.sin(z) / y}}, r);
    assertEquals(x * y * z + e + Math.sin(z) / y, r.value(), 0.0);
  }

  @Test
  void hessianThroughCallsWrtAndMatrices() {
    double[][] m = {{0.3, -0.5}, {1.1, 0.2}};
    HipparchusOracle.SecondOrder r = HipparchusOracle.hessian(unit("""
        static double square(double v) {
          return v * v;
        }

        @Differentiable(wrt = {"m"})
        static double f(double[][] m, double k) {
          return square(m[0][1] * m[1][0]) * k + Math.log(m[1][1] + 1);
        }"""), "f", m, 3.0);
    double p = m[0][1] * m[1][0];
    double[][] h = new double[4][4];
    h[1][1] = 2 * 3.0 * m[1][0] * m[1][0];
    h[2][2] = 2 * 3.0 * m[0][1] * m[0][1];
    h[1][2] = 4 * 3.0 * p;
    h[2][1] = h[1][2];
    h[3][3] = -1 / ((m[1][1] + 1) * (m[1][1] + 1));
    assertHessian(h, r);
  }
}
