package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.testing.Compiled.method;
import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;

import dev.adjoint.processor.testing.Compiled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

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

  @Test
  void carriedValuesMatchTheOracles() {
    Random random = new Random(20261206);
    StringBuilder source = new StringBuilder("""
        package demo;

        import dev.adjoint.Differentiable;

        public final class Carried {
        """);
    List<Integer> firsts = new ArrayList<>();
    for (int k = 0; k < PROGRAMS; k++) {
      firsts.add(program(random, k, source));
    }
    source.append("}\n");
    String text = source.toString();
    Compiled compiled = Compiled.compile(text);
    int rewritten = 0;
    for (int k = 0; k < PROGRAMS; k++) {
      for (int n : new int[] {firsts.get(k) + 1, firsts.get(k) + 4, 7}) {
        assertGradient(compiled, text, "m" + k, values(random, n), values(random, n),
            0.3 + random.nextDouble());
      }
      String sweep = method(compiled.generatedSource("demo.CarriedSweeps"), "m" + k + "Pullback");
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
