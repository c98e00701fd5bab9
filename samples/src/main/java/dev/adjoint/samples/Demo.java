package dev.adjoint.samples;

import dev.adjoint.GradCheck;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Prints the cs231n lecture 4 examples of {@link Lecture4} with the gradients that Adjoint
 * generated for them in {@link Lecture4Grad}, each checked by {@link GradCheck} against centered
 * finite differences of the original method.
 *
 * <p>Run it from the repository root; this builds the runtime and the processor first, so it
 * works from a clean checkout:
 *
 * <pre>{@code
 * ./mvnw -q -B -pl samples -am package exec:java -DskipTests -Dexec.mainClass=dev.adjoint.samples.Demo
 * }</pre>
 *
 * <p>({@code -Dexec.mainClass} is needed because {@code -am} also runs {@code exec:java} on the
 * parent, runtime and processor, which skip it but still require the parameter.) Once the
 * modules are installed, {@code ./mvnw -q -B -pl samples exec:java} is enough.
 */
public final class Demo {

  /** Largest GradCheck relative error the demo accepts; above it the example is reported. */
  static final double TOLERANCE = 1e-6;

  private Demo() {}

  /**
   * One example: its formula, the point at which it is shown, the original method and the
   * generated gradient.
   *
   * @param name the method name in {@link Lecture4}
   * @param formula the function, for the reader
   * @param params the parameter names, in declaration order
   * @param point the point, one value per parameter
   * @param original the {@code @Differentiable} method itself, for finite differences
   * @param generated the generated code: {@code {value, df/dparam...}} at a point
   */
  private record Example(
      String name,
      String formula,
      List<String> params,
      double[] point,
      GradCheck.ScalarFunction original,
      Function<double[], double[]> generated) {}

  /**
   * Prints the report to {@link System#out} and exits with status 1 if a gradient check fails.
   *
   * @param args optional: a folder for pictures. Ignored for now; it is reserved for the
   *     plots of a later feature (the spiral-data network), so scripts may already pass it.
   */
  public static void main(String[] args) {
    if (!report(System.out)) {
      System.exit(1);
    }
  }

  /**
   * Prints the report.
   *
   * @param out where to print
   * @return whether every gradient check passed
   */
  static boolean report(PrintStream out) {
    out.println("Adjoint: cs231n lecture 4 examples, gradients generated at compile time");
    boolean allOk = true;
    for (Example e : examples()) {
      out.println();
      double[] valueAndGradient = e.generated().apply(e.point().clone());
      double[] gradient = new double[e.params().size()];
      System.arraycopy(valueAndGradient, 1, gradient, 0, gradient.length);
      GradCheck.Report check =
          GradCheck.check(
              e.original(), e.point(), gradient, e.params().toArray(new String[0]));
      boolean ok = check.passes(TOLERANCE);
      allOk &= ok;

      List<String> args = new ArrayList<>();
      List<String> partials = new ArrayList<>();
      for (int i = 0; i < gradient.length; i++) {
        args.add(format(e.point()[i]));
        partials.add("d" + e.params().get(i) + " = " + format(gradient[i]));
      }
      out.printf(Locale.ROOT, "%-12s%s%n", e.name(), e.formula());
      out.printf(
          Locale.ROOT, "  %-10sf(%s) = %s%n",
          "value", String.join(", ", args), format(valueAndGradient[0]));
      out.printf(Locale.ROOT, "  %-10s%s%n", "gradient", String.join(", ", partials));
      out.printf(
          Locale.ROOT, "  %-10smax relative error %.1e vs centered differences: %s%n",
          "gradcheck", check.maxRelativeError(),
          ok ? "ok" : String.format(Locale.ROOT, "WARNING, above %.0e", TOLERANCE));
    }
    out.println();
    out.println("Coming with array support: training the cs231n spiral-data network.");
    if (!allOk) {
      out.println("WARNING: at least one generated gradient failed its check.");
    }
    return allOk;
  }

  private static List<Example> examples() {
    return List.of(
        new Example(
            "circuit", "f(x, y, z) = (x + y) * z",
            List.of("x", "y", "z"), new double[] {-2, 5, -4},
            p -> Lecture4.circuit(p[0], p[1], p[2]),
            p -> {
              var g = Lecture4Grad.circuit(p[0], p[1], p[2]);
              return new double[] {g.value(), g.dx(), g.dy(), g.dz()};
            }),
        new Example(
            "neuron", "f(w0, w1, w2, x0, x1) = sigmoid(w0 * x0 + w1 * x1 + w2)",
            List.of("w0", "w1", "w2", "x0", "x1"), new double[] {2, -3, -3, -1, -2},
            p -> Lecture4.neuron(p[0], p[1], p[2], p[3], p[4]),
            p -> {
              var g = Lecture4Grad.neuron(p[0], p[1], p[2], p[3], p[4]);
              return new double[] {g.value(), g.dw0(), g.dw1(), g.dw2(), g.dx0(), g.dx1()};
            }),
        new Example(
            "maxCircuit", "f(x, y, z, w) = 2 * (x * y + max(z, w))",
            List.of("x", "y", "z", "w"), new double[] {3, -4, 2, -1},
            p -> Lecture4.maxCircuit(p[0], p[1], p[2], p[3]),
            p -> {
              var g = Lecture4Grad.maxCircuit(p[0], p[1], p[2], p[3]);
              return new double[] {g.value(), g.dx(), g.dy(), g.dz(), g.dw()};
            }),
        new Example(
            "staged", "f(x, y) = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)",
            List.of("x", "y"), new double[] {3, -4},
            p -> Lecture4.staged(p[0], p[1]),
            p -> {
              var g = Lecture4Grad.staged(p[0], p[1]);
              return new double[] {g.value(), g.dx(), g.dy()};
            }));
  }

  /** Five decimals, as the lecture prints them, without trailing zeros: -12, 0.73106. */
  private static String format(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    String fixed = String.format(Locale.ROOT, "%.5f", v);
    return new BigDecimal(fixed).stripTrailingZeros().toPlainString();
  }
}
