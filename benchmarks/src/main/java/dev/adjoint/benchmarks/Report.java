package dev.adjoint.benchmarks;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every workload's JMH benchmarks (one fork each unless told, short iterations, the GC
 * profiler for
 * allocation) through JMH's API and prints, per workload, the times and bytes per operation and
 * the ratios of DESIGN §6; then one summary table in Markdown. Times are per call of the
 * benchmark method. With several forks, a workload runs in rounds, each one fork of every
 * variant, one variant after the other; a ratio is the median over the rounds of the ratio
 * within each round (see {@link Measure}), and generated/hand-written also the fastest fork of
 * each over the other's (see {@link #fastestRatio}).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.adjoint.benchmarks.Report
 * [REGEX]}, REGEX selecting workloads by name (e.g. {@code gmm|lstm}). System properties:
 * {@code report.warmup} (default: per workload, 3 to 7) and {@code report.iterations} (default
 * 3), {@code report.seconds}
 * (per iteration, default 1), {@code report.forks} (the rounds, default 1; with three or more,
 * neither a round that fell in a slow minute of the host nor a lucky one decides),
 * {@code report.logs} (folder of the JMH logs, default
 * {@code jmh-logs} beside the jar), {@value AdBench#DIR_PROPERTY}.
 */
public final class Report {
  private Report() {}

  /**
   * A workload: its JMH class, what the table says about it, and its warmup iterations (of
   * {@code report.seconds} each). Methods that take milliseconds need more: C2 compiles a method
   * once it has been called about 600 times (loops alone only get on-stack replacement, about
   * twice as slow here), and compiling a 2,400-byte generated sweep itself takes a second or so
   * on this machine, so the LSTM pullback reaches its steady state only after about 6 s.
   */
  record Workload(String name, String description, Class<?> benchmark, int inputs, int warmup) {}

  static List<Workload> workloads() {
    return List.of(
        new Workload("neuron", "cs231n sigmoid neuron", SigmoidNeuronBenchmark.class, 5, 3),
        new Workload("spiral", "two-layer net, spiral: D=2 H=100 K=3, N=300",
            TwoLayerNetBenchmark.Spiral.class, TwoLayerData.spiral().parameters(), 5),
        new Workload("cifar", "two-layer net, CIFAR-like: D=3072 H=100 K=10, N=32",
            TwoLayerNetBenchmark.Cifar.class, TwoLayerData.cifar().parameters(), 7),
        new Workload("gmm", "ADBench GMM " + GmmBenchmark.FILE + " (d=2 K=5 n=1000)",
            GmmBenchmark.class, 30, 3),
        new Workload("lstm", "ADBench LSTM " + LstmBenchmark.FILE + " (l=2 c=1024 b=14)",
            LstmBenchmark.class, 266, 7),
        new Workload("rosenbrock", "extended Rosenbrock, n=10^4", RosenbrockBenchmark.class,
            RosenbrockBenchmark.N, 3),
        new Workload("rosenbrock-textbook",
            "extended Rosenbrock as the textbook writes it (i + 1 < n; i += 2), n=10^4",
            RosenbrockTextbookBenchmark.class, RosenbrockBenchmark.N, 3),
        new Workload("rnn", "tanh RNN, h = next each step: H=32, 8 inputs, 50 steps",
            SpellingsBenchmark.Rnn.class, 32 * 32 + 32 * 8 + 32, 5),
        new Workload("rnn-buffers", "the same RNN, its state in two buffers swapped each step",
            SpellingsBenchmark.RnnBuffers.class, 32 * 32 + 32 * 8 + 32, 5),
        new Workload("horner", "Horner in a downward while loop, 16 coefficients, 1,000 points",
            SpellingsBenchmark.Horner.class, 16, 3),
        new Workload("conv", "9-tap convolution through a ReLU, 10,000 samples",
            SpellingsBenchmark.Conv.class, 9, 3),
        new Workload("logistic", "logistic regression, 1,000 examples of 20 features",
            SpellingsBenchmark.Logistic.class, 21, 3),
        new Workload("black-scholes", "a book of 1,000 European calls, many locals per option",
            SpellingsBenchmark.Book.class, 1002, 3),
        new Workload("kmeans", "k-means by a running minimum, 1,000 points in 4-D, 16 centres",
            SpellingsBenchmark.Kmeans.class, 64, 3),
        new Workload("repulsion", "repulsion over all pairs of 400 points in the plane",
            SpellingsBenchmark.Repulsion.class, 800, 3),
        new Workload("path", "a path's length through 10,000 points, the previous vertex "
            + "carried in locals", SpellingsBenchmark.Path.class, 20_000, 3),
        new Workload("holt", "Holt's linear trend fitted to 10,000 points, states moved "
            + "each step", SpellingsBenchmark.Holt.class, 2, 3),
        new Workload("factorise", "matrix factorisation, 20,000 ratings of 400 items by 500 "
            + "users, rank 16, rows picked by index arrays", SpellingsBenchmark.Factorise.class,
            (500 + 400) * 16, 3),
        new Workload("heat", "heat on a rod, zero past the ends by conditionals: 1,000 points, "
            + "100 steps", SpellingsBenchmark.Heat.class, 1001, 3),
        new Workload("tanh-net", "tanh net, least squares on the spiral: D=2 H=100, N=300",
            TanhNetBenchmark.class, TanhNetBenchmark.parameters(), 5),
        new Workload("tanh-net-layered", "the same, its hidden layer a method returning double[]",
            TanhNetBenchmark.Layered.class, TanhNetBenchmark.parameters(), 5),
        new Workload("rosenbrock-1000", "extended Rosenbrock, n=1000 (issue #14's HVP size)",
            RosenbrockHvpBenchmark.class, RosenbrockHvpBenchmark.N, 3),
        new Workload("rosenbrock-hessian", "extended Rosenbrock's full Hessian, n=100",
            RosenbrockHessianBenchmark.class, RosenbrockHessianBenchmark.N, 3));
  }

  /** The variants, in table order, with the method name of each in every benchmark class. */
  static final Map<String, String> VARIANTS = new LinkedHashMap<>();

  static {
    VARIANTS.put("primal", "primal");
    VARIANTS.put("gradient", "generated, record API");
    VARIANTS.put("pullback", "generated, pullback (buffers preallocated)");
    VARIANTS.put("layered", "generated, the loss written as layers");
    VARIANTS.put("naturalPrimal", "primal as cs231n spells it");
    VARIANTS.put("natural", "generated, the loss as cs231n spells it");
    VARIANTS.put("hand", "hand-written pullback");
    VARIANTS.put("jvp", "generated JVP (forward mode, one direction)");
    VARIANTS.put("hvp", "generated HVP (forward over reverse)");
    VARIANTS.put("hessian", "generated Hessian (n HVPs)");
    VARIANTS.put("hipparchusHessian", "Hipparchus DerivativeStructure, order 2");
    VARIANTS.put("hipparchus", "Hipparchus forward mode (Gradient)");
    VARIANTS.put("finiteDifferences", "central finite differences");
  }

  /**
   * One variant's measurement, in nanoseconds per operation: {@code rounds} holds each round's
   * figure, the fastest measurement iteration of its fork (other processes only ever slow an
   * iteration down); then JMH's mean over all iterations (of the rounds' means), its 99.9% error
   * (one round only), and the bytes allocated per operation.
   *
   * <p>Why rounds, and ratios within a round: this machine shares its host, and other tenants slow
   * one virtual CPU at a time, by 30 to 50 %, for a minute or more (the same benchmark, pinned with
   * {@code taskset}, took 131 µs on one CPU, 89 µs on it two minutes later and 91 on the other CPU
   * a minute before; the RNN's slow and fast forks had the same compiled code). A fork's thread
   * mostly stays on one CPU, so whole forks ran slow, and when JMH ran all forks of the generated
   * pullback and then all of the hand-written gradient, a slow minute fell on one variant and made
   * the ratio. A round measures the variants within a minute or so of one another, so a slow minute
   * slows both sides of its ratio, and the median over rounds sets aside a round where it did not,
   * as it sets aside a JVM that compiled a big sweep unusually badly or well (not ruled out for GMM
   * on Temurin 25).
   */
  record Measure(List<Double> rounds, double mean, double error, double bytes) {
    /** The median of the rounds' figures. */
    double ns() {
      List<Double> sorted = new ArrayList<>(rounds);
      Collections.sort(sorted);
      return median(sorted);
    }

    /** The fastest iteration of all rounds. */
    double fastest() {
      return Collections.min(rounds);
    }
  }

  public static void main(String[] args) throws RunnerException, IOException {
    Pattern select = Pattern.compile(args.length > 0 ? args[0] : ".*");
    Integer warmupOverride = Integer.getInteger("report.warmup");
    int iterations = Integer.getInteger("report.iterations", 3);
    int seconds = Integer.getInteger("report.seconds", 1);
    int forks = Integer.getInteger("report.forks", 1);
    String data = AdBench.source();
    Path logs = logs();
    Files.createDirectories(logs);
    System.out.printf("Adjoint benchmarks: %s warmup + %d measurement iterations of %d s, %d"
        + " round(s) of one fork per variant, GC profiler; ADBench data %s; JMH logs in %s%n",
        warmupOverride == null ? "3 to 7" : warmupOverride, iterations, seconds, forks, data,
        logs);
    System.out.println(machine());

    List<String> summary = new ArrayList<>();
    for (Workload w : workloads()) {
      if (!select.matcher(w.name()).find()) {
        continue;
      }
      System.out.printf("%n== %s: %s, %,d inputs%n", w.name(), w.description(), w.inputs());
      System.out.flush();
      String loadBefore = loadAverage();
      long start = System.nanoTime();
      List<Map<String, Measure>> rounds = new ArrayList<>();
      for (int round = 1; round <= forks; round++) {
        Path log = logs.resolve(w.name() + (forks == 1 ? "" : "-round" + round) + ".log");
        Options options = new OptionsBuilder()
            .include("^" + Pattern.quote(w.benchmark().getName().replace('$', '.')) + "\\.\\w+$")
            .forks(1)
            .warmupIterations(warmupOverride == null ? w.warmup() : warmupOverride)
            .warmupTime(TimeValue.seconds(seconds))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.seconds(seconds))
            .addProfiler(GCProfiler.class)
            .jvmArgsAppend(dataOverride())
            .shouldFailOnError(true)
            .output(log.toString())
            .build();
        rounds.add(measures(new Runner(options).run()));
      }
      Map<String, Measure> m = merged(rounds);
      printWorkload(w, m);
      System.out.printf("(%.0f s; load average before %s, after %s; JMH logs %s)%n",
          (System.nanoTime() - start) / 1e9, loadBefore, loadAverage(),
          logs.resolve(w.name() + (forks == 1 ? "" : "-round*") + ".log"));
      summary.add(summaryRow(w, m));
    }

    System.out.println();
    System.out.println("| workload | inputs | primal | pullback | gradient/primal (target ≤ 3)"
        + " | record API/primal | generated/hand-written, median of rounds"
        + " | generated/hand-written, fastest fork of each (≤ 1.10)"
        + " | Hipparchus/generated (≥ 50 at 100+ inputs) | finite differences/generated"
        + " | pullback B/op (0 if the source allocates nothing) | primal B/op | hand B/op"
        + " | JVP/primal (≤ 2.5) | JVP B/op | HVP/gradient (≤ 3) | HVP B/op"
        + " | Hipparchus Hessian/generated Hessian |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    summary.forEach(System.out::println);
  }

  static Map<String, Measure> measures(Collection<RunResult> results) {
    Map<String, Measure> out = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      String method = name.substring(name.lastIndexOf('.') + 1);
      Result<?> primary = r.getPrimaryResult();
      double bytes = Double.NaN;
      for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
        if (e.getKey().endsWith("gc.alloc.rate.norm")) {
          bytes = e.getValue().getScore();
        }
      }
      double best = Double.POSITIVE_INFINITY;
      for (BenchmarkResult b : r.getBenchmarkResults()) {
        for (IterationResult i : b.getIterationResults()) {
          best = Math.min(best, i.getPrimaryResult().getScore());
        }
      }
      out.put(method, new Measure(List.of(best), primary.getScore(), primary.getScoreError(),
          bytes));
    }
    return out;
  }

  /**
   * One measure per variant from the rounds' (each of one fork): the rounds' figures in order,
   * the mean of their means and bytes; the error only when there was one round.
   */
  static Map<String, Measure> merged(List<Map<String, Measure>> rounds) {
    if (rounds.size() == 1) {
      return rounds.get(0);
    }
    Map<String, Measure> out = new LinkedHashMap<>();
    for (String method : rounds.get(0).keySet()) {
      List<Double> figures = new ArrayList<>();
      double mean = 0;
      double bytes = 0;
      for (Map<String, Measure> round : rounds) {
        Measure x = round.get(method);
        figures.add(x.rounds().get(0));
        mean += x.mean() / rounds.size();
        bytes += x.bytes() / rounds.size();
      }
      out.put(method, new Measure(figures, mean, Double.NaN, bytes));
    }
    return out;
  }

  /** The middle value of sorted numbers, or the mean of the middle two. */
  static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static void printWorkload(Workload w, Map<String, Measure> m) {
    System.out.printf("%-44s %14s %12s %12s %12s %14s%n", "variant", "rounds' median",
        "fastest", "JMH mean", "± (99.9%)", "B/op");
    for (Map.Entry<String, String> v : VARIANTS.entrySet()) {
      Measure x = m.get(v.getKey());
      if (x == null) {
        System.out.printf("%-44s %12s%n", v.getValue(), "skipped");
        continue;
      }
      System.out.printf("%-44s %14s %12s %12s %12s %,14.0f%n", v.getValue(), time(x.ns()),
          time(x.fastest()), time(x.mean()), Double.isNaN(x.error()) ? "" : time(x.error()), x.bytes());
    }
    System.out.printf("gradient/primal %s, record API/primal %s, generated/hand-written %s"
        + " (fastest forks %s), Hipparchus/generated %s, finite differences/generated %s, JVP/primal %s,"
        + " HVP/gradient %s, Hipparchus Hessian/generated Hessian %s, layered/single method %s,"
        + " layered/hand-written %s, cs231n spelling/hand-written %s, cs231n spelling/its primal"
        + " %s%n",
        ratio(m, "pullback", "primal"), ratio(m, "gradient", "primal"),
        ratio(m, "pullback", "hand"), fastestRatio(m, "pullback", "hand"),
        ratio(m, "hipparchus", "pullback"), fd(w, m),
        ratio(m, "jvp", "primal"), ratio(m, "hvp", "pullback"),
        ratio(m, "hipparchusHessian", "hessian"), ratio(m, "layered", "pullback"),
        ratio(m, "layered", "hand"), ratio(m, "natural", "hand"),
        ratio(m, "natural", "naturalPrimal"));
  }

  private static String summaryRow(Workload w, Map<String, Measure> m) {
    return String.format(Locale.ROOT,
        "| %s | %,d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s"
            + " | %s |",
        w.name(), w.inputs(), timeOf(m, "primal"), timeOf(m, "pullback"),
        ratio(m, "pullback", "primal"), ratio(m, "gradient", "primal"),
        ratio(m, "pullback", "hand"), fastestRatio(m, "pullback", "hand"),
        ratio(m, "hipparchus", "pullback"), fd(w, m),
        bytes(m, "pullback"), bytes(m, "primal"), bytes(m, "hand"), ratio(m, "jvp", "primal"),
        bytes(m, "jvp"), ratio(m, "hvp", "pullback"), bytes(m, "hvp"),
        ratio(m, "hipparchusHessian", "hessian"));
  }

  /**
   * Finite differences over generated; where not run (hours), the estimate {@code 2 n} primal
   * evaluations, marked {@code ~}.
   */
  private static String fd(Workload w, Map<String, Measure> m) {
    if (m.containsKey("finiteDifferences")) {
      return ratio(m, "finiteDifferences", "pullback");
    }
    Measure primal = m.get("primal");
    Measure pullback = m.get("pullback");
    if (primal == null || pullback == null) {
      return "–";
    }
    return String.format(Locale.ROOT, "~%,.0f (est. 2n primal; not run)",
        2.0 * w.inputs() * primal.ns() / pullback.ns());
  }

  /** The median over the rounds of {@code a} over {@code b} in the same round. */
  private static String ratio(Map<String, Measure> m, String a, String b) {
    return compared(m, a, b, (x, y) -> {
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < x.rounds().size(); i++) {
        ratios.add(x.rounds().get(i) / y.rounds().get(i));
      }
      Collections.sort(ratios);
      return median(ratios);
    });
  }

  /**
   * The fastest fork of {@code a} over the fastest of {@code b}. The JIT compiles each fork's
   * copy of a method its own way and each fork lays out its arrays anew, and some methods have
   * two speeds between forks (logistic regression's hand-written gradient and generated pullback
   * alike ran about 15 % slower in two and three of six forks each); other tenants of the host
   * slow whole forks too. Neither ever makes a fork faster, so each side's fastest fork is its
   * code's speed in the mode both share, where a median over five rounds still lands on a slow
   * fork of one side and a fast one of the other about one time in ten.
   */
  private static String fastestRatio(Map<String, Measure> m, String a, String b) {
    return compared(m, a, b, (x, y) -> x.fastest() / y.fastest());
  }

  /** {@code ratio} of the measures of {@code a} and {@code b}, or "skipped" if one was not run. */
  private static String compared(Map<String, Measure> m, String a, String b,
      ToDoubleBiFunction<Measure, Measure> ratio) {
    Measure x = m.get(a);
    Measure y = m.get(b);
    if (x == null || y == null) {
      return "skipped";
    }
    double r = ratio.applyAsDouble(x, y);
    return String.format(Locale.ROOT, r >= 100 ? "%,.0f" : "%.2f", r);
  }

  private static String timeOf(Map<String, Measure> m, String key) {
    Measure x = m.get(key);
    return x == null ? "–" : time(x.ns());
  }

  private static String bytes(Map<String, Measure> m, String key) {
    Measure x = m.get(key);
    return x == null || Double.isNaN(x.bytes()) ? "–"
        : String.format(Locale.ROOT, "%,.0f", x.bytes());
  }

  static String time(double ns) {
    if (ns < 1e3) {
      return String.format(Locale.ROOT, "%.1f ns", ns);
    } else if (ns < 1e6) {
      return String.format(Locale.ROOT, "%.2f µs", ns / 1e3);
    } else if (ns < 1e9) {
      return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f s", ns / 1e9);
  }

  /** Passes {@code -Dadjoint.adbench.dir} on to the forked JVMs when it is set here. */
  private static String[] dataOverride() {
    String dir = System.getProperty(AdBench.DIR_PROPERTY);
    return dir == null ? new String[0] : new String[] {"-D" + AdBench.DIR_PROPERTY + "=" + dir};
  }

  private static Path logs() {
    String property = System.getProperty("report.logs");
    if (property != null) {
      return Paths.get(property).toAbsolutePath();
    }
    try {
      Path jar = Paths.get(Report.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
      return jar.getParent().resolve("jmh-logs");
    } catch (URISyntaxException | RuntimeException e) {
      return Paths.get("jmh-logs").toAbsolutePath();
    }
  }

  /** The 1-minute load average (other processes skew the times; 1 is this benchmark). */
  static String loadAverage() {
    try {
      return Files.readString(Paths.get("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** nproc, the CPU model and the JDK, for the record. */
  static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).strip();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: leave it unknown
    }
    return String.format("machine: %d cores, %s; %s %s (%s)",
        Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), System.getProperty("os.arch"));
  }
}
