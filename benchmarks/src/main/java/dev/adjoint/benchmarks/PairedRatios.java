package dev.adjoint.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Setup;

/**
 * Generated/hand-written measured paired: in one JVM per workload, the hand-written gradient and
 * the generated pullback of the JMH benchmark class are called in turns of a few milliseconds
 * each, hand-written and generated first in alternate turns, and the ratio is the median of the
 * ratios within turns. A complement to {@link Report}, not a replacement: JMH runs one variant
 * per fork, and this machine's host slows one virtual CPU by 25-50 % for a minute or more at a
 * time, which then falls on one side of a JMH ratio; here both sides of every turn run in the
 * same minute on the same CPU. Its figures are not JMH's (no blackhole beyond a summed result,
 * no forks per variant): read them beside the report, never instead of it.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.adjoint.benchmarks.PairedRatios
 * [regex]}: every workload with a hand-written gradient whose name matches, in
 * {@code -Dpaired.jvms=3} JVMs of its own one after the other (the JIT compiles each JVM's
 * copy of a method its own way, and some methods have two speeds between JVMs), then a Markdown
 * table with the median of the JVMs' ratios and each JVM's figures.
 */
public final class PairedRatios {
  private static final double TURN_SECONDS = 0.005;
  private static final double MEASURE_SECONDS = 4;
  /** How a child JVM's result line starts, its numbers after it. */
  private static final String RESULT = "paired:";

  private PairedRatios() {}

  public static void main(String[] args) throws Throwable {
    if (args.length == 2 && args[0].equals("--one")) {
      System.out.println(RESULT + measure(workload(args[1])));
      return;
    }
    Pattern only = Pattern.compile(args.length > 0 ? args[0] : ".*");
    int jvms = Integer.getInteger("paired.jvms", 3);
    List<String> rows = new ArrayList<>();
    for (Report.Workload workload : Report.workloads()) {
      if (only.matcher(workload.name()).matches() && hasHand(workload.benchmark())) {
        List<Double> ratios = new ArrayList<>();
        List<String> each = new ArrayList<>();
        for (int jvm = 0; jvm < jvms; jvm++) {
          double[] turns = parse(inItsOwnJvm(workload.name()));
          ratios.add(turns[0]);
          each.add(String.format(Locale.ROOT, "%.3f (%.3f-%.3f, %s / %s)", turns[0], turns[1],
              turns[2], Report.time(turns[3]), Report.time(turns[4])));
        }
        Collections.sort(ratios);
        String row = String.format(Locale.ROOT, "| %s | %.3f | %s |", workload.name(),
            Report.median(ratios), String.join("; ", each));
        System.out.println(row);
        rows.add(row);
      }
    }
    System.out.println();
    System.out.println("| workload | generated/hand-written, median of the JVMs | each JVM: median "
        + "of turns (quartiles, hand-written / generated per call) |");
    System.out.println("| --- | ---: | --- |");
    rows.forEach(System.out::println);
  }

  private static Report.Workload workload(String name) {
    return Report.workloads().stream().filter(w -> w.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no workload " + name));
  }

  private static boolean hasHand(Class<?> benchmark) {
    try {
      benchmark.getMethod("hand");
      benchmark.getMethod("pullback");
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static String inItsOwnJvm(String name) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        PairedRatios.class.getName(), "--one", name).redirectErrorStream(true).start();
    String last = null;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(RESULT)) {
          last = line.substring(RESULT.length());
        } else {
          System.err.println(line);
        }
      }
    }
    if (process.waitFor() != 0 || last == null) {
      throw new IllegalStateException(name + ": its JVM gave no result");
    }
    return last;
  }

  /**
   * The workload's median ratio of turns, its quartiles, and the hand-written and generated
   * median nanoseconds per call, separated by spaces.
   */
  private static String measure(Report.Workload workload) throws Throwable {
    Object state = workload.benchmark().getConstructor().newInstance();
    for (Method method : workload.benchmark().getMethods()) {
      if (method.isAnnotationPresent(Setup.class)) {
        method.invoke(state);
      }
    }
    DoubleSupplier hand = variant(workload.benchmark().getMethod("hand"), state);
    DoubleSupplier generated = variant(workload.benchmark().getMethod("pullback"), state);
    double[] sink = {0};
    // warm up as the report does, then size a turn from the warmed-up speed of the slower
    long warmupEnd = System.nanoTime() + (long) (workload.warmup() * 1e9);
    while (System.nanoTime() < warmupEnd) {
      time(hand, 1, sink);
      time(generated, 1, sink);
    }
    double slower = Math.max(time(hand, 3, sink), time(generated, 3, sink)) / 3;
    int calls = Math.max(1, (int) (TURN_SECONDS / slower));
    int turns = Math.max(20, (int) (MEASURE_SECONDS / (2 * calls * slower)));
    double[] ratios = new double[turns];
    double[] handTimes = new double[turns];
    double[] generatedTimes = new double[turns];
    for (int turn = 0; turn < turns; turn++) {
      boolean handFirst = turn % 2 == 0;
      double first = time(handFirst ? hand : generated, calls, sink);
      double second = time(handFirst ? generated : hand, calls, sink);
      handTimes[turn] = (handFirst ? first : second) / calls;
      generatedTimes[turn] = (handFirst ? second : first) / calls;
      ratios[turn] = generatedTimes[turn] / handTimes[turn];
    }
    Arrays.sort(ratios);
    Arrays.sort(handTimes);
    Arrays.sort(generatedTimes);
    if (sink[0] == 42.4242) {
      System.err.println(); // keeps the results alive
    }
    return String.format(Locale.ROOT, "%s %s %s %s %s", ratios[turns / 2], ratios[turns / 4],
        ratios[3 * turns / 4], handTimes[turns / 2] * 1e9, generatedTimes[turns / 2] * 1e9);
  }

  private static double[] parse(String numbers) {
    return Arrays.stream(numbers.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
  }

  /**
   * The benchmark method as a lambda of its own class: the two variants' calls in
   * {@link #time} are a bimorphic call site, which the JIT inlines on both sides.
   */
  private static DoubleSupplier variant(Method method, Object state) throws Throwable {
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    return (DoubleSupplier) LambdaMetafactory.metafactory(lookup, "getAsDouble",
        MethodType.methodType(DoubleSupplier.class, method.getDeclaringClass()),
        MethodType.methodType(double.class), lookup.unreflect(method),
        MethodType.methodType(double.class)).getTarget().invoke(state);
  }

  /** Seconds for {@code calls} calls of {@code variant}, their results summed into sink. */
  private static double time(DoubleSupplier variant, int calls, double[] sink) {
    long start = System.nanoTime();
    double sum = 0;
    for (int call = 0; call < calls; call++) {
      sum += variant.getAsDouble();
    }
    long end = System.nanoTime();
    sink[0] += sum;
    return (end - start) / 1e9;
  }
}
