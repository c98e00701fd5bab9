package dev.adjoint.samples;

import dev.adjoint.GradCheck;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Prints what Adjoint generated for the CS231n examples: the lecture 4 circuits of
 * {@link Lecture4}, the vector and matrix examples of {@link Vectorized}, each with its gradient
 * checked by {@link GradCheck} against centered differences of the original method, then the
 * spiral case study of {@link SpiralTraining}: a gradient check of both models, their training
 * with progress, their accuracy, and pictures of their decision regions and loss curves.
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
 * modules are installed, {@code ./mvnw -q -B -pl samples exec:java} is enough. Through Maven the
 * pictures go to {@code samples/target/pictures}; pass {@code -Dexec.args=FOLDER} to change it.
 */
public final class Demo {

  /** Largest GradCheck relative error accepted for the examples, which are smooth there. */
  static final double TOLERANCE = 1e-6;

  /** The folder for pictures when no argument is given, relative to the working directory. */
  static final String DEFAULT_PICTURES = "target/pictures";

  private Demo() {}

  /**
   * Prints the report to {@link System#out} and exits with status 1 if a gradient check fails.
   *
   * @param args optional: the folder for the pictures, {@value #DEFAULT_PICTURES} by default
   * @throws IOException if a picture cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path pictures = Path.of(args.length > 0 ? args[0] : DEFAULT_PICTURES);
    if (!report(System.out, pictures)) {
      System.exit(1);
    }
  }

  /**
   * Prints the report and writes the pictures.
   *
   * @param out where to print
   * @param pictures the folder for the pictures, created if needed
   * @return whether every gradient check passed
   * @throws IOException if a picture cannot be written
   */
  static boolean report(PrintStream out, Path pictures) throws IOException {
    long start = System.nanoTime();
    out.println("Adjoint: CS231n examples, gradients generated at compile time");
    boolean ok = examples(out, "Lecture 4 circuits (double parameters)", lecture4());
    ok &= examples(out, "Vectorized examples (double[] and double[][] parameters)", vectorized());
    ok &= jacobian(out);
    ok &= forwardMode(out);
    ok &= greeks(out);
    ok &= newton(out);
    ok &= spiral(out, pictures);
    out.println();
    out.printf(Locale.ROOT, "demo time: %.1f s%n", (System.nanoTime() - start) / 1e9);
    if (!ok) {
      out.println("WARNING: at least one generated gradient failed its check.");
    }
    return ok;
  }

  private static boolean examples(PrintStream out, String title, List<GradientExample> examples) {
    out.println();
    out.println("== " + title);
    boolean allOk = true;
    for (GradientExample e : examples) {
      GradientExample.Outcome outcome = e.evaluate();
      boolean ok = outcome.check().passes(TOLERANCE);
      allOk &= ok;
      List<String> args = new ArrayList<>();
      List<String> partials = new ArrayList<>();
      for (int i = 0; i < e.parameters().size(); i++) {
        args.add(GradientExample.format(e.point().get(i)));
        partials.add(
            "d" + e.parameters().get(i) + " = " + GradientExample.format(outcome.gradient().get(i)));
      }
      out.println();
      out.printf(Locale.ROOT, "%-12s%s%n", e.name(), e.formula());
      out.printf(
          Locale.ROOT, "  %-10sf(%s) = %s%n",
          "value", String.join(", ", args), GradientExample.format(outcome.value()));
      out.printf(Locale.ROOT, "  %-10s%s%n", "gradient", String.join(", ", partials));
      out.printf(
          Locale.ROOT, "  %-10smax relative error %.1e vs centered differences: %s%n",
          "gradcheck", outcome.check().maxRelativeError(), verdict(ok, TOLERANCE));
    }
    return allOk;
  }

  /**
   * Second order: the greeks of a Black-Scholes call, delta, vega and rho from the generated
   * gradient and gamma from the generated Hessian, beside their closed forms.
   */
  private static boolean greeks(PrintStream out) {
    out.println();
    out.println("== Second order: Black-Scholes greeks (@Differentiable(order = 2))");
    double spot = 100;
    double strike = 95;
    double sigma = 0.25;
    double rate = 0.03;
    double maturity = 0.75;
    var h = BlackScholesGrad.callHessian(spot, strike, sigma, rate, maturity);
    var exact = BlackScholes.Greeks.closedForm(spot, strike, sigma, rate, maturity);
    out.println();
    out.printf(Locale.ROOT, "call S = %.0f, K = %.0f, sigma = %.2f, r = %.2f, T = %.2f:"
        + " price %.6f%n", spot, strike, sigma, rate, maturity, h.value());
    out.printf(Locale.ROOT, "  %-7s %-22s %15s %15s %10s%n", "greek", "from", "generated",
        "closed form", "rel. error");
    boolean ok = greek(out, "delta", "callHessian: dspot", h.dspot(), exact.delta());
    ok &= greek(out, "vega", "callHessian: dsigma", h.dsigma(), exact.vega());
    ok &= greek(out, "rho", "callHessian: drate", h.drate(), exact.rho());
    ok &= greek(out, "gamma", "callHessian: hessian[0][0]", h.hessian()[0][0], exact.gamma());
    return ok;
  }

  private static boolean greek(PrintStream out, String name, String from, double generated,
      double closedForm) {
    double error = Math.abs(generated - closedForm) / Math.abs(closedForm);
    boolean ok = error < 1e-9;
    out.printf(Locale.ROOT, "  %-7s %-22s %15.10f %15.10f %10.1e: %s%n", name, from, generated,
        closedForm, error, ok ? "ok" : "FAILED");
    return ok;
  }

  /**
   * Second order: Newton's method with conjugate gradients on Hessian-vector products against
   * gradient descent, minimising the extended Rosenbrock function from its standard start.
   */
  private static boolean newton(PrintStream out) {
    out.println();
    out.println("== Second order: Newton's method with Hessian-vector products"
        + " (extended Rosenbrock, n = 100)");
    out.println();
    double[] start = NewtonRosenbrock.start(100);
    out.printf(Locale.ROOT, "  %-9s %14s %11s %16s%n", "iteration", "f", "|grad f|",
        "CG steps (HVPs)");
    long begin = System.nanoTime();
    var newton = NewtonRosenbrock.newton(start, 1e-8, 100, step -> out.printf(Locale.ROOT,
        "  %-9d %14.6e %11.3e %16d%n", step.iteration(), step.value(), step.gradientNorm(),
        step.innerIterations()));
    double newtonMs = (System.nanoTime() - begin) / 1e6;
    begin = System.nanoTime();
    var descent = NewtonRosenbrock.gradientDescent(start, 1e-8, 10_000);
    double descentMs = (System.nanoTime() - begin) / 1e6;
    double distance = 0;
    for (double v : newton.x()) {
      distance = Math.max(distance, Math.abs(v - 1));
    }
    boolean ok = newton.gradientNorm() < 1e-8 && distance < 1e-6;
    out.printf(Locale.ROOT, "Newton-CG: |grad f| = %.1e after %d iterations (%.0f ms),"
        + " max |x_i - 1| = %.1e: %s%n", newton.gradientNorm(), newton.iterations(), newtonMs,
        distance, ok ? "ok" : "FAILED");
    out.printf(Locale.ROOT, "gradient descent: f = %.3e, |grad f| = %.1e after %,d iterations"
        + " (%.0f ms)%n", descent.value(), descent.gradientNorm(), descent.iterations(),
        descentMs);
    return ok;
  }

  /**
   * Vector outputs composed: a damped oscillator integrated by RK4 steps (each a method
   * returning double[]), fitted to a measurement by gradient descent on the spring constant.
   */
  private static boolean oscillator(PrintStream out) {
    double[] start = {1, 0};
    double[] target = Oscillator.step(Oscillator.step(new double[] {1, 0}, 2.0, 0.05), 2.0, 0.05);
    for (int s = 2; s < 200; s++) {
      target = Oscillator.step(target, 2.0, 0.05);
    }
    double k = 1.5;
    var g = OscillatorGrad.misfit(k, start, 0.05, 200, target);
    double h = 1e-6;
    double difference = (Oscillator.misfit(k + h, start, 0.05, 200, target)
        - Oscillator.misfit(k - h, start, 0.05, 200, target)) / (2 * h);
    boolean ok = Math.abs(g.dk() - difference) <= 1e-6 * Math.max(1, Math.abs(difference));
    for (int i = 0; i < 200; i++) {
      k -= 0.2 * OscillatorGrad.misfit(k, start, 0.05, 200, target).dk();
    }
    out.println();
    out.printf(Locale.ROOT, "%-12s%s%n", "oscillator",
        "misfit(k) = |y(10 s) - measured|^2, y by 200 RK4 steps (Oscillator.step returns double[])");
    out.printf(Locale.ROOT, "  %-10sdmisfit/dk at k = 1.5: %.8f, centered difference %.8f: %s%n",
        "gradient", g.dk(), difference, ok ? "ok" : "FAILED");
    out.printf(Locale.ROOT, "  %-10s200 gradient steps from k = 1.5: k = %.6f (measured with k = 2)%n",
        "fit", k);
    return ok && Math.abs(k - 2) < 1e-3;
  }

  /** A vector output: the Jacobian of cs231n's {@code q = W x} is {@code W}. */
  private static boolean jacobian(PrintStream out) {
    out.println();
    out.println("== Vector outputs: a method returning double[] gets its Jacobian");
    double[][] w = {{0.1, 0.5}, {-0.3, 0.8}};
    double[] x = {0.2, 0.4};
    var j = VectorizedGrad.productJacobian(w, x);
    boolean ok = java.util.Arrays.deepEquals(j.dx(), w);
    out.println();
    out.printf(Locale.ROOT, "%-12s%s%n", "product", "q = W x");
    out.printf(Locale.ROOT, "  %-10sq = %s%n", "value", java.util.Arrays.toString(j.value()));
    out.printf(Locale.ROOT, "  %-10sdq/dx = %s (VectorizedGrad.productJacobian): equals W: %s%n",
        "jacobian", java.util.Arrays.deepToString(j.dx()), ok ? "ok" : "FAILED");
    return oscillator(out) && ok;
  }

  /**
   * Forward mode: the neuron's derivative along one direction, in one pass beside its value,
   * against the generated gradient dotted with the same direction.
   */
  private static boolean forwardMode(PrintStream out) {
    out.println();
    out.println("== Forward mode (JVP): the derivative along one direction, in one pass");
    double[] p = {2, -3, -3, -1, -2}; // w0, w1, w2, x0, x1: cs231n's neuron
    double[] v = {1, 0, 0, 0, 0}; // along w0
    var jvp = Lecture4Grad.neuronJvp(p[0], p[1], p[2], p[3], p[4], v[0], v[1], v[2], v[3], v[4]);
    var g = Lecture4Grad.neuron(p[0], p[1], p[2], p[3], p[4]);
    double dot = g.dw0() * v[0] + g.dw1() * v[1] + g.dw2() * v[2] + g.dx0() * v[3]
        + g.dx1() * v[4];
    boolean ok = Math.abs(jvp.tangent() - dot) <= 1e-12 * Math.max(1, Math.abs(dot))
        && jvp.value() == g.value();
    out.println();
    out.printf(Locale.ROOT, "%-12s%s%n", "neuron", "f = sigmoid(w0 x0 + w1 x1 + w2)");
    out.printf(Locale.ROOT, "  %-10sLecture4Grad.neuronJvp(w..., x..., 1, 0, 0, 0, 0) = %s%n",
        "jvp", GradientExample.format(jvp.tangent()));
    out.printf(Locale.ROOT, "  %-10sgrad f . v = %s: %s%n", "check",
        GradientExample.format(dot), ok ? "ok" : "FAILED");
    return ok;
  }

  private static boolean spiral(PrintStream out, Path pictures) throws IOException {
    SpiralData data = SpiralTraining.data();
    out.println();
    out.printf(
        Locale.ROOT,
        "== Spiral data (CS231n case study): %d points, %d classes, %d dimensions%n",
        data.size(), data.classes(), data.dimensions());
    out.println();
    out.printf(
        Locale.ROOT,
        "gradient check of the generated pullbacks, every entry, at parameters drawn from"
            + " %.1f N(0, 1):%n",
        SpiralTraining.CHECK_SCALE);
    Random random = new Random(SpiralTraining.SEED + 3);
    boolean ok = gradientCheck(out, SpiralTraining.linearClassifier(), data, random);
    Classifier checkedNet = SpiralTraining.randomize(SpiralTraining.twoLayerNet(), random);
    ok &= gradientCheck(out, checkedNet, data);
    // the layered net at the same point: the same function, written as layers
    Classifier checkedLayers = SpiralTraining.layeredNet();
    for (int p = 0; p < checkedNet.parameters().size(); p++) {
      Parameter from = checkedNet.parameters().get(p);
      for (int k = 0; k < from.size(); k++) {
        checkedLayers.parameters().get(p).set(k, from.get(k));
      }
    }
    ok &= gradientCheck(out, checkedLayers, data);

    Classifier linear = SpiralTraining.linearClassifier();
    Classifier net = SpiralTraining.twoLayerNet();
    SpiralTraining.Result linearResult = train(out, linear, data);
    SpiralTraining.Result netResult = train(out, net, data);
    Classifier layered = SpiralTraining.layeredNet();
    SpiralTraining.Result layeredResult = train(out, layered, data);

    out.println();
    out.printf(
        Locale.ROOT, "linear classifier: training accuracy %.1f%%%n", 100 * linearResult.accuracy());
    out.printf(
        Locale.ROOT, "two-layer net: training accuracy %.1f%%, final loss %.4f%n",
        100 * netResult.accuracy(), netResult.finalLoss());
    out.printf(
        Locale.ROOT, "layered net (dense, relu, dense, softmax cross-entropy as methods returning"
            + " double[]): training accuracy %.1f%%, final loss %.4f, %.1f s%n",
        100 * layeredResult.accuracy(), layeredResult.finalLoss(),
        layeredResult.elapsedMillis() / 1e3);
    // the same function and gradient up to rounding, which 10,000 steps of size 1 amplify
    ok &= Math.abs(layeredResult.finalLoss() - netResult.finalLoss()) < 1e-3;
    long start = System.nanoTime();
    SpiralNet model = SpiralNet.train(data, SpiralNet.STEPS, SpiralNet.RATE,
        new Random(SpiralTraining.SEED + 4));
    double modelLoss = model.loss(data.points(), data.labels(), SpiralTraining.REG);
    out.printf(
        Locale.ROOT, "SpiralNet (the net as a record, its loss a method of it, Adam on"
            + " mini-batches of %d, %d steps): training accuracy %.1f%%, loss %.4f, %.1f s%n",
        SpiralNet.BATCH, SpiralNet.STEPS, 100 * model.accuracy(data), modelLoss,
        (System.nanoTime() - start) / 1e9);
    ok &= model.accuracy(data) >= 0.98;
    out.printf(
        Locale.ROOT, "training time: %.1f s (linear classifier %.1f s, two-layer net %.1f s)%n",
        (linearResult.elapsedMillis() + netResult.elapsedMillis()) / 1e3,
        linearResult.elapsedMillis() / 1e3, netResult.elapsedMillis() / 1e3);

    out.println("pictures:");
    for (Path file : pictures(pictures, data, linear, linearResult, net, netResult)) {
      out.println("  " + file.toAbsolutePath().normalize());
    }
    return ok;
  }

  private static boolean gradientCheck(
      PrintStream out, Classifier model, SpiralData data, Random random) {
    return gradientCheck(out, SpiralTraining.randomize(model, random), data);
  }

  /** Checks every entry of the model's generated gradient at its current parameters. */
  private static boolean gradientCheck(PrintStream out, Classifier model, SpiralData data) {
    boolean allOk = true;
    for (SpiralTraining.BlockCheck check : SpiralTraining.gradientCheck(model, data)) {
      boolean ok = check.report().passes(SpiralTraining.CHECK_TOLERANCE);
      allOk &= ok;
      out.printf(
          Locale.ROOT, "  %-18s %-3s %-6s max relative error %.1e: %s%n",
          model.name(), check.parameter().name(), check.parameter().shape(),
          check.report().maxRelativeError(), verdict(ok, SpiralTraining.CHECK_TOLERANCE));
    }
    return allOk;
  }

  private static SpiralTraining.Result train(PrintStream out, Classifier model, SpiralData data) {
    out.println();
    out.printf(
        Locale.ROOT,
        "training the %s: %d iterations of full-batch gradient descent, step size %.1f,"
            + " reg %.0e%n",
        model.name(), SpiralTraining.ITERATIONS, SpiralTraining.STEP_SIZE, SpiralTraining.REG);
    return SpiralTraining.train(
        model, data, SpiralTraining.ITERATIONS,
        p -> out.printf(
            Locale.ROOT, "  iteration %5d  loss %.4f  %6d ms%n",
            p.iteration(), p.loss(), p.elapsedMillis()));
  }

  private static List<Path> pictures(
      Path folder, SpiralData data,
      Classifier linear, SpiralTraining.Result linearResult,
      Classifier net, SpiralTraining.Result netResult) throws IOException {
    Path linearFile = folder.resolve("spiral-linear-classifier.png");
    Path netFile = folder.resolve("spiral-two-layer-net.png");
    Path lossFile = folder.resolve("spiral-loss.png");
    Pictures.decisionRegions(linear, data, title(linear, linearResult), linearFile);
    Pictures.decisionRegions(net, data, title(net, netResult), netFile);
    Pictures.lossCurves(
        List.of(
            new Pictures.Curve(linear.name(), linearResult.lossHistory()),
            new Pictures.Curve(net.name(), netResult.lossHistory())),
        lossFile);
    return List.of(linearFile, netFile, lossFile);
  }

  private static String title(Classifier model, SpiralTraining.Result result) {
    return String.format(
        Locale.ROOT, "%s: training accuracy %.1f%%", model.name(), 100 * result.accuracy());
  }

  private static String verdict(boolean ok, double tolerance) {
    return ok ? "ok" : String.format(Locale.ROOT, "WARNING, above %.0e", tolerance);
  }

  private static List<GradientExample> lecture4() {
    return List.of(
        new GradientExample(
            "circuit", "f(x, y, z) = (x + y) * z",
            List.of("x", "y", "z"), List.of(-2.0, 5.0, -4.0),
            a -> Lecture4.circuit(a.scalar(0), a.scalar(1), a.scalar(2)),
            a -> {
              var g = Lecture4Grad.circuit(a.scalar(0), a.scalar(1), a.scalar(2));
              return List.of(g.value(), g.dx(), g.dy(), g.dz());
            }),
        new GradientExample(
            "neuron", "f(w0, w1, w2, x0, x1) = sigmoid(w0 * x0 + w1 * x1 + w2)",
            List.of("w0", "w1", "w2", "x0", "x1"), List.of(2.0, -3.0, -3.0, -1.0, -2.0),
            a -> Lecture4.neuron(a.scalar(0), a.scalar(1), a.scalar(2), a.scalar(3), a.scalar(4)),
            a -> {
              var g = Lecture4Grad.neuron(
                  a.scalar(0), a.scalar(1), a.scalar(2), a.scalar(3), a.scalar(4));
              return List.of(g.value(), g.dw0(), g.dw1(), g.dw2(), g.dx0(), g.dx1());
            }),
        new GradientExample(
            "maxCircuit", "f(x, y, z, w) = 2 * (x * y + max(z, w))",
            List.of("x", "y", "z", "w"), List.of(3.0, -4.0, 2.0, -1.0),
            a -> Lecture4.maxCircuit(a.scalar(0), a.scalar(1), a.scalar(2), a.scalar(3)),
            a -> {
              var g = Lecture4Grad.maxCircuit(a.scalar(0), a.scalar(1), a.scalar(2), a.scalar(3));
              return List.of(g.value(), g.dx(), g.dy(), g.dz(), g.dw());
            }),
        new GradientExample(
            "staged", "f(x, y) = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)",
            List.of("x", "y"), List.of(3.0, -4.0),
            a -> Lecture4.staged(a.scalar(0), a.scalar(1)),
            a -> {
              var g = Lecture4Grad.staged(a.scalar(0), a.scalar(1));
              return List.of(g.value(), g.dx(), g.dy());
            }));
  }

  private static List<GradientExample> vectorized() {
    // Lecture 3's scores for its cat image, cat 3.2, car 5.1, frog -1.7, as W x.
    double[][] w = {{0.2, 1.0, -0.4, 1.2}, {1.5, 1.3, -0.5, 1.0}, {0.0, -0.5, 0.2, -1.0}};
    double[] x = {1.0, 2.0, -1.0, 0.5};
    int cat = 0;
    return List.of(
        new GradientExample(
            "neuron", "f(w, x) = sigmoid(w[0] * x[0] + w[1] * x[1] + w[2])",
            List.of("w", "x"), List.of(new double[] {2, -3, -3}, new double[] {-1, -2}),
            a -> Vectorized.neuron(a.vector(0), a.vector(1)),
            a -> {
              var g = VectorizedGrad.neuron(a.vector(0), a.vector(1));
              return List.of(g.value(), g.dw(), g.dx());
            }),
        new GradientExample(
            "squaredNorm", "f(W, x) = ||W x||^2",
            List.of("W", "x"),
            List.of(new double[][] {{0.1, 0.5}, {-0.3, 0.8}}, new double[] {0.2, 0.4}),
            a -> Vectorized.squaredNorm(a.matrix(0), a.vector(1)),
            a -> {
              var g = VectorizedGrad.squaredNorm(a.matrix(0), a.vector(1));
              return List.of(g.value(), g.dW(), g.dx());
            }),
        new GradientExample(
            "softmaxLoss", "f(W, x) = -log(e^s[y] / sum_j e^s[j]), s = W x, y = 0",
            List.of("W", "x"), List.of(w, x),
            a -> Vectorized.softmaxLoss(a.matrix(0), a.vector(1), cat),
            a -> {
              var g = VectorizedGrad.softmaxLoss(a.matrix(0), a.vector(1), cat);
              return List.of(g.value(), g.dW(), g.dx());
            }),
        new GradientExample(
            "svmLoss", "f(W, x) = sum_{j != y} max(0, s[j] - s[y] + 1), s = W x, y = 0",
            List.of("W", "x"), List.of(w, x),
            a -> Vectorized.svmLoss(a.matrix(0), a.vector(1), cat),
            a -> {
              var g = VectorizedGrad.svmLoss(a.matrix(0), a.vector(1), cat);
              return List.of(g.value(), g.dW(), g.dx());
            }));
  }
}
