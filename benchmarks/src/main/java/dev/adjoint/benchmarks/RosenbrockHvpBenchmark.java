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
 * Extended Rosenbrock at n = 1000, the size issue #14 names for HVP/gradient: the primal, the
 * pullback and the HVP along x itself, both spellings.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RosenbrockHvpBenchmark {
  static final int N = 1_000;

  double[] x;
  double[] dx;
  double[] hx;

  @Setup
  public void setup() {
    x = RosenbrockBenchmark.start(N);
    dx = new double[N];
    hx = new double[N];
  }

  @Benchmark
  public double primal() {
    return Rosenbrock.extended(x);
  }

  @Benchmark
  public double pullback() {
    Buffers.zero(dx);
    return RosenbrockGrad.extendedPullback(x, 1.0, dx);
  }

  @Benchmark
  public double hvp() {
    Buffers.zero(dx);
    Buffers.zero(hx);
    return RosenbrockGrad.extendedHvp(x, 1.0, dx, x, 0.0, hx);
  }
}
