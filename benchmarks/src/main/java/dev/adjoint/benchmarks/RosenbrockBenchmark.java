package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.hipparchus.analysis.differentiation.Gradient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The extended Rosenbrock function with n = 10^4 at its standard starting point. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RosenbrockBenchmark {
  static final int N = 10_000;

  double[] x;
  double[] dx;
  double[] tangentOut = new double[1];
  double[] hx;
  double[][] fdRows;
  double[][] fdGradient;

  /** Moré, Garbow and Hillstrom's starting point {@code (-1.2, 1, -1.2, 1, ...)}. */
  static double[] start(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i += 2) {
      x[i] = -1.2;
      x[i + 1] = 1;
    }
    return x;
  }

  @Setup
  public void setup() {
    x = start(N);
    dx = new double[N];
    hx = new double[N];
    fdRows = new double[][] {x};
    fdGradient = FiniteDifferences.zerosLike(fdRows);
  }

  @Benchmark
  public double primal() {
    return Rosenbrock.extended(x);
  }

  @Benchmark
  public RosenbrockGrad.Extended gradient() {
    return RosenbrockGrad.extended(x);
  }

  @Benchmark
  public double pullback() {
    Buffers.zero(dx);
    return RosenbrockGrad.extendedPullback(x, 1.0, dx);
  }

  /** Forward mode along the direction x itself. */
  @Benchmark
  public double jvp() {
    return RosenbrockGrad.extendedJvp(x, x, tangentOut);
  }

  /** Gradient and Hessian-vector product along x itself: forward over reverse. */
  @Benchmark
  public double hvp() {
    Buffers.zero(dx);
    Buffers.zero(hx);
    return RosenbrockGrad.extendedHvp(x, 1.0, dx, x, 0.0, hx);
  }

  @Benchmark
  public double hand() {
    Buffers.zero(dx);
    return RosenbrockHand.extendedPullback(x, 1.0, dx);
  }

  @Benchmark
  public Gradient hipparchus() {
    return RosenbrockForward.extended(x);
  }

  @Benchmark
  public double[][] finiteDifferences() {
    FiniteDifferences.gradient(() -> Rosenbrock.extended(x), fdRows, fdGradient);
    return fdGradient;
  }
}
