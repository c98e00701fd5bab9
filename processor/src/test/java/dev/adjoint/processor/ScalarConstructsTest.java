package dev.adjoint.processor;

import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;

import dev.adjoint.processor.testing.Compiled;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every supported scalar construct, compiled through the processor and checked against Hipparchus
 * forward mode and finite differences at several points (both sides of each branch).
 */
class ScalarConstructsTest {
  static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Constructs {
        static final double SCALE = 1.5;
        private static final double HIDDEN = 0.25;
        static final int COUNT = 3;

        @Differentiable
        public static double arithmetic(double x, double y) {
          return x + y - x * y / (1 + y * y) - -x;
        }

        @Differentiable
        public static double locals(double x, double y) {
          double a = x * y;
          double b = a + x;
          double c = b * a;
          return c - b;
        }

        @Differentiable
        public static double reassignment(double x, double y) {
          double s = x;
          s = s * y;
          s = s + x;
          x = x * s;
          return x + s;
        }

        @Differentiable
        public static double compound(double x, double y) {
          double s = 1;
          s += x;
          s *= y;
          s -= x * x;
          s /= 2 + y * y;
          s++;
          s--;
          ++s;
          return s;
        }

        @Differentiable
        public static double unary(double x) {
          double y = -x;
          double z = +y;
          return -(z * x) + -y;
        }

        @Differentiable
        public static double promotion(double x, int n, long m) {
          double a = x * n;
          double b = n / 2 * x;
          double c = (double) n / 2 * x;
          double d = x / m + 3;
          int k = n * 2 + 1;
          return a + b + c + d * k + 1 / 2;
        }

        @Differentiable
        public static double conditional(double x, double y) {
          double a = x > y ? x * y : x + y;
          return a * (y < 0 ? -1 : 1) + (x > 0 && y > 0 ? x : y);
        }

        @Differentiable
        public static double ifElse(double x, double y) {
          double r = 0;
          if (x > 0) {
            r = x * y;
          } else if (x > -1) {
            r = x + y;
          } else {
            r = Math.sin(x) * y;
          }
          if (y > 0) {
            r *= y;
          }
          return r;
        }

        @Differentiable
        public static double earlyReturn(double x, double y) {
          if (x < -1) {
            return x * y;
          }
          double s = x * x;
          if (y > 1) {
            if (x > 1) {
              return s * y;
            }
            s += y;
          }
          return s + x;
        }

        @Differentiable
        public static double logic(double x, double y, boolean flag) {
          boolean big = x > 1 || y > 1;
          boolean both = !big && (x < 0 & y < 0);
          if (flag ^ both) {
            return x * y;
          }
          return big ? x : y;
        }

        @Differentiable
        public static double constants(double x) {
          return SCALE * x + HIDDEN * x * x + COUNT + Math.PI * x + Math.E;
        }

        @Differentiable
        public static double exponentials(double x) {
          return Math.exp(x) + Math.log(x) + Math.log10(x) + Math.log1p(x) + Math.expm1(x);
        }

        @Differentiable
        public static double powers(double x, double y) {
          return Math.sqrt(x) + Math.cbrt(x) + Math.pow(x, y) + Math.pow(x, 2) + Math.pow(x, 0.5)
              + Math.pow(2, y) + Math.hypot(x, y) + Math.fma(x, y, x);
        }

        @Differentiable
        public static double trigonometry(double x, double y) {
          return Math.sin(x) * Math.cos(y) + Math.tan(x) + Math.asin(x) + Math.acos(x)
              + Math.atan(x) + Math.atan2(x, y);
        }

        @Differentiable
        public static double hyperbolic(double x) {
          return Math.sinh(x) + Math.cosh(x) + Math.tanh(x);
        }

        @Differentiable
        public static double kinks(double x, double y) {
          return Math.abs(x) * Math.max(x, y) + Math.min(x, y) + Math.floor(x) * y
              + Math.ceil(y) + Math.rint(x) + Math.signum(x) + Math.round(y);
        }

        @Differentiable
        public static double strict(double x) {
          return StrictMath.exp(x) * StrictMath.sin(x) + Math.toRadians(x) + Math.toDegrees(x);
        }

        @Differentiable
        public static double remainder(double x, double y) {
          return x % y + (x * 3) % 2.5;
        }

        @Differentiable(wrt = {"y"})
        public static double selected(double x, double y) {
          return x * y + Math.exp(x);
        }

        @Differentiable
        public static double casts(double x) {
          int whole = (int) x;
          long big = (long) (x * 10);
          return whole * x + big + (double) whole;
        }

        @Differentiable
        public static double unusedAndConstant(double x, double y) {
          double unused = Math.exp(y);
          double constant = Math.floor(y) * 2;
          return x * constant;
        }
      }
      """;

  private static Compiled compiled;

  @BeforeAll
  static void compile() {
    compiled = Compiled.compile(SOURCE);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("arithmetic", new Object[] {1.3, -0.7}),
        Arguments.of("locals", new Object[] {0.4, 2.5}),
        Arguments.of("reassignment", new Object[] {-1.1, 0.9}),
        Arguments.of("compound", new Object[] {0.3, 1.7}),
        Arguments.of("unary", new Object[] {0.8}),
        Arguments.of("promotion", new Object[] {1.25, 5, 3L}),
        Arguments.of("conditional", new Object[] {1.5, 0.5}),
        Arguments.of("conditional", new Object[] {0.5, 1.5}),
        Arguments.of("conditional", new Object[] {-0.5, -1.5}),
        Arguments.of("ifElse", new Object[] {0.7, 1.3}),
        Arguments.of("ifElse", new Object[] {-0.5, -1.3}),
        Arguments.of("ifElse", new Object[] {-1.5, 0.3}),
        Arguments.of("earlyReturn", new Object[] {-1.5, 0.3}),
        Arguments.of("earlyReturn", new Object[] {1.5, 2.3}),
        Arguments.of("earlyReturn", new Object[] {0.5, 2.3}),
        Arguments.of("earlyReturn", new Object[] {0.5, 0.3}),
        Arguments.of("logic", new Object[] {1.5, 0.3, true}),
        Arguments.of("logic", new Object[] {-0.5, -0.3, false}),
        Arguments.of("logic", new Object[] {-0.5, -0.3, true}),
        Arguments.of("constants", new Object[] {0.6}),
        Arguments.of("exponentials", new Object[] {0.6}),
        Arguments.of("powers", new Object[] {0.6, 1.4}),
        Arguments.of("trigonometry", new Object[] {0.3, -0.8}),
        Arguments.of("hyperbolic", new Object[] {-0.9}),
        Arguments.of("kinks", new Object[] {-0.7, 1.4}),
        Arguments.of("kinks", new Object[] {1.7, 1.4}),
        Arguments.of("strict", new Object[] {0.4}),
        Arguments.of("remainder", new Object[] {3.7, 1.1}),
        Arguments.of("selected", new Object[] {0.5, 2.0}),
        Arguments.of("casts", new Object[] {2.63}),
        Arguments.of("unusedAndConstant", new Object[] {0.5, 2.3}));
  }

  @ParameterizedTest(name = "{0}{1}")
  @MethodSource("cases")
  void matchesOracles(String method, Object[] args) {
    assertGradient(compiled, SOURCE, method, args);
  }
}
