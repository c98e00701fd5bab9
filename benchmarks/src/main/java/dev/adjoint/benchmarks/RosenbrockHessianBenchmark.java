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
 * The full Hessian of extended Rosenbrock, n = 100: the generated {@code extendedHessian} (one
 * HVP per unit direction) against Hipparchus {@code DerivativeStructure} of order 2.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RosenbrockHessianBenchmark {
  static final int N = 100;

  double[] x;
  double[] dx;

  @Setup
  public void setup() {
    x = RosenbrockBenchmark.start(N);
    dx = new double[N];
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
  public RosenbrockGrad.ExtendedHessian hessian() {
    return RosenbrockGrad.extendedHessian(x);
  }

  @Benchmark
  public double[][] hipparchusHessian() {
    return RosenbrockForward.hessian(x);
  }
}
