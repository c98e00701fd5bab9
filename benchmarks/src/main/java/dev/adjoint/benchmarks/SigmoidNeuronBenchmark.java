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

/** The sigmoid neuron (5 inputs) at cs231n's point. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SigmoidNeuronBenchmark {
  // fields, not constants, so the JIT cannot fold the calls
  double w0 = 2;
  double x0 = -1;
  double w1 = -3;
  double x1 = -2;
  double w2 = -3;
  double[] dScalars;
  double[] tangentOut = new double[1];
  double[][] fdRows;
  double[][] fdGradient;

  @Setup
  public void setup() {
    dScalars = new double[5];
    fdRows = new double[][] {{w0, x0, w1, x1, w2}};
    fdGradient = FiniteDifferences.zerosLike(fdRows);
  }

  @Benchmark
  public double primal() {
    return SigmoidNeuron.neuron(w0, x0, w1, x1, w2);
  }

  @Benchmark
  public SigmoidNeuronGrad.Neuron gradient() {
    return SigmoidNeuronGrad.neuron(w0, x0, w1, x1, w2);
  }

  @Benchmark
  public double pullback() {
    Buffers.zero(dScalars);
    return SigmoidNeuronGrad.neuronPullback(w0, x0, w1, x1, w2, 1.0, dScalars);
  }

  /** Forward mode along the direction (w0, x0, w1, x1, w2) itself. */
  @Benchmark
  public double jvp() {
    return SigmoidNeuronGrad.neuronJvp(w0, x0, w1, x1, w2, w0, x0, w1, x1, w2, tangentOut);
  }

  @Benchmark
  public double hand() {
    Buffers.zero(dScalars);
    return SigmoidNeuronHand.neuronPullback(w0, x0, w1, x1, w2, 1.0, dScalars);
  }

  @Benchmark
  public Gradient hipparchus() {
    return SigmoidNeuronForward.neuron(w0, x0, w1, x1, w2);
  }

  @Benchmark
  public double[][] finiteDifferences() {
    double[] in = fdRows[0];
    FiniteDifferences.gradient(
        () -> SigmoidNeuron.neuron(in[0], in[1], in[2], in[3], in[4]), fdRows, fdGradient);
    return fdGradient;
  }
}
