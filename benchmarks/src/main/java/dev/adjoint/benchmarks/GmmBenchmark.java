package dev.adjoint.benchmarks;

import dev.adjoint.benchmarks.AdBench.GmmInstance;
import java.util.concurrent.TimeUnit;
import org.hipparchus.analysis.differentiation.Gradient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** ADBench's GMM objective on gmm/1k/gmm_d2_K5.txt (d = 2, K = 5, n = 1000; 30 inputs). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GmmBenchmark {
  static final String FILE = "gmm/1k/gmm_d2_K5.txt";

  GmmInstance g;
  double[] dalphas;
  double[][] dmeans;
  double[][] dicf;
  double[] tangentOut = new double[1];
  double[][] fdRows;
  double[][] fdGradient;

  @Setup
  public void setup() {
    g = AdBench.readGmm(FILE);
    dalphas = new double[g.alphas().length];
    dmeans = FiniteDifferences.zerosLike(g.means());
    dicf = FiniteDifferences.zerosLike(g.icf());
    fdRows = FiniteDifferences.rows(g.alphas(), g.means(), g.icf());
    fdGradient = FiniteDifferences.zerosLike(fdRows);
  }

  private void zero() {
    Buffers.zero(dalphas);
    Buffers.zero(dmeans);
    Buffers.zero(dicf);
  }

  @Benchmark
  public double primal() {
    return Gmm.objective(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(), g.m());
  }

  @Benchmark
  public GmmGrad.Objective gradient() {
    return GmmGrad.objective(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(), g.m());
  }

  @Benchmark
  public double pullback() {
    zero();
    return GmmGrad.objectivePullback(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(), g.m(),
        1.0, dalphas, dmeans, dicf);
  }

  /** Forward mode along the direction (alphas, means, icf) itself. */
  @Benchmark
  public double jvp() {
    return GmmGrad.objectiveJvp(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(), g.m(),
        g.alphas(), g.means(), g.icf(), tangentOut);
  }

  @Benchmark
  public double hand() {
    zero();
    return GmmHand.objectivePullback(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(), g.m(),
        1.0, dalphas, dmeans, dicf);
  }

  @Benchmark
  public Gradient hipparchus() {
    return GmmForward.objective(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(), g.m());
  }

  @Benchmark
  public double[][] finiteDifferences() {
    FiniteDifferences.gradient(
        () -> Gmm.objective(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(), g.m()),
        fdRows, fdGradient);
    return fdGradient;
  }
}
