package dev.adjoint.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import javax.annotation.processing.Completion;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * How much time Adjoint's processor adds to javac (issue #7: "a file with 200 differentiable
 * methods adds under 2 s to javac"). Writes one source file with {@value #METHODS} varied
 * {@code @Differentiable} methods (straight-line math, loops over arrays and matrices, branches,
 * while loops, local arrays, gates, calls between them), then compiles it in this JVM with
 * {@link javax.tools.JavaCompiler}, alternately with the processor and with {@code -proc:none},
 * several times after warm-up runs, and prints the median of each and their difference. Each
 * compilation writes class files to a fresh folder; the processed one must compile without
 * errors or warnings (the generated sources are compiled in the same javac run).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.adjoint.benchmarks.ProcessorSpeed
 * [WARMUP [RUNS]]} (default 5 and 9) from the repository root. The processor path (processor
 * jar, JavaPoet, runtime) is written into {@code processor-path.properties} by the build;
 * {@code -Dadjoint.processorpath=...} overrides it. The temporary folder is deleted at the end
 * unless {@code -Dadjoint.speed.keep=true}.
 */
public final class ProcessorSpeed {
  static final int METHODS = 200;

  private ProcessorSpeed() {}

  public static void main(String[] args) throws IOException {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    String processorPath = processorPath();
    String runtime = property("runtime");
    Path work = Files.createTempDirectory("adjoint-speed");
    Path source = work.resolve("src/speed/Workload.java");
    Files.createDirectories(source.getParent());
    String text = source(METHODS);
    Files.writeString(source, text);
    System.out.printf(Locale.ROOT, "source: %s, %d @Differentiable methods, %d lines%n", source,
        METHODS, text.lines().count());
    System.out.println("java: " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.runtime.version") + ", "
        + Runtime.getRuntime().availableProcessors() + " processors");

    List<Long> with = new ArrayList<>();
    List<Long> without = new ArrayList<>();
    List<Long> withCpu = new ArrayList<>();
    List<Long> withoutCpu = new ArrayList<>();
    List<Long> timed = new ArrayList<>();
    List<Long> inside = new ArrayList<>();
    List<Long> timedCpu = new ArrayList<>();
    List<Long> insideCpu = new ArrayList<>();
    for (int run = 0; run < warmup + runs; run++) {
      boolean measured = run >= warmup;
      // rotate the order, so that no variant always runs right after a GC of another
      for (int k = 0; k < 3; k++) {
        Mode mode = Mode.values()[(run + k) % 3];
        long[] nanos = compile(work, source, runtime, processorPath, mode, run);
        if (measured) {
          switch (mode) {
            case PROCESSOR_PATH -> {
              with.add(nanos[0]);
              withCpu.add(nanos[2]);
            }
            case NONE -> {
              without.add(nanos[0]);
              withoutCpu.add(nanos[2]);
            }
            case TIMED -> {
              timed.add(nanos[0]);
              inside.add(nanos[1]);
              timedCpu.add(nanos[2]);
              insideCpu.add(nanos[3]);
            }
          }
        }
        System.out.printf(Locale.ROOT, "%s %-26s %7.0f ms (CPU %5.0f ms)%s%n",
            measured ? "run   " : "warmup", mode.label, nanos[0] / 1e6, nanos[2] / 1e6,
            mode == Mode.TIMED
                ? String.format(Locale.ROOT, " (%.0f ms in process())", nanos[1] / 1e6) : "");
      }
    }
    Path generated = work.resolve("gen-0");
    long generatedLines;
    long generatedFiles;
    try (Stream<Path> files = Files.walk(generated)) {
      List<Path> java = files.filter(p -> p.toString().endsWith(".java")).toList();
      generatedFiles = java.size();
      generatedLines = 0;
      for (Path p : java) {
        generatedLines += Files.readAllLines(p).size();
      }
    }
    double withMs = median(with) / 1e6;
    double withoutMs = median(without) / 1e6;
    System.out.printf(Locale.ROOT, "%nmedian of %d runs after %d warm-up runs:%n", runs, warmup);
    System.out.printf(Locale.ROOT, "  javac with the processor: %7.0f ms (min %.0f, max %.0f)%n",
        withMs, min(with) / 1e6, max(with) / 1e6);
    System.out.printf(Locale.ROOT, "  javac -proc:none:         %7.0f ms (min %.0f, max %.0f)%n",
        withoutMs, min(without) / 1e6, max(without) / 1e6);
    System.out.printf(Locale.ROOT, "  added by Adjoint:         %7.0f ms for %d methods (%.1f ms"
        + " per method)%n", withMs - withoutMs, METHODS, (withMs - withoutMs) / METHODS);
    System.out.printf(Locale.ROOT, "  CPU time of the compiling thread (less sensitive to other"
        + " load; JIT and GC threads not counted): %.0f ms with, %.0f ms without, %.0f ms added%n",
        median(withCpu) / 1e6, median(withoutCpu) / 1e6,
        (median(withCpu) - median(withoutCpu)) / 1e6);
    System.out.printf(Locale.ROOT, "  stages (processor instantiated directly, so its"
        + " process() can be timed): javac %.0f ms, of which %.0f ms inside Adjoint's process()"
        + " (reading, attributing and differentiating the methods, writing the sources);"
        + " the rest is javac's own work, most of it compiling the generated sources%n",
        median(timed) / 1e6, median(inside) / 1e6);
    System.out.printf(Locale.ROOT, "    in CPU time: javac %.0f ms, of which %.0f ms inside"
        + " process()%n", median(timedCpu) / 1e6, median(insideCpu) / 1e6);
    boolean keep = Boolean.getBoolean("adjoint.speed.keep");
    System.out.printf(Locale.ROOT, "  generated: %d files, %d lines (%s)%n", generatedFiles,
        generatedLines, keep ? generated : "-Dadjoint.speed.keep=true keeps them");
    if (!keep) {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** How javac runs: with the processor path, without processing, with a timed processor. */
  private enum Mode {
    PROCESSOR_PATH("processor (-processorpath)"),
    NONE("-proc:none"),
    TIMED("processor, process() timed");

    final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  /**
   * One javac run, in this JVM: its time and, in {@link Mode#TIMED}, the time spent in the
   * processor's methods; fails unless it compiles cleanly. Every run loads the processor in a new
   * class loader, as javac does for {@code -processorpath}, so its code starts cold each time, as
   * in a build.
   */
  private static long[] compile(Path work, Path source, String runtime, String processorPath,
      Mode mode, int run) throws IOException {
    String suffix = switch (mode) {
      case PROCESSOR_PATH -> "";
      case NONE -> "plain-";
      case TIMED -> "timed-";
    } + run;
    Path classes = Files.createDirectories(work.resolve("classes-" + suffix));
    Path generated = Files.createDirectories(work.resolve("gen-" + suffix));
    List<String> options = new ArrayList<>(List.of("-d", classes.toString(), "-s",
        generated.toString(), "-classpath", runtime, "--release", "17", "-Xlint:none"));
    if (mode == Mode.NONE) {
      options.add("-proc:none");
    } else if (mode == Mode.PROCESSOR_PATH) {
      options.addAll(List.of("-processorpath", processorPath));
    }
    TimedProcessor processor = null;
    URLClassLoader loader = null;
    if (mode == Mode.TIMED) {
      List<URL> urls = new ArrayList<>();
      for (String entry : processorPath.split(File.pathSeparator)) {
        urls.add(new File(entry).toURI().toURL());
      }
      loader = new URLClassLoader(urls.toArray(URL[]::new),
          ClassLoader.getPlatformClassLoader());
      try {
        processor = new TimedProcessor((Processor) Class.forName(
            "dev.adjoint.processor.DifferentiableProcessor", true, loader)
            .getDeclaredConstructor().newInstance());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter output = new StringWriter();
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    boolean ok;
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null,
        StandardCharsets.UTF_8)) {
      JavaCompiler.CompilationTask task = javac.getTask(output, files, diagnostics, options,
          null, files.getJavaFileObjects(source.toFile()));
      if (processor != null) {
        task.setProcessors(List.of(processor));
      }
      ok = task.call();
    }
    long nanos = System.nanoTime() - start;
    long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
    if (loader != null) {
      loader.close();
    }
    List<Diagnostic<? extends JavaFileObject>> problems = diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR
            || d.getKind() == Diagnostic.Kind.WARNING
            || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING)
        .toList();
    if (!ok || !problems.isEmpty()) {
      throw new IllegalStateException("javac " + String.join(" ", options) + " failed:\n"
          + output + problems);
    }
    if (mode != Mode.NONE && !Files.exists(generated.resolve("speed/WorkloadSweeps.java"))) {
      throw new IllegalStateException("the processor did not run: nothing in " + generated);
    }
    return new long[] {nanos, processor == null ? 0 : processor.nanos, cpu,
        processor == null ? 0 : processor.cpuNanos};
  }

  /** Delegates to the processor and adds up the time its methods take. */
  private static final class TimedProcessor implements Processor {
    private static final java.lang.management.ThreadMXBean THREADS =
        java.lang.management.ManagementFactory.getThreadMXBean();
    private final Processor delegate;
    long nanos;
    long cpuNanos;

    TimedProcessor(Processor delegate) {
      this.delegate = delegate;
    }

    @Override
    public Set<String> getSupportedOptions() {
      return delegate.getSupportedOptions();
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return delegate.getSupportedSourceVersion();
    }

    @Override
    public void init(ProcessingEnvironment env) {
      long start = System.nanoTime();
      long cpu = THREADS.getCurrentThreadCpuTime();
      delegate.init(env);
      nanos += System.nanoTime() - start;
      cpuNanos += THREADS.getCurrentThreadCpuTime() - cpu;
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      long start = System.nanoTime();
      long cpu = THREADS.getCurrentThreadCpuTime();
      try {
        return delegate.process(annotations, round);
      } finally {
        nanos += System.nanoTime() - start;
        cpuNanos += THREADS.getCurrentThreadCpuTime() - cpu;
      }
    }

    @Override
    public Iterable<? extends Completion> getCompletions(Element element,
        AnnotationMirror annotation, ExecutableElement member, String userText) {
      return delegate.getCompletions(element, annotation, member, userText);
    }
  }

  /**
   * A class of {@code n} {@code @Differentiable} methods in eight shapes that recur with
   * different constants, each calling earlier ones as user code does.
   */
  static String source(int n) {
    StringBuilder s = new StringBuilder("""
        package speed;

        import dev.adjoint.Differentiable;
        import dev.adjoint.Gates;

        /** Generated by dev.adjoint.benchmarks.ProcessorSpeed. */
        public final class Workload {
          private Workload() {}

          static final double[] TABLE = {0.5, -1.25, 2.0, 0.75};

        """);
    for (int i = 0; i < n; i++) {
      double c = 0.5 + (i % 7) * 0.25;
      // the most recent earlier method of each shape, for calls
      int scalar = i - 8; // shape 0: (double, double, double); shape 1: (double[], double[])
      String m = "m" + i;
      switch (i % 8) {
        case 0 -> s.append("""
              @Differentiable
              static double %1$s(double x, double y, double z) {
                double q = x * y + %2$s * z;
                double r = Math.exp(-q) + Math.log1p(x * x);
                double u = Math.sqrt(y * y + z * z + 1) / (1 + r);
                return Gates.sigmoid(q) * u + Math.sin(z) * Math.cos(x) - Math.pow(y, 2)%3$s;
              }

            """.formatted(m, c, scalar >= 0 ? " + 0.5 * m" + scalar + "(z, x, y)" : ""));
        case 1 -> s.append("""
              @Differentiable
              static double %1$s(double[] w, double[] x) {
                double s = 0;
                for (int i = 0; i < x.length; i++) {
                  s += w[i] * x[i];
                }
                return Math.tanh(s + %2$s * w[x.length]);
              }

            """.formatted(m, c));
        case 2 -> s.append("""
              @Differentiable
              static double %1$s(double x, double y) {
                double f;
                if (x > y) {
                  f = x * x - %2$s * y;
                } else if (x < -y) {
                  f = Math.max(x, 0) * y;
                } else {
                  f = Math.abs(x - y) + Math.hypot(x, y);
                }
                return f > 1 ? Math.log(f) : f * %2$s;
              }

            """.formatted(m, c));
        case 3 -> s.append("""
              @Differentiable
              static double %1$s(double[] w, double[] x, double b) {
                double loss = %2$s(w, x) * b;
                for (int k = 0; k < x.length; k++) {
                  loss += Gates.relu(w[k] - b) * TABLE[k %% TABLE.length];
                }
                return loss + m%3$d(b, loss, w[0]);
              }

            """.formatted(m, "m" + firstBefore(i, 1), firstBefore(i, 0)));
        case 4 -> s.append("""
              @Differentiable
              static double %1$s(double[][] W, double[] x, int label) {
                double[] scores = new double[W.length];
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < W.length; k++) {
                  for (int j = 0; j < x.length; j++) {
                    scores[k] += W[k][j] * x[j];
                  }
                  max = Math.max(max, scores[k]);
                }
                double sum = 0;
                for (double v : scores) {
                  sum += Math.exp(v - max);
                }
                return Math.log(sum) + max - scores[label] * %2$s;
              }

            """.formatted(m, c));
        case 5 -> s.append("""
              @Differentiable
              static double %1$s(double a, double x0) {
                double x = x0;
                int steps = 0;
                while (steps < 6) {
                  x = x - (x * x - a) / (2 * x + %2$s);
                  steps++;
                }
                double t = x;
                do {
                  t = t * 0.5 + %2$s;
                } while (t > 10);
                return x + t * a;
              }

            """.formatted(m, c));
        case 6 -> s.append("""
              @Differentiable
              static double %1$s(double[] x, double[][] W1, double[] w2) {
                int h = w2.length;
                double[] hidden = new double[h];
                for (int j = 0; j < h; j++) {
                  double z = 0;
                  for (int i = 0; i < x.length; i++) {
                    z += W1[j][i] * x[i];
                  }
                  hidden[j] = Math.max(0, z);
                }
                double out = 0;
                for (int j = 0; j < h; j++) {
                  out += w2[j] * hidden[j];
                }
                return out * out * %2$s + %3$s(w2, x);
              }

            """.formatted(m, c, "m" + firstBefore(i, 1)));
        default -> s.append("""
              @Differentiable(wrt = {"x"})
              static double %1$s(double[] x, double[] y, int n) {
                double[] d = x.clone();
                double acc = 0;
                for (int i = 0; i < n; i++) {
                  d[i] = x[i] - y[i];
                  if (d[i] < 0) {
                    d[i] = -d[i] * %2$s;
                  }
                  acc += d[i] * d[i];
                }
                return Gates.softplus(acc) + m%3$d(acc, x[0]);
              }

            """.formatted(m, c, firstBefore(i, 5)));
      }
    }
    return s.append("}\n").toString();
  }

  /** The last method before {@code i} of the given shape (they start at 0..7). */
  private static int firstBefore(int i, int shape) {
    int j = i - 1;
    while (j >= 0 && j % 8 != shape) {
      j--;
    }
    if (j < 0) {
      throw new IllegalArgumentException("no method of shape " + shape + " before " + i);
    }
    return j;
  }

  private static String processorPath() {
    String path = System.getProperty("adjoint.processorpath");
    if (path == null) {
      path = property("processor") + File.pathSeparator + property("javapoet")
          + File.pathSeparator + property("runtime");
    }
    for (String entry : path.split(File.pathSeparator)) {
      if (!new File(entry).exists()) {
        throw new IllegalStateException(entry + " does not exist: build the processor first"
            + " (./mvnw -B -DskipTests package -pl benchmarks -am) or set"
            + " -Dadjoint.processorpath");
      }
    }
    return path;
  }

  private static String property(String name) {
    Properties properties = new Properties();
    try (InputStream in = ProcessorSpeed.class.getResourceAsStream(
        "/dev/adjoint/benchmarks/processor-path.properties")) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty(name);
  }

  private static double median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }

  private static long min(List<Long> values) {
    return values.stream().min(Comparator.naturalOrder()).orElseThrow();
  }

  private static long max(List<Long> values) {
    return values.stream().max(Comparator.naturalOrder()).orElseThrow();
  }
}
