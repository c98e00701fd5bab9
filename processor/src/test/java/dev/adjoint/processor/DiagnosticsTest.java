package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.testing.ErrorAssertions.badClass;

import com.google.testing.compile.Compilation;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.testing.Compiled;
import dev.adjoint.processor.testing.ErrorAssertions;
import java.util.EnumSet;
import java.util.Set;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * Every message of the catalogue, provoked by a source a user could write, asserted by id, text,
 * file and line.
 */
class DiagnosticsTest {
  private static final Set<Message> TESTED = EnumSet.noneOf(Message.class);

  /** Messages that cannot be provoked from source, with the test covering them instead. */
  private static final Set<Message> COVERED_ELSEWHERE = EnumSet.of(
      Message.NO_TREES, // WrappedEnvironmentTest
      Message.INTERNAL_ERROR, // InternalErrorTest
      Message.NO_ATTRIBUTION); // JavacAttributionTest proves the JDK still attributes


  private static Compilation assertError(String source, Message message, String lineContaining,
      String... textParts) {
    TESTED.add(message);
    return ErrorAssertions.assertError(source, message, lineContaining, textParts);
  }

  @Test
  void abstractMethod() {
    String source = """
        package bad;

        import dev.adjoint.Differentiable;

        public abstract class Bad {
          @Differentiable
          abstract double f(double x);
        }
        """;
    assertError(source, Message.NO_BODY, "abstract double f", "no body");
  }

  @Test
  void genericMethod() {
    assertError(badClass("@Differentiable static <T> double f(double x, T t) { return x; }"),
        Message.GENERIC_METHOD, "static <T> double f", "type parameters");
  }

  @Test
  void returnType() {
    assertError(badClass("@Differentiable static float f(double x) { return (float) x; }"),
        Message.RETURN_TYPE, "static float f", "returns float", "must return double");
  }

  @Test
  void arrayParameter() {
    assertError(badClass("@Differentiable static double f(double x, float[] v) { return x; }"),
        Message.PARAMETER_TYPE, "float[] v", "'v'", "float[]");
  }

  @Test
  void wrtUnknown() {
    assertError(badClass("""
        @Differentiable(wrt = {"x", "z"})
          static double f(double x, double y) { return x * y; }"""),
        Message.WRT_UNKNOWN, "wrt = {\"x\", \"z\"}", "'z'", "x, y");
  }

  @Test
  void wrtNotDouble() {
    assertError(badClass("""
        @Differentiable(wrt = {"n"})
          static double f(double x, int n) { return x * n; }"""),
        Message.WRT_NOT_DOUBLE, "wrt = {\"n\"}", "'n'", "int");
  }

  @Test
  void genericRecordComponent() {
    assertError(badClass("""
        record Box<T>(double w, T tag) {}

          @Differentiable static double f(Box<String> b, double x) { return b.w() * x; }"""),
        Message.RECORD_COMPONENT_TYPE, "static double f(Box<String> b", "b.tag()", "type T");
  }

  @Test
  void recordAccess() {
    assertError(badClass("""
        private record Hidden(double w) {}

          @Differentiable static double f(Hidden h, double x) { return h.w() * x; }"""),
        Message.RECORD_ACCESS, "static double f(Hidden h", "bad.Bad.Hidden", "BadGrad",
        "make it package-private");
  }

  @Test
  void recordComponentType() {
    assertError("""
        package bad;

        import dev.adjoint.Differentiable;

        public record Deep(double[][][] weights) {
          @Differentiable
          public double norm() {
            return 0;
          }
        }
        """, Message.RECORD_COMPONENT_TYPE, "public double norm()", "deep.weights()",
        "double[][][]", "a record per layer");
  }

  @Test
  void nothingToDifferentiate() {
    assertError(badClass("@Differentiable static double f(int n) { return n; }"),
        Message.NOTHING_TO_DIFFERENTIATE, "static double f(int n)", "no double,");
  }

  @Test
  void labeledJumps() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            outer:
            for (int i = 0; i < 3; i++) {
              for (int j = 0; j < 3; j++) {
                if (x > j) break outer;
                x = x * 2;
              }
            }
            return x;
          }"""), Message.UNSUPPORTED, "outer:", "labeled statement");
  }

  @Test
  void arrays() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            long[] a = {1, 2};
            return x;
          }"""), Message.ARRAY, "long[] a", "long[]");
    assertError(badClass("""
        @Differentiable static double f(double[][] m) {
            double[] row = m[0];
            double s = 0;
            for (double[] r : m) { s += r[0]; }
            return m[1] == null ? 0 : s;
          }"""), Message.ARRAY, "m[1] == null", "matrix row as a value");
    assertError(badClass("""
        @Differentiable static double f(double[] x) {
            double[][] m = new double[2][2];
            m[1] = x.clone();
            return m[1][0];
          }"""), Message.ARRAY, "m[1] = x.clone();", "assigning a whole row", "m[1][j] = ...");
  }

  /** {@code double[][][]} is data: read in place, never differentiated, made or written. */
  @Test
  void tensors() {
    assertError(badClass("""
        @Differentiable static double f(double[] w, double[][][] xs) {
            return w[0] * xs[0][0][0];
          }"""), Message.TENSOR_DATA, "double[][][] xs", "'xs'", "@NoDerivative");
    assertError(badClass("""
        @Differentiable static double f(double[] w) {
            double[][][] t = new double[2][2][2];
            return w[0];
          }"""), Message.ARRAY, "new double[2][2][2]", "double[][][] made in the method",
        "@NoDerivative parameter");
    assertError(badClass("""
        @Differentiable static double f(double[] w, @dev.adjoint.NoDerivative double[][][] xs) {
            return xs[1] == null ? 0 : w[0];
          }"""), Message.ARRAY, "xs[1] == null", "row as a value", "double[][] row = xs[1];");
    assertError(badClass("""
        @Differentiable static double f(double[] w, @dev.adjoint.NoDerivative double[][][] xs) {
            xs[0][1][0] = w[0];
            return w[0];
          }"""), Message.PARAMETER_WRITE, "xs[0][1][0] = w[0];", "'xs'");
  }

  /** A second name for a parameter that is written through (read only, it is a copy). */
  @Test
  void arrayAliases() {
    assertError(badClass("""
        @Differentiable static double f(double[] x) {
            double[] y = x;
            y[0] = 2 * y[1];
            return y[0];
          }"""), Message.ARRAY_ALIAS, "double[] y = x", "'x'", "clone()");
    assertError(badClass("""
        @Differentiable static double f(double[] x) {
            double[] y = new double[2];
            y = x;
            y[1] += 1;
            return y[0];
          }"""), Message.ARRAY_ALIAS, "y = x;", "'x'", "parameter");
    // a row alias as a value: the way out named (a copy of the row, which is supported)
    assertError(badClass("""
        @Differentiable static double f(double[][] m) {
            double[] row = m[0];
            double[] y = new double[2];
            y = row;
            return y[0];
          }"""), Message.ARRAY_ALIAS, "y = row;", "'row'", "row of a matrix", "clone()");
  }

  @Test
  void arrayChosenByACondition() {
    assertError(badClass("""
        @Differentiable static double f(double[] x, double[] y) {
            double[] z = x[0] > 0 ? x : y;
            return z[0];
          }"""), Message.ARRAY_ALIAS, "x[0] > 0 ? x : y", "'x'");
  }

  @Test
  void writingIntoAParameterArray() {
    assertError(badClass("""
        @Differentiable static double f(double[] x, double[][] m) {
            x[0] = 2 * x[0];
            m[0][1] += 1;
            return x[0] + m[0][1];
          }"""), Message.PARAMETER_WRITE, "x[0] = 2 * x[0]", "'x'", "x.clone()");
    // through the JDK's fills and copies too, reported at the call
    assertError(badClass("""
        @Differentiable static double f(double[] x) {
            java.util.Arrays.fill(x, 1.0);
            return x[0];
          }"""), Message.PARAMETER_WRITE, "Arrays.fill(x, 1.0)", "'x'", "x.clone()");
    assertError(badClass("""
        @Differentiable static double f(double[] x, double[][] m) {
            double[] h = {1, 2};
            System.arraycopy(h, 0, m[1], 0, 2);
            return x[0] * m[1][0];
          }"""), Message.PARAMETER_WRITE, "System.arraycopy(h, 0, m[1], 0, 2)", "'m'");
  }

  @Test
  void exceptions() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            if (x < 0) throw new IllegalArgumentException();
            return x;
          }"""), Message.EXCEPTION, "throw new", "throw");
    assertError(badClass("""
        @Differentiable static double f(double x) {
            try { x = x * 2; } finally { }
            return x;
          }"""), Message.EXCEPTION, "try {", "try");
  }

  @Test
  void switchOverAString() {
    assertError(badClass("""
        @Differentiable static double f(double x, int k) {
            switch (String.valueOf(k)) {
              case "1": x = x * 2; break;
              default: break;
            }
            return x;
          }"""), Message.SWITCH, "switch (String.valueOf(k))",
        "a switch over a value of type java.lang.String is not supported",
        "switch over an int, char, short or byte value");
  }

  @Test
  void yieldBeforeTheEndOfACase() {
    assertError(badClass("""
        @Differentiable static double f(double x, int k) {
            double y = switch (k) {
              case 0 -> {
                if (x > 0) {
                  yield x;
                }
                yield -x;
              }
              default -> x;
            };
            return y;
          }"""), Message.SWITCH, "if (x > 0)", "a yield before the end of its case",
        "yield it as the last statement");
  }

  @Test
  void fallThroughInASwitchExpression() {
    assertError(badClass("""
        @Differentiable static double f(double x, int k) {
            double y = switch (k) {
              case 0:
                x = x * 2;
              case 1:
                yield x;
              default:
                yield 1;
            };
            return y;
          }"""), Message.SWITCH, "case 0:", "falling through from one case into the next",
        "end each case with yield");
  }

  @Test
  void switchStatementThatFallsThroughInsideASwitchExpression() {
    assertError(badClass("""
        @Differentiable static double f(double x, int k) {
            double y = switch (k) {
              case 0 -> {
                double s = x;
                switch (k + 1) {
                  case 1: s = s * 2;
                  default: s = s + 1;
                }
                yield s;
              }
              default -> x;
            };
            return y;
          }"""), Message.SWITCH, "switch (k + 1)", "a switch statement with fall-through",
        "inside a switch expression", "move it out of the switch expression");
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void patternSwitch() {
    assertError(badClass("""
        @Differentiable static double f(double x, int k) {
            switch (Integer.valueOf(k)) {
              case Integer i when i > 2 -> x = x * 2;
              default -> { }
            }
            return x;
          }"""), Message.SWITCH, "case Integer i when", "a pattern or a guard in a case label",
        "use constant labels");
  }

  @Test
  void callWithoutADerivative() {
    assertError(badClass("""
        static double helper(double x) { return x; }

          @Differentiable static double f(double x) {
            return helper(x) * 2;
          }"""), Message.NO_DERIVATIVE, "return helper(x)", "'Bad.helper'", "@CustomGradient",
        "mark it @Differentiable");
  }

  @Test
  void callsThatCannotBeMade() {
    assertError(badClass("""
        double twice(double x) { return 2 * x; }

          @Differentiable static double f(double x) {
            return new Bad().twice(x);
          }"""), Message.CALL, "new Bad().twice(x)", "'Bad.twice'", "instance method");
    assertError(badClass("""
        private static double hidden(double x) { return 2 * x; }

          @Differentiable static double f(double x) {
            return hidden(x);
          }"""), Message.CALL, "return hidden(x)", "private", "package-private");
    assertError(badClass("""
        static double sum(double... xs) { return xs[0]; }

          @Differentiable static double f(double x) {
            return sum(x, x);
          }"""), Message.CALL, "return sum(x, x)", "varargs");
  }

  @Test
  void customGradientWithAWrongSignature() {
    assertError(badClass("""
        static double cube(double x) { return x * x * x; }

          @dev.adjoint.CustomGradient("cube")
          static double cubePullback(double x, double seed) { return cube(x); }"""),
        Message.CUSTOM_GRADIENT, "@dev.adjoint.CustomGradient(\"cube\")", "'cube'",
        "static double cubePullback(double x, double seed, double[] dScalars)");
    assertError(badClass("""
        @dev.adjoint.CustomGradient("cubed")
          static double cubePullback(double x, double seed, double[] d) { return x; }"""),
        Message.CUSTOM_GRADIENT, "@dev.adjoint.CustomGradient(\"cubed\")", "names no method");
  }

  /**
   * A @CustomGradient for an array-returning helper, with a double seed as a scalar helper's
   * pullback has, once made the caller's sweeps pass an array as the double seed (generated code
   * that did not compile). Now the registration is refused at the annotation with the signature
   * expected (a double[] seed), the call is refused at the call, and nothing generated fails to
   * compile. (With that signature it works: VectorOutputTest.)
   */
  @Test
  void customGradientOfAnArrayResult() {
    String source = badClass("""
        static double[] dense(double[][] W, double[] b, double[] x) {
            double[] y = b.clone();
            for (int i = 0; i < b.length; i++) {
              for (int j = 0; j < x.length; j++) {
                y[i] += W[i][j] * x[j];
              }
            }
            return y;
          }

          @dev.adjoint.CustomGradient("dense")
          static double densePullback(double[][] W, double[] b, double[] x, double seed,
              double[][] dW, double[] db, double[] dx) {
            return 0;
          }

          @Differentiable static double loss(double[][] W, double[] b, double[] x) {
            double[] h = dense(W, b, x);
            return h[0] * h[1];
          }""");
    var compilation = assertError(source, Message.CUSTOM_GRADIENT,
        "@dev.adjoint.CustomGradient(\"dense\")", "does not match the pullback of 'dense'",
        "static double[] (or void) densePullback(double[][] W, double[] b, double[] x,"
            + " double[] seed,"
            + " double[][] dW, double[] db, double[] dx)");
    assertThat(compilation).hadErrorContaining("[" + Message.NO_DERIVATIVE_ARRAY.id() + "]")
        .inFile(Compiled.fileObjects(source).get(0))
        .onLineContaining("double[] h = dense(W, b, x)");
    assertThat(compilation.errors().stream()
        .filter(d -> d.getSource() != null
            && !d.getSource().getName().endsWith("Bad.java")).toList()).isEmpty();
  }

  /**
   * Only a vector's pullback may return nothing (its callers have the value); a scalar's must
   * return it, as the forward mode through it reads the value.
   */
  @Test
  void voidPullbackOfAScalar() {
    assertError(badClass("""
        static double cube(double v) {
            return v * v * v;
          }

          @dev.adjoint.CustomGradient("cube")
          static void cubePullback(double v, double seed, double[] dScalars) {
            dScalars[0] += seed * 3 * v * v;
          }"""), Message.CUSTOM_GRADIENT, "@dev.adjoint.CustomGradient(\"cube\")",
        "does not match the pullback of 'cube'",
        "static double cubePullback(double v, double seed, double[] dScalars)");
  }

  @Test
  void anArrayReturningHelperNamesWhatWorks() {
    assertError(badClass("""
        static double[] twice(double[] v) {
            double[] w = new double[v.length];
            for (int i = 0; i < v.length; i++) {
              w[i] = 2 * v[i];
            }
            return w;
          }

          @Differentiable static double f(double[] v) {
            double[] w = twice(v);
            return w[0] * v[1];
          }"""), Message.NO_DERIVATIVE_ARRAY, "double[] w = twice(v);", "'Bad.twice'",
        "returns double[]", "mark it @Differentiable (a method may return double[]",
        "register that pullback with @CustomGradient (double[] seed");
    // a matrix passed as a generic T[]: its gradient would have been dropped without a word
    assertError(badClass("""
        @Differentiable static double f(double[][] m) {
            double[][] c = java.util.Arrays.copyOf(m, 2);
            return c[0][0] * m[1][1];
          }"""), Message.NO_DERIVATIVE_ARRAY, "double[][] c = java.util.Arrays.copyOf(m, 2);",
        "'Arrays.copyOf'", "returns double[][]");
  }

  @Test
  void customGradientOfAnIntResult() {
    assertError(badClass("""
        static int bucket(double v) {
            return (int) v;
          }

          @dev.adjoint.CustomGradient("bucket")
          static int bucketPullback(double v, int seed, double[] dScalars) {
            return bucket(v);
          }"""), Message.CUSTOM_GRADIENT_RESULT, "@dev.adjoint.CustomGradient(\"bucket\")",
        "'bucket' returns int", "double[] or double[][] (a seed of that type)");
  }

  @Test
  void aParameterOutsideTheCalleesWrtIsNamed() {
    assertError(badClass("""
        @Differentiable(wrt = {"x"}) static double scaled(double x, double k) { return x * k; }

          @Differentiable static double f(double x) {
            return scaled(x, x * x);
          }"""), Message.WRT_EXCLUDED, "return scaled(x, x * x);", "'Bad.scaled'", "'k'",
        "add \"k\" to its wrt");
  }

  @Test
  void orderOtherThanOneOrTwo() {
    assertError(badClass("""
        @Differentiable(order = 3) static double cube(double x) { return x * x * x; }"""),
        Message.ORDER, "order = 3", "order = 3 on 'cube'", "write order = 1 or order = 2");
  }

  @Test
  void secondOrderCallingFirstOrder() {
    assertError(badClass("""
        @Differentiable static double square(double x) { return x * x; }

          @Differentiable(order = 2) static double f(double x) {
            double s = square(x);
            return s * x;
          }"""), Message.SECOND_ORDER_CALLEE, "double s = square(x);", "'Bad.square'",
        "it is @Differentiable of order 1", "mark it @Differentiable(order = 2)");
  }

  @Test
  void secondOrderCallingCustomGradient() {
    assertError(badClass("""
        static double cube(double x) { return x * x * x; }

          @dev.adjoint.CustomGradient("cube")
          static double cubePullback(double x, double seed, double[] dScalars) {
            dScalars[0] += seed * 3 * x * x;
            return x * x * x;
          }

          @Differentiable(order = 2) static double f(double x) {
            return cube(x) + x;
          }"""), Message.SECOND_ORDER_CALLEE, "return cube(x) + x;", "'Bad.cube'",
        "it has a @CustomGradient but no @CustomHvp");
  }

  @Test
  void customJvpWithTheWrongSignature() {
    assertError(badClass("""
        static double[] twice(double[] v) {
            double[] w = new double[v.length];
            for (int i = 0; i < v.length; i++) {
              w[i] = 2 * v[i];
            }
            return w;
          }

          @dev.adjoint.CustomJvp("twice")
          static double[] twiceJvp(double[] v, double[] dv, double[] tangentOut) {
            return twice(v);
          }"""), Message.CUSTOM_JVP, "@dev.adjoint.CustomJvp(\"twice\")",
        "does not match the JVP of 'twice'",
        "static double[] twiceJvp(double[] v, double[] dv, double[][] tangentOut)");
  }

  @Test
  void customHvpWithTheWrongSignature() {
    assertError(badClass("""
        static double cube(double x) { return x * x * x; }

          @dev.adjoint.CustomGradient("cube")
          static double cubePullback(double x, double seed, double[] dScalars) {
            dScalars[0] += seed * 3 * x * x;
            return x * x * x;
          }

          @dev.adjoint.CustomHvp("cube")
          static double cubeHvp(double x, double seed, double[] dScalars, double vx) {
            return x * x * x;
          }"""), Message.CUSTOM_HVP, "@dev.adjoint.CustomHvp(\"cube\")",
        "does not match the HVP of 'cube'", "static double cubeHvp(double x, double seed,"
            + " double[] dScalars, double vx, double seedTangent, double[] hScalars)");
  }

  /** A vector's HVP takes the tangent of its vector seed: the expected signature says so. */
  @Test
  void customHvpOfAVectorWithAScalarSeedTangent() {
    assertError(badClass("""
        static double[] twice(double[] x) { return new double[] {2 * x[0]}; }

          @dev.adjoint.CustomGradient("twice")
          static void twicePullback(double[] x, double[] seed, double[] dx) {
            dx[0] += 2 * seed[0];
          }

          @dev.adjoint.CustomHvp("twice")
          static void twiceHvp(double[] x, double[] seed, double[] dx, double[] vx,
              double seedTangent, double[] hx) {
            dx[0] += 2 * seed[0];
          }"""), Message.CUSTOM_HVP, "@dev.adjoint.CustomHvp(\"twice\")",
        "does not match the HVP of 'twice'", "static double[] (or void) twiceHvp(double[] x,"
            + " double[] seed, double[] dx, double[] vx, double[] seedTangent, double[] hx)");
  }

  @Test
  void customHvpOfAnIntMethod() {
    assertError(badClass("""
        static int bucket(double x) { return (int) x; }

          @dev.adjoint.CustomHvp("bucket")
          static int bucketHvp(double x, int seed) { return (int) x; }"""), Message.CUSTOM_HVP,
        "@dev.adjoint.CustomHvp(\"bucket\")", "names a method returning int",
        "registered for a method returning double, double[] or double[][]");
  }

  @Test
  void customHvpNamingNoMethod() {
    assertError(badClass("""
        @dev.adjoint.CustomHvp("cubed")
          static double cubedHvp(double x) { return x; }"""), Message.CUSTOM_HVP,
        "@dev.adjoint.CustomHvp(\"cubed\")", "names no method of Bad");
  }

  @Test
  void secondOrderMethodsThatWouldClash() {
    assertError(badClass("""
        @Differentiable(order = 2) static double loss(double x) { return x * x; }

          @Differentiable static double lossHessian(double a) { return a * a; }"""),
        Message.GENERATED_CLASH, "static double lossHessian(double a)",
        "a method lossHessian(double)", "'loss' already");
  }

  /** Generated code that would not compile: two methods of BadGrad with one signature. */
  @Test
  void generatedMethodsThatWouldClash() {
    assertError(badClass("""
        @Differentiable static double loss(double x) { return x * x; }

          @Differentiable static double lossJvp(double a, double b) { return a * b; }"""),
        Message.GENERATED_CLASH, "static double lossJvp(double a, double b)",
        "'lossJvp' would give BadGrad a method lossJvp(double, double)", "'loss' already");
  }

  @Test
  void mathFunctionWithoutDerivative() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            double u = Math.ulp(x);
            return u * x;
          }"""), Message.NO_DERIVATIVE, "Math.ulp(x)", "'Math.ulp'");
  }

  @Test
  void floatArithmetic() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            float small = (float) x;
            return small * 2;
          }"""), Message.FLOAT, "(float) x", "use double");
  }

  @Test
  void fieldWrite() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            field = x;
            return x;
          }"""), Message.FIELD_WRITE, "field = x", "'field'");
  }

  @Test
  void inaccessibleField() {
    String source = """
        package bad;

        import dev.adjoint.Differentiable;

        public class Bad {
          private static double hidden = Math.sqrt(2);

          @Differentiable static double f(double x) {
            return x * hidden;
          }
        }
        """;
    assertError(source, Message.FIELD_READ, "return x * hidden", "'hidden'", "BadSweeps");
  }

  @Test
  void instanceField() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            return x * new Bad().instance;
          }"""), Message.INSTANCE_FIELD, "new Bad().instance", "'instance'", "own fields");
  }

  @Test
  void instanceFieldThroughStaticContext() {
    String source = """
        package bad;

        import dev.adjoint.Differentiable;

        public class Bad {
          static Bad shared = new Bad();
          double instance = 2;

          @Differentiable static double f(double x) {
            return x * shared.instance;
          }
        }
        """;
    assertError(source, Message.INSTANCE_FIELD, "shared.instance", "'instance'");
  }

  @Test
  void objects() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            String s = "a";
            return x;
          }"""), Message.OBJECT, "String s", "String");
  }

  @Test
  void nestedAssignment() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            double y;
            double z = (y = x * 2) + 1;
            return z;
          }"""), Message.NESTED_ASSIGNMENT, "(y = x * 2)", "own statement");
  }

  @Test
  void lambda() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            java.util.function.DoubleUnaryOperator g = v -> v * 2;
            return x;
          }"""), Message.OBJECT, "DoubleUnaryOperator g", "DoubleUnaryOperator");
    assertError(badClass("""
        @Differentiable static double f(double x) {
            synchronized (Bad.class) { x = x * 2; }
            return x;
          }"""), Message.UNSUPPORTED, "synchronized (Bad.class)", "synchronized");
  }

  @Test
  void tooManyPaths() {
    StringBuilder body = new StringBuilder("@Differentiable static double f(double x) {\n");
    for (int i = 0; i < 16; i++) {
      body.append("    if (x > ").append(i).append(") { if (x < ").append(i + 0.5)
          .append(") return x; x = x * 1.01; }\n");
    }
    body.append("    return x;\n  }");
    assertError(badClass(body.toString()), Message.TOO_MANY_PATHS,
        "static double f(double x)", "return once");
  }

  @Test
  void tooManyPathsThroughSwitches() {
    StringBuilder body = new StringBuilder("@Differentiable static double f(double x, int k) {\n");
    for (int i = 0; i < 16; i++) {
      body.append("    switch (k + ").append(i).append(") { case 0: if (x > 1) break;")
          .append(" x = x * 1.01; break; default: x = x + 1; }\n");
    }
    body.append("    return x;\n  }");
    assertError(badClass(body.toString()), Message.TOO_MANY_PATHS,
        "static double f(double x, int k)", "end each switch case with break");
  }

  @Test
  void reportsAllErrorsOfAMethodInOneBuild() {
    Compilation compilation = Compiled.compilation(new DifferentiableProcessor(), badClass("""
        @Differentiable static double f(double x) {
            field = x;
            float small = (float) x;
            switch (String.valueOf(x)) { default: x = x * 2; }
            return x;
          }"""));
    long ours = compilation.errors().stream()
        .filter(d -> d.getMessage(null).startsWith("[adjoint.")).count();
    assertThat(ours).isEqualTo(3); // field write, float, switch
    assertThat(compilation.errors().stream().map(Diagnostic::getLineNumber).distinct().count())
        .isEqualTo(3);
  }

  @AfterAll
  static void everyMessageIsTested() {
    Set<Message> untested = EnumSet.allOf(Message.class);
    untested.removeAll(TESTED);
    untested.removeAll(COVERED_ELSEWHERE);
    assertThat(untested).isEmpty();
  }
}
