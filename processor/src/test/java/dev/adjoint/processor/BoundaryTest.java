package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.testing.ErrorAssertions.assertError;
import static dev.adjoint.processor.testing.ErrorAssertions.badClass;

import com.google.testing.compile.Compilation;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.testing.Compiled;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The rows of README's "What Adjoint differentiates, and what it refuses" that no other test
 * compiles: each refused construct gets its id, its text, at its line; each accepted one gives
 * the right gradient. And the README names every id of the catalogue, and only those.
 */
class BoundaryTest {
  private static final Path README = Path.of("..", "README.md");



  // ---- refused, each with its id at its line

  @Test
  void lambdasAndMethodReferencesPassedToACall() {
    String helper = """
        static double apply(java.util.function.DoubleUnaryOperator g, double v) {
            return g.applyAsDouble(v);
          }

          """;
    assertError(badClass(helper + """
        @Differentiable static double f(double x) {
            return x * apply(v -> v * v, 2);
          }"""), Message.UNSUPPORTED, "apply(v -> v * v, 2)", "a lambda", "inline");
    assertError(badClass(helper + """
        @Differentiable static double f(double x) {
            return x * apply(Math::sin, 2);
          }"""), Message.UNSUPPORTED, "apply(Math::sin, 2)", "a method reference",
        "call the method directly");
  }

  @Test
  void aCallOnALambdaLocal() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            java.util.function.DoubleUnaryOperator g = Math::exp;
            return g.applyAsDouble(x);
          }"""), Message.CALL, "return g.applyAsDouble(x)", "'DoubleUnaryOperator.applyAsDouble'",
        "instance method");
  }

  @Test
  void streams() {
    assertError(badClass("""
        @Differentiable static double f(double[] x) {
            return java.util.Arrays.stream(x).map(v -> v * v).sum();
          }"""), Message.CALL, "java.util.Arrays.stream(x)", "'DoubleStream.sum'",
        "streams and their lambdas", "for loop");
  }

  @Test
  void tryCatch() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            try {
              x = Math.sqrt(x);
            } catch (ArithmeticException e) {
              x = 0;
            }
            return x;
          }"""), Message.EXCEPTION, "try {", "try is not supported", "without exceptions");
  }

  @Test
  void assertsAndLocalClasses() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            assert x > 0;
            return x;
          }"""), Message.UNSUPPORTED, "assert x > 0", "assert", "check the input");
    assertError(badClass("""
        @Differentiable static double f(double x) {
            class Local {}
            return x;
          }"""), Message.UNSUPPORTED, "class Local", "a local class");
  }

  @Test
  void fieldWritesOfEveryForm() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            field++;
            return x;
          }"""), Message.FIELD_WRITE, "field++", "'field'");
    assertError(badClass("""
        @Differentiable double f(double x) {
            this.instance += x;
            return x;
          }"""), Message.FIELD_WRITE, "this.instance += x", "'instance'", "local variable");
  }

  @Test
  void objects() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            Double boxed = x;
            return x;
          }"""), Message.OBJECT, "Double boxed", "java.lang.Double");
    assertError(badClass("""
        @Differentiable static double f(double x, Object o) {
            return o instanceof String ? x : 2 * x;
          }"""), Message.OBJECT, "o instanceof String", "instanceof on a value of type"
        + " java.lang.Object");
    assertError(badClass("""
        enum Kind { A }

          @Differentiable static double f(double x) {
            Kind k = Kind.A;
            return x;
          }"""), Message.OBJECT, "Kind k = Kind.A", "Kind");
  }

  @Test
  void strings() {
    assertError(badClass("""
        @Differentiable static double f(double x) {
            return x * Double.parseDouble("2.5");
          }"""), Message.OBJECT, "Double.parseDouble(\"2.5\")", "java.lang.String");
    assertError(badClass("""
        @Differentiable static double f(double x) {
            return x * "abc".length();
          }"""), Message.CALL, "\"abc\".length()", "'String.length'", "instance method");
    assertError(badClass("""
        @Differentiable static double f(double x) {
            System.out.println("x = " + x);
            return x;
          }"""), Message.UNSUPPORTED, "System.out.println", "result is not used");
  }

  @Test
  void callsWithoutADerivative() {
    assertError(badClass("""
        static int argmax(double[] v) { return 0; }

          @Differentiable static double f(double[] x) {
            int k = argmax(x);
            return x[k];
          }"""), Message.NO_DERIVATIVE, "int k = argmax(x)", "'Bad.argmax'");
    assertError(badClass("""
        static double[] twice(double[] v) { return v; }

          @Differentiable static double f(double[] x) {
            double[] y = twice(x);
            return y[0];
          }"""), Message.NO_DERIVATIVE_ARRAY, "double[] y = twice(x)", "'Bad.twice'");
    assertError(badClass("""
        @Differentiable static double sum(double... xs) { return xs[0] + xs[1]; }

          @Differentiable static double f(double x) {
            return sum(x, x);
          }"""), Message.CALL, "return sum(x, x)", "varargs", "pass an array");
  }

  @Test
  void floatFromACall() {
    assertError(badClass("""
        static float narrow(double v) { return (float) v; }

          @Differentiable static double f(double x) {
            return narrow(x) * 2;
          }"""), Message.FLOAT, "return narrow(x) * 2", "use double");
  }

  @Test
  void incrementBesideAnotherReadOfItsVariable() {
    assertError(badClass("""
        @Differentiable static double f(double[] x) {
            int i = 0;
            double s = x[i] * x[i++];
            return s;
          }"""), Message.NESTED_ASSIGNMENT, "x[i++]", "'i++'", "also reads 'i'",
        "own statement");
  }

  @Test
  void incrementEvaluatedOnlySometimes() {
    assertError(badClass("""
        @Differentiable static double f(double[] x) {
            int i = 0;
            double s = x.length > 1 && x[i++] > 0 ? x[0] : x[1];
            return s;
          }"""), Message.NESTED_ASSIGNMENT, "x[i++]", "'i++'", "only sometimes",
        "own statement");
  }

  @Test
  void incrementInAnIfsCondition() {
    // a loop's test may step its counter (LoopSpellingsTest, LoopsAndArraysTest.steppingTests);
    // an if's may not: nothing runs it again, and the update belongs on a line of its own
    assertError(badClass("""
        @Differentiable static double f(double[] x) {
            double s = 0;
            int k = x.length;
            if (k-- > 1) {
              s += x[k];
            }
            return s;
          }"""), Message.NESTED_ASSIGNMENT, "k-- > 1", "'k--'", "loop's header",
        "own statement");
  }

  @Test
  void incrementInAForLoopsUpdate() {
    assertError(badClass("""
        @Differentiable static double f(double[] x) {
            double s = 0;
            int k = 0;
            for (int i = 0; i < x.length; s += x[k++]) {
              i++;
            }
            return s;
          }"""), Message.NESTED_ASSIGNMENT, "x[k++]", "'k++'", "loop's header",
        "own statement");
  }

  @Test
  void incrementOfAnArrayElementInsideAnExpression() {
    assertError(badClass("""
        @Differentiable static double f(double[] x, int[] c) {
            double s = x[c[0]++];
            return s;
          }"""), Message.NESTED_ASSIGNMENT, "x[c[0]++]", "'c[0]++'", "int or long local",
        "own statement");
  }

  @Test
  void methodsWithoutABody() {
    assertError(badClass("@Differentiable static native double f(double x);"),
        Message.NO_BODY, "native double f", "no body");
    assertError("""
        package bad;

        import dev.adjoint.Differentiable;

        public interface Bad {
          @Differentiable
          double f(double x);
        }
        """, Message.NO_BODY, "double f(double x)", "no body");
  }

  @Test
  void returnTypes() {
    assertError(badClass("@Differentiable static double[][][] f(double x) { return null; }"),
        Message.RETURN_TYPE, "static double[][][] f", "returns double[][][]",
        "or double[] or double[][]");
    assertError(badClass("@Differentiable static void f(double x) { }"),
        Message.RETURN_TYPE, "static void f", "returns void");
  }

  @Test
  void parameterTypes() {
    assertError(badClass("@Differentiable static double f(double x, long[] b) { return x; }"),
        Message.PARAMETER_TYPE, "long[] b", "'b'", "long[]");
  }

  // ---- accepted, with the right gradient

  static final String WORKS = """
      package ok;

      import dev.adjoint.Differentiable;

      public class Works {
        static int bucket(double v) { return (int) Math.floor(v * 2); }

        static boolean positive(double v) { return v > 0; }

        @Differentiable
        public static double floats(double x, float g) {
          float k = 2.5f;
          return x * k + g * x * x;
        }

        @Differentiable
        public static double longs(double x, long n) {
          long whole = (long) (x * 3);
          return whole * x + n * x;
        }

        @Differentiable
        public static double integralResults(double x) {
          int b = bucket(x);
          int e = Math.getExponent(x);
          return positive(x) ? b * x * x + e * x : -x;
        }

        @Differentiable
        public static double varargs(double... xs) {
          return xs[0] * xs[1];
        }

        @Differentiable
        public static double objectParameter(double x, String label) {
          return x * x;
        }
      }
      """;

  @Test
  void floatAndLongValuesAreConstants() {
    Compiled compiled = Compiled.compile(WORKS);
    double x = 1.3;
    float g = 0.75f;
    assertPartials(compiled.gradient("ok.Works", "floats", x, g), 2.5 + 2 * g * x);
    assertPartials(compiled.gradient("ok.Works", "longs", x, 4L), 3 + 4);
  }

  @Test
  void integralResultsOfDoubleValuesHaveDerivativeZero() {
    Compiled compiled = Compiled.compile(WORKS);
    double x = 1.3; // bucket 2, exponent 0
    assertPartials(compiled.gradient("ok.Works", "integralResults", x), 2 * 2 * x);
    x = 5.0; // bucket 10, exponent 2
    assertPartials(compiled.gradient("ok.Works", "integralResults", x), 10 * 2 * x + 2);
    assertPartials(compiled.gradient("ok.Works", "integralResults", -0.5), -1);
  }

  @Test
  void varargsAndObjectParameters() {
    Compiled compiled = Compiled.compile(WORKS);
    assertPartials(compiled.gradient("ok.Works", "varargs", (Object) new double[] {3, 4}), 4, 3);
    assertPartials(compiled.gradient("ok.Works", "objectParameter", 1.5, "label"), 3);
  }

  @Test
  void interfaceStaticAndDefaultMethods() throws Exception {
    String source = """
        package ok;

        import dev.adjoint.Differentiable;

        public interface Shape {
          @Differentiable
          static double area(double r) {
            return Math.PI * r * r;
          }

          @Differentiable
          default double scaled(double x) {
            return 3 * x * x;
          }

          final class Unit implements Shape {}
        }
        """;
    Compiled compiled = Compiled.compile(source);
    assertPartials(compiled.gradient("ok.Shape", "area", 2.0), 4 * Math.PI);
    Class<?> shape = compiled.load("ok.Shape");
    Object unit = compiled.load("ok.Shape$Unit").getDeclaredConstructor().newInstance();
    Method scaled = compiled.load("ok.ShapeGrad").getMethod("scaled", shape, double.class);
    Object record = scaled.invoke(null, unit, 2.0);
    assertThat((double) record.getClass().getMethod("dx").invoke(record)).isEqualTo(12.0);
  }

  private static void assertPartials(Compiled.Gradient gradient, double... expected) {
    assertWithMessage(gradient.names().toString()).that(gradient.partials())
        .usingTolerance(1e-12).containsExactly(expected).inOrder();
  }

  // ---- the README and the catalogue stay in step

  @Test
  void readmeNamesEveryDiagnosticAndNoOther() throws IOException {
    assertWithMessage("README.md is read from the processor module's folder").that(
        Files.exists(README)).isTrue();
    String readme = Files.readString(README);
    Set<String> missing = Arrays.stream(Message.values())
        .map(m -> "[" + m.id() + "]")
        .filter(id -> !readme.contains(id))
        .collect(Collectors.toCollection(TreeSet::new));
    assertWithMessage("ids of Message.java missing from README.md's boundary section")
        .that(missing).isEmpty();
    Set<String> known = Arrays.stream(Message.values()).map(Message::id)
        .collect(Collectors.toSet());
    Set<String> unknown = new TreeSet<>();
    Matcher id = Pattern.compile("\\[(adjoint\\.[a-z-]+)]").matcher(readme);
    while (id.find()) {
      if (!known.contains(id.group(1))) {
        unknown.add(id.group(1));
      }
    }
    assertWithMessage("ids in README.md that Message.java does not have").that(unknown).isEmpty();
  }
}
