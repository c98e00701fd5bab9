package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Extended Rosenbrock spelled as the textbook does ({@link Rosenbrock#textbook}), n = 10^4, against
 * the same hand-written gradient as {@link RosenbrockBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RosenbrockTextbookBenchmark {
  double[] x;
  double[] dx;
  double[] tangentOut = new double[1];
  double[] hx;

  @Setup
  public void setup() {
    x = RosenbrockBenchmark.start(RosenbrockBenchmark.N);
    dx = new double[RosenbrockBenchmark.N];
    hx = new double[RosenbrockBenchmark.N];
  }

  @Benchmark
  public double primal() {
    return Rosenbrock.textbook(x);
  }

  @Benchmark
  public RosenbrockGrad.Textbook gradient() {
    return RosenbrockGrad.textbook(x);
  }

  @Benchmark
  public double pullback() {
    Buffers.zero(dx);
    return RosenbrockGrad.textbookPullback(x, 1.0, dx);
  }

  @Benchmark
  public double hand() {
    Buffers.zero(dx);
    return RosenbrockHand.extendedPullback(x, 1.0, dx);
  }

  @Benchmark
  public double handTextbook() {
    Buffers.zero(dx);
    return RosenbrockHand.textbookPullback(x, 1.0, dx);
  }

  /** Gradient and Hessian-vector product along x itself: forward over reverse. */
  @Benchmark
  public double hvp() {
    Buffers.zero(dx);
    Buffers.zero(hx);
    return RosenbrockGrad.textbookHvp(x, 1.0, dx, x, 0.0, hx);
  }

  @Benchmark
  public double jvp() {
    return RosenbrockGrad.textbookJvp(x, x, tangentOut);
  }
}
