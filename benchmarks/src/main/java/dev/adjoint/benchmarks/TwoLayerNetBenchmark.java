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
 * The two-layer net's primal and reverse-mode gradients; {@link Spiral} adds Hipparchus and
 * finite differences, which take hours on the CIFAR-sized layer (308,310 inputs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class TwoLayerNetBenchmark {
  TwoLayerData t;
  double[][] dW1;
  double[] db1;
  double[][] dW2;
  double[] tangentOut = new double[1];
  double[] db2;
  double[][] hW1;
  double[] hb1;
  double[][] hW2;
  double[] hb2;

  abstract TwoLayerData data();

  @Setup
  public void setup() {
    t = data();
    dW1 = FiniteDifferences.zerosLike(t.W1());
    db1 = new double[t.b1().length];
    dW2 = FiniteDifferences.zerosLike(t.W2());
    db2 = new double[t.b2().length];
    hW1 = FiniteDifferences.zerosLike(t.W1());
    hb1 = new double[t.b1().length];
    hW2 = FiniteDifferences.zerosLike(t.W2());
    hb2 = new double[t.b2().length];
    setupMore();
  }

  /** More setup after {@link #setup} (JMH does not order several {@code @Setup} methods). */
  void setupMore() {}

  private void zero() {
    Buffers.zero(dW1);
    Buffers.zero(db1);
    Buffers.zero(dW2);
    Buffers.zero(db2);
  }

  @Benchmark
  public double primal() {
    return TwoLayerNet.loss(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg());
  }

  @Benchmark
  public TwoLayerNetGrad.Loss gradient() {
    return TwoLayerNetGrad.loss(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg());
  }

  @Benchmark
  public double pullback() {
    zero();
    return TwoLayerNetGrad.lossPullback(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg(),
        1.0, dW1, db1, dW2, db2);
  }

  /** Forward mode along the direction (W1, b1, W2, b2) itself. */
  @Benchmark
  public double jvp() {
    return TwoLayerNetGrad.lossJvp(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg(),
        t.W1(), t.b1(), t.W2(), t.b2(), tangentOut);
  }

  /**
   * Gradient and Hessian-vector product along (W1, b1, W2, b2) itself: forward over reverse
   * (ReLU's second derivative is 0, softmax's is not).
   */
  @Benchmark
  public double hvp() {
    zero();
    Buffers.zero(hW1);
    Buffers.zero(hb1);
    Buffers.zero(hW2);
    Buffers.zero(hb2);
    return TwoLayerNetGrad.lossHvp(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg(), 1.0,
        dW1, db1, dW2, db2, t.W1(), t.b1(), t.W2(), t.b2(), 0.0, hW1, hb1, hW2, hb2);
  }

  /** The same loss written as layers (methods returning double[]), its generated pullback. */
  @Benchmark
  public double layered() {
    zero();
    return TwoLayerNetGrad.layeredPullback(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg(),
        1.0, dW1, db1, dW2, db2);
  }

  /** {@link TwoLayerNet#natural} itself: its loop order is not {@link TwoLayerNet#loss}'s. */
  @Benchmark
  public double naturalPrimal() {
    return TwoLayerNet.natural(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg());
  }

  /** The same loss as cs231n spells it ({@link TwoLayerNet#natural}), its generated pullback. */
  @Benchmark
  public double natural() {
    zero();
    return TwoLayerNetGrad.naturalPullback(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg(),
        1.0, dW1, db1, dW2, db2);
  }

  @Benchmark
  public double hand() {
    zero();
    return TwoLayerNetHand.lossPullback(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg(),
        1.0, dW1, db1, dW2, db2);
  }

  /** cs231n's spiral: D = 2, H = 100, K = 3, 300 points (603 inputs). */
  public static class Spiral extends TwoLayerNetBenchmark {
    double[][] fdRows;
    double[][] fdGradient;

    @Override
    TwoLayerData data() {
      return TwoLayerData.spiral();
    }

    @Override
    void setupMore() {
      fdRows = FiniteDifferences.rows(t.W1(), t.b1(), t.W2(), t.b2());
      fdGradient = FiniteDifferences.zerosLike(fdRows);
    }

    @Benchmark
    public org.hipparchus.analysis.differentiation.Gradient hipparchus() {
      return TwoLayerNetForward.loss(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg());
    }

    @Benchmark
    public double[][] finiteDifferences() {
      FiniteDifferences.gradient(
          () -> TwoLayerNet.loss(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg()),
          fdRows, fdGradient);
      return fdGradient;
    }
  }

  /** A CIFAR-10-shaped layer: D = 3072, H = 100, K = 10, batch 32 (308,310 inputs). */
  public static class Cifar extends TwoLayerNetBenchmark {
    @Override
    TwoLayerData data() {
      return TwoLayerData.cifar();
    }
  }
}
