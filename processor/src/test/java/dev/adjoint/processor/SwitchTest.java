package dev.adjoint.processor;

import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.Compiled;
import dev.adjoint.processor.testing.GradientAssertions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code switch} statements and expressions, compiled through the processor and checked against
 * Hipparchus forward mode and finite differences for every selector value that picks a
 * different path (each case, the default, and no case at all).
 */
class SwitchTest {
  static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Switches {
        static final int SQUARE = 3;

        @Differentiable
        public static double arrow(double x, double y, int k) {
          double r = y;
          switch (k) {
            case 0 -> r = x * y;
            case 1, 2 -> {
              double t = Math.sin(x);
              r = t * y + r;
            }
            case SQUARE -> r *= x;
            default -> r = x - y;
          }
          return r * x;
        }

        @Differentiable
        public static double colon(double x, double y, int k) {
          double r = 1;
          double q = y;
          switch (k) {
            default:
              r = x;
              break;
            case 1:
            case 2:
              r = x * x;
              q = q * x;
              break;
            case -1:
              q = Math.exp(x);
              break;
            case 4:
              r = y / x;
          }
          return r + q * y;
        }

        @Differentiable
        public static double noDefault(double x, int k) {
          double r = x;
          switch (k) {
            case 0:
              r = r * r;
              break;
            case 1:
              r = Math.log(r);
              break;
          }
          return r + x;
        }

        @Differentiable
        public static double returns(double x, double y, int k) {
          double s = x * y;
          switch (k) {
            case 0:
              return s;
            case 1: {
              if (x > 1) {
                return s * x;
              }
              s = s + y;
              break;
            }
            case 2:
              return Math.cos(s);
            default:
              s *= 2;
          }
          return s + x;
        }

        @Differentiable
        public static double fallThrough(double x, int k) {
          double s = 0;
          switch (k) {
            case 0:
              s += x;
            case 1:
            case 2:
              s += x * x;
              break;
            default:
              s = 7 * x;
            case 5:
              s -= Math.sqrt(x);
          }
          return s * x;
        }

        @Differentiable
        public static double breakEarly(double x, double y, int k) {
          double s = x;
          switch (k) {
            case 0:
              if (y > 0) {
                break;
              }
              s = s * y;
              break;
            default:
              s = s + y;
          }
          return s * s;
        }

        @Differentiable
        public static double inLoop(double[] w, double x, int n) {
          double s = 0;
          for (int i = 0; i < n; i++) {
            switch (i % 4) {
              case 0:
                s += w[i % w.length] * x;
                break;
              case 1:
                if (s > 2) {
                  break;
                }
                s *= x;
                break;
              case 2:
                continue;
              default:
                s = Math.tanh(s);
            }
            s += 0.5 * x;
          }
          return s;
        }

        @Differentiable
        public static double returnInLoop(double x, int n) {
          double s = x;
          int i = 0;
          while (i < n) {
            switch (i) {
              case 3 -> {
                return s * x;
              }
              case 1 -> s = s * s;
              default -> s += x;
            }
            i++;
          }
          return s;
        }

        @Differentiable
        public static double expression(double x, double a, int k) {
          double y = switch (k) {
            case 0 -> a * x;
            case 1 -> Math.sin(x);
            case 2, 3 -> {
              double t = x * x;
              if (t > 1) {
                t = t * a;
              }
              yield t + a;
            }
            default -> x;
          };
          return y * a + switch (k) {
            case 1:
              yield 1;
            case 2:
              double u = a * a;
              yield u;
            default:
              yield 0.5;
          };
        }

        @Differentiable
        public static double expressionAssigns(double x, int k) {
          double s = x;
          double y = switch (k) {
            case 0 -> {
              s = s * x;
              yield s;
            }
            default -> 2 * x;
          };
          return y + s;
        }

        @Differentiable
        public static double nestedInIf(double x, double y, int k) {
          double r = x;
          if (x > 0) {
            switch (k) {
              case 0 -> r = r * y;
              default -> {
                switch (k % 2) {
                  case 0 -> r = r + y;
                  default -> r = r - y * y;
                }
              }
            }
          } else {
            r = switch (k) { case 1 -> y; default -> r * r; };
          }
          return r;
        }

        @Differentiable
        public static double counted(double[] w, int k) {
          double s = 0;
          for (int i = 0; i < w.length; i++) {
            switch ((i + k) % 3) {
              case 0:
                s += w[i] * w[i];
                break;
              case 1:
                if (w[i] < 0) {
                  break;
                }
                s = s * w[i];
                break;
              default:
                s -= w[i];
            }
          }
          return s;
        }

        @Differentiable
        public static double sharedScope(double x, int k) {
          double r = x;
          switch (k) {
            case 0:
              double t = x * x;
              r = t + r;
              break;
            case 1:
              t = Math.exp(x);
              r = t * r;
              break;
            default:
          }
          for (int i = 0; i < 2; i++) {
            switch (k + i) {
              case 1:
                double u = r * x;
                r = u;
                break;
              case 2:
                u = r + x;
                r = u * u;
            }
          }
          return r;
        }

        @Differentiable
        public static double onlyDefault(double x, int k) {
          switch (k) {
            default -> x = x * x;
          }
          switch (k) {
          }
          return x;
        }

        @Differentiable
        public static double castSelector(double x, double y) {
          return switch ((int) Math.floor(x)) {
            case 0 -> x * y;
            case 1 -> Math.sin(x) * y;
            default -> y;
          };
        }

        @Differentiable
        public static double nestedJumps(double x, int k, int n) {
          double s = x;
          for (int i = 0; i < n; i++) {
            switch (k) {
              case 0:
                switch (i) {
                  case 1:
                    return s * x;
                  case 0:
                    s = s * x;
                  default:
                    s = s + x;
                }
                break;
              default:
                s = Math.sin(s) + x;
                if (i == 2) {
                  continue;
                }
                s = s * 0.5;
            }
          }
          return s;
        }

        @Differentiable
        public static double expressionInLoop(double[] w, int n) {
          double s = 1;
          for (int i = 0; i < n; i++) {
            double v = w[i % w.length];
            s = switch (i % 3) {
              case 0 -> s * v;
              case 1 -> {
                double t = Math.sin(s) + v;
                yield t * t;
              }
              default -> s + v;
            };
            s += switch (i) {
              case 0:
                double u = v * s;
                yield u;
              case 1:
                u = Math.cos(v);
                yield u * s;
              default:
                yield 0;
            };
          }
          return s;
        }

        @Differentiable
        public static double returnSwitchInLoop(double x, int n) {
          double s = x;
          for (int i = 0; i < 5; i++) {
            s = s * x;
            if (i == n) {
              return switch (i % 2) {
                case 0 -> s + x;
                default -> {
                  double t = s * s;
                  yield t;
                }
              };
            }
          }
          return s;
        }

        @Differentiable
        public static double selectors(double x, int k) {
          char c = (char) ('a' + k);
          byte b = (byte) k;
          short h = (short) (k * 100);
          double r = x;
          switch (c) {
            case 'a' -> r = r * x;
            case 'b' -> r = r + x * x;
            default -> { }
          }
          switch (b) {
            case 1 -> r = r * 3;
            default -> r = r + 1;
          }
          switch (h) {
            case 200 -> r = Math.exp(r);
            default -> { }
          }
          return r;
        }
      }
      """;

  private static Compiled compiled;

  @BeforeAll
  static void compile() {
    compiled = Compiled.compile(SOURCE);
  }

  private static Stream<Arguments> each(String method, Object[] before, int... selectors) {
    List<Arguments> cases = new ArrayList<>();
    for (int k : selectors) {
      Object[] args = java.util.Arrays.copyOf(before, before.length + 1);
      args[before.length] = k;
      cases.add(Arguments.of(method, args));
    }
    return cases.stream();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        each("arrow", new Object[] {0.7, 1.3}, 0, 1, 2, 3, 4, -5),
        each("colon", new Object[] {0.7, 1.3}, 0, 1, 2, -1, 4, 9),
        each("noDefault", new Object[] {1.7}, 0, 1, 2),
        each("returns", new Object[] {0.7, 1.3}, 0, 1, 2, 3),
        each("returns", new Object[] {1.7, 1.3}, 1),
        each("fallThrough", new Object[] {1.7}, 0, 1, 2, 5, 6),
        each("breakEarly", new Object[] {0.7, 1.3}, 0, 1),
        each("breakEarly", new Object[] {0.7, -1.3}, 0, 1),
        each("inLoop", new Object[] {new double[] {0.5, -1.5, 2.0}, 0.9}, 0, 1, 2, 3, 7, 12),
        each("inLoop", new Object[] {new double[] {2.5, 1.5, 2.0}, 1.9}, 7),
        each("returnInLoop", new Object[] {0.8}, 0, 2, 3, 6),
        each("expression", new Object[] {0.7, 1.3}, 0, 1, 2, 3, 4),
        each("expression", new Object[] {1.7, 1.3}, 2),
        each("expressionAssigns", new Object[] {0.7}, 0, 1),
        each("nestedInIf", new Object[] {0.7, 1.3}, 0, 1, 2),
        each("nestedInIf", new Object[] {-0.7, 1.3}, 0, 1),
        each("counted", new Object[] {new double[] {0.5, -1.5, 2.0, 1.1, -0.3}}, 0, 1, 2),
        each("sharedScope", new Object[] {0.7}, 0, 1, 2),
        each("onlyDefault", new Object[] {0.7}, 0),
        Stream.of(Arguments.of("castSelector", new Object[] {0.5, 1.5}),
            Arguments.of("castSelector", new Object[] {1.5, 1.5}),
            Arguments.of("castSelector", new Object[] {2.5, 1.5}),
            Arguments.of("nestedJumps", new Object[] {0.7, 0, 1}),
            Arguments.of("nestedJumps", new Object[] {0.7, 0, 3}),
            Arguments.of("nestedJumps", new Object[] {0.7, 1, 4})),
        each("expressionInLoop", new Object[] {new double[] {0.5, -1.5, 0.25}}, 0, 1, 2, 7),
        each("returnSwitchInLoop", new Object[] {0.9}, 0, 1, 2, 9))
        .flatMap(s -> s);
  }

  @ParameterizedTest(name = "{0}{1}")
  @MethodSource("cases")
  void matchesOracles(String method, Object[] args) {
    assertGradient(compiled, SOURCE, method, args);
  }

  /** char, byte and short selectors (outside the Hipparchus oracle's types): finite differences. */
  @ParameterizedTest(name = "selectors(x, {0})")
  @ValueSource(ints = {0, 1, 2, 3})
  void charByteAndShortSelectors(int k) {
    double x = 0.6;
    Compiled.Gradient g = compiled.gradient("demo.Switches", "selectors", x, k);
    assertEquals(compiled.primal("demo.Switches", "selectors", x, k), g.value());
    double h = 1e-6;
    double numerical = (compiled.primal("demo.Switches", "selectors", x + h, k)
        - compiled.primal("demo.Switches", "selectors", x - h, k)) / (2 * h);
    assertTrue(GradientAssertions.rho(g.partials()[0], numerical) < 1e-7,
        g.partials()[0] + " vs " + numerical);
  }
}
