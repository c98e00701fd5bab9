package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.testing.Compiled.method;
import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;

import dev.adjoint.processor.testing.Compiled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values a counted loop carries into its next iteration ({@code prev = x[i]} at the end of each
 * step), written many ways at random: up and down, by one to three, the value before the loop the
 * same element one step before the first or not (a constant, a parameter), read by branches,
 * inner loops and calls, one or two per loop; and beside them what the rewrite must leave alone
 * (the array written in the loop, a {@code continue} before the update, the value read after
 * the loop). Each against Hipparchus and finite differences.
 */
class CarriedValuesTest {
  private static final int PROGRAMS = 48;

  /** Carried values as people write them, and two the rewrite must leave as they are. */
  static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Carried {
        /** Total variation squared, the previous element carried in a local. */
        @Differentiable
        public static double previousElement(double[] x) {
          double s = 0;
          double prev = x[0];
          for (int i = 1; i < x.length; i++) {
            double d = x[i] - prev;
            s += d * d;
            prev = x[i];
          }
          return s;
        }

        /** The carried value starts from a parameter: the first iteration reads it. */
        @Differentiable
        public static double previousFromStart(double[] x, double p0) {
          double s = 0;
          double prev = p0;
          for (int i = 0; i < x.length; i++) {
            double d = x[i] - prev;
            s += d * d * d;
            prev = x[i];
          }
          return s;
        }

        /**
         * A path's steps in space, the previous point's three coordinates carried, the points
         * given as rows {x, y, z}.
         */
        @Differentiable
        public static double spaceSteps(double[][] p) {
          double energy = 0;
          double lastX = p[0][0], lastY = p[1][0], lastZ = p[2][0];
          for (int k = 1; k < p[0].length; k++) {
            double ux = p[0][k] - lastX, uy = p[1][k] - lastY, uz = p[2][k] - lastZ;
            energy += Math.exp(-(ux * ux + uy * uy + uz * uz));
            lastX = p[0][k];
            lastY = p[1][k];
            lastZ = p[2][k];
          }
          return energy;
        }

        /** Per row, the previous product carried; the row's first read before its loop. */
        @Differentiable
        public static double previousInRows(double[][] m, double[] w) {
          double s = 0;
          for (int r = 0; r < m.length; r++) {
            double prev = m[r][0] * w[0];
            for (int c = 1; c < m[r].length; c++) {
              s += Math.sin(m[r][c] * w[c] - prev);
              prev = m[r][c] * w[c];
            }
          }
          return s;
        }

        /** Downward by two, the next element carried. */
        @Differentiable
        public static double nextDownward(double[] x) {
          int n = x.length;
          double s = 0;
          double next = x[n - 1];
          for (int i = n - 3; i >= 0; i -= 2) {
            s += x[i] * next;
            next = x[i];
          }
          return s;
        }

        /** The shoelace formula with the previous vertex's index carried, n - 1 first. */
        @Differentiable
        public static double shoelace(double[] x, double[] y) {
          int n = x.length;
          double area = 0;
          int j = n - 1;
          for (int i = 0; i < n; i++) {
            area += x[j] * y[i] - x[i] * y[j];
            j = i;
          }
          return 0.5 * area * area;
        }

        /** The array the carried value reads is written in the loop: carried as written. */
        @Differentiable
        public static double previousOverwritten(double[] x, double[] y) {
          double[] z = x.clone();
          double s = 0;
          double prev = z[0];
          for (int i = 1; i < z.length; i++) {
            s += z[i] * prev * y[i];
            prev = z[i];
            z[i] = s;
          }
          return s;
        }

        /**
         * The first element changed under another name, a row, between the value before the
         * loop and the loop: that value is not the element the loop would read again.
         */
        @Differentiable
        public static double previousBeforeARowWrite(double[] x, double w) {
          double[][] q = new double[1][x.length];
          for (int i = 0; i < x.length; i++) {
            q[0][i] = x[i] * x[i];
          }
          double prev = q[0][0];
          double[] row = q[0];
          row[0] = w;
          double s = 0;
          for (int i = 1; i < x.length; i++) {
            s += (q[0][i] - prev) * w;
            prev = q[0][i];
          }
          return s;
        }

        /** The carried value read after the loop, and after its update: carried as written. */
        @Differentiable
        public static double previousReadAfter(double[] x) {
          double s = 0;
          double prev = x[0];
          for (int i = 1; i < x.length; i++) {
            s += x[i] * prev;
            prev = x[i];
            s += prev;
          }
          return s + prev * prev;
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
        Arguments.of("previousElement", new Object[] {new double[] {0.3, -0.7, 0.5, 1.2}}),
        Arguments.of("previousElement", new Object[] {new double[] {0.3}}),
        Arguments.of("previousFromStart", new Object[] {new double[] {0.3, -0.7, 0.5}, 0.4}),
        Arguments.of("previousFromStart", new Object[] {new double[] {}, 0.4}),
        Arguments.of("spaceSteps", new Object[] {new double[][] {{0.3, -0.7, 0.5, 1.2},
            {0.4, -1.2, 0.8, 0.1}, {-0.2, 0.6, 0.9, -0.5}}}),
        Arguments.of("previousInRows", new Object[] {new double[][] {{0.3, -0.7, 0.5},
            {1.1, 0.2, -0.4, 0.9}, {-0.6}}, new double[] {0.4, -1.2, 0.8, 0.3}}),
        Arguments.of("nextDownward", new Object[] {new double[] {0.3, -0.7, 0.5, 1.2, -0.4,
            0.9}}),
        Arguments.of("nextDownward", new Object[] {new double[] {0.3, -0.7}}),
        Arguments.of("shoelace", new Object[] {new double[] {0.3, 1.7, 1.5, -0.2},
            new double[] {0.4, 0.2, 1.8, 1.1}}),
        Arguments.of("previousOverwritten", new Object[] {new double[] {0.3, -0.7, 0.5, 1.2},
            new double[] {0.4, -1.2, 0.8, 0.1}}),
        Arguments.of("previousBeforeARowWrite", new Object[] {new double[] {0.3, -0.7, 0.5},
            0.8}),
        Arguments.of("previousReadAfter", new Object[] {new double[] {0.3, -0.7, 0.5, 1.2}}));
  }

  @ParameterizedTest(name = "{0}{1}")
  @MethodSource("cases")
  void matchesOracles(String method, Object[] args) {
    assertGradient(compiled, SOURCE, method, args);
  }

  @Test
  void savesNothingForAValueCarriedAsAnElement() {
    String sweeps = compiled.generatedSource("demo.CarriedSweeps");
    // a value carried to the next iteration as an element (prev = x[i]) is read there as
    // x[i - 1]: nothing saved, no adjoint handed back a step, each iteration's backward fused
    for (String lagged : List.of("previousElement", "previousFromStart", "spaceSteps",
        "previousInRows", "nextDownward")) {
      String body = method(sweeps, lagged + "Pullback");
      assertThat(body).doesNotContain("Tape");
      assertThat(body).contains("backward pass of this iteration, fused");
    }
    assertThat(method(sweeps, "previousElementPullback")).contains("dx[i - 1] -= dd;");
    // the value before the loop is read by the first iteration only
    assertThat(method(sweeps, "previousFromStartPullback")).containsMatch(
        "boolean c\\d+ = i == 0;");
    // an index carried (j = i) is i - 1 after the first iteration: nothing saved
    assertThat(method(sweeps, "shoelacePullback")).doesNotContain("Tape");
  }

  @Test
  void carriedValuesMatchTheOracles() {
    Random random = new Random(20261206);
    StringBuilder source = new StringBuilder("""
        package demo;

        import dev.adjoint.Differentiable;

        public final class Written {
        """);
    List<Integer> firsts = new ArrayList<>();
    for (int k = 0; k < PROGRAMS; k++) {
      firsts.add(program(random, k, source));
    }
    source.append("}\n");
    String text = source.toString();
    Compiled randomly = Compiled.compile(text);
    int rewritten = 0;
    for (int k = 0; k < PROGRAMS; k++) {
      for (int n : new int[] {firsts.get(k) + 1, firsts.get(k) + 4, 7}) {
        assertGradient(randomly, text, "m" + k, values(random, n), values(random, n),
            0.3 + random.nextDouble());
      }
      String sweep = method(randomly.generatedSource("demo.WrittenSweeps"), "m" + k + "Pullback");
      rewritten += sweep.contains("Tape") ? 0 : 1;
    }
    // most of them are plain carried values: the rule takes them, nothing is saved
    assertThat(rewritten).isAtLeast(PROGRAMS / 3);
  }

  private static double[] values(Random random, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextDouble() * 3 - 1.5; // no two alike: no ties at the kinks of max and if
    }
    return v;
  }

  /** Writes method {@code m<k>}; returns the largest index it reads before its loop. */
  private static int program(Random random, int k, StringBuilder out) {
    boolean up = random.nextBoolean();
    int step = 1 + random.nextInt(3);
    int offset = random.nextInt(3);
    int hazard = random.nextInt(6); // 0: array written, 1: continue, 2: read after; else none
    boolean two = random.nextInt(3) == 0;
    String[] elements = {"x[i]", "x[i] * w[i]", "x[i] + a", "w[i] - x[i] * a", "i * x[i]"};
    String element = elements[random.nextInt(elements.length)];
    String source = hazard == 0 ? "z" : "x";
    element = element.replace("x[", source + "[");
    String first = up ? Integer.toString(offset) : "x.length - 1 - " + offset;
    String test = up ? "i < x.length" : "i >= 0";
    String stride = up ? "i += " + step : "i -= " + step;
    int before = up ? offset - step : -1; // the index one step before the first, up
    int largest = 0;
    String init;
    int kind = random.nextInt(3);
    if (kind == 0 && before >= 0) {
      init = element.replace("[i]", "[" + before + "]").replace("i * ", before + " * ");
      largest = before;
    } else if (kind == 1) {
      init = "a";
    } else {
      init = "0.25";
    }
    List<String> body = new ArrayList<>();
    if (hazard == 1) {
      body.add("if (x[i] < -1) continue;");
    }
    String[] reads = {
        "s += (x[i] - p) * (x[i] - p);",
        "s += Math.sin(p * w[i]);",
        "double $d = x[i] - p; s += $d * $d * w[i];",
        "for (int j = 0; j < w.length; j++) { s += 0.1 * p * w[j]; }",
        "if (p > x[i]) { s += p * a; } else { s -= p * p; }",
        "s += Math.max(p, w[i]) * x[i];"};
    int count = 1 + random.nextInt(2);
    for (int r = 0; r < count; r++) {
      body.add(reads[random.nextInt(reads.length)].replace("$d", "d" + r));
    }
    if (two) {
      body.add("s += q * x[i];");
    }
    body.add("p = " + element + ";");
    if (two) {
      body.add("q = w[i] * a;");
    }
    if (hazard == 0) {
      body.add("z[i] = s * 0.5;");
    }
    if (random.nextBoolean()) {
      body.add("s += 0.1 * x[i];");
    }
    out.append("  @Differentiable\n");
    out.append("  public static double m").append(k)
        .append("(double[] x, double[] w, double a) {\n");
    if (hazard == 0) {
      out.append("    double[] z = x.clone();\n");
    }
    out.append("    double s = 0;\n");
    out.append("    double p = ").append(init).append(";\n");
    if (two) {
      out.append("    double q = 1.5;\n");
    }
    out.append("    for (int i = ").append(first).append("; ").append(test).append("; ")
        .append(stride).append(") {\n");
    for (String line : body) {
      out.append("      ").append(line).append('\n');
    }
    out.append("    }\n");
    out.append(hazard == 2 ? "    return s + p * p;\n" : "    return s;\n");
    out.append("  }\n\n");
    return largest;
  }
}
