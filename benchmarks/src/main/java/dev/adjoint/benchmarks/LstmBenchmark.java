package dev.adjoint.benchmarks;

import dev.adjoint.benchmarks.AdBench.LstmInstance;
import java.util.concurrent.TimeUnit;
import org.hipparchus.analysis.differentiation.Gradient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** ADBench's LSTM objective on lstm/lstm_l2_c1024.txt (l = 2, c = 1024, b = 14; 266 inputs). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LstmBenchmark {
  static final String FILE = "lstm/lstm_l2_c1024.txt";

  LstmInstance s;
  double[] dmain;
  double[] dextra;
  double[] tangentOut = new double[1];
  double[][] fdRows;
  double[][] fdGradient;

  @Setup
  public void setup() {
    s = AdBench.readLstm(FILE);
    dmain = new double[s.mainParams().length];
    dextra = new double[s.extraParams().length];
    fdRows = new double[][] {s.mainParams(), s.extraParams()};
    fdGradient = FiniteDifferences.zerosLike(fdRows);
  }

  @Benchmark
  public double primal() {
    return Lstm.objective(s.l(), s.c(), s.b(), s.mainParams(), s.extraParams(), s.state(),
        s.sequence());
  }

  @Benchmark
  public LstmGrad.Objective gradient() {
    return LstmGrad.objective(s.l(), s.c(), s.b(), s.mainParams(), s.extraParams(), s.state(),
        s.sequence());
  }

  @Benchmark
  public double pullback() {
    Buffers.zero(dmain);
    Buffers.zero(dextra);
    return LstmGrad.objectivePullback(s.l(), s.c(), s.b(), s.mainParams(), s.extraParams(),
        s.state(), s.sequence(), 1.0, dmain, dextra);
  }

  /** Forward mode along the direction (mainParams, extraParams) itself. */
  @Benchmark
  public double jvp() {
    return LstmGrad.objectiveJvp(s.l(), s.c(), s.b(), s.mainParams(), s.extraParams(),
        s.state(), s.sequence(), s.mainParams(), s.extraParams(), tangentOut);
  }

  @Benchmark
  public double hand() {
    Buffers.zero(dmain);
    Buffers.zero(dextra);
    return LstmHand.objectivePullback(s.l(), s.c(), s.b(), s.mainParams(), s.extraParams(),
        s.state(), s.sequence(), 1.0, dmain, dextra);
  }

  @Benchmark
  public Gradient hipparchus() {
    return LstmForward.objective(s.l(), s.c(), s.b(), s.mainParams(), s.extraParams(),
        s.state(), s.sequence());
  }

  @Benchmark
  public double[][] finiteDifferences() {
    FiniteDifferences.gradient(() -> Lstm.objective(s.l(), s.c(), s.b(), s.mainParams(),
        s.extraParams(), s.state(), s.sequence()), fdRows, fdGradient);
    return fdGradient;
  }
}
