package dev.adjoint.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link TanhNet} on the spiral's 300 points (D = 2), H = 100 hidden units, the targets the
 * class labels: gradient, JVP and Hessian-vector product against the primal.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TanhNetBenchmark {
  static final int H = 100;

  double[][] W1;
  double[] b1;
  double[] w2;
  double b2 = 0.1;
  double[][] X;
  double[] t;
  double[][] dW1;
  double[] db1;
  double[] dw2;
  double[] dScalars = new double[1];
  double[][] hW1;
  double[] hb1;
  double[] hw2;
  double[] hScalars = new double[1];
  double[] tangentOut = new double[1];

  /** The number of parameters, {@code H D + H + H + 1}. */
  static int parameters() {
    return H * 2 + H + H + 1;
  }

  @Setup
  public void setup() {
    TwoLayerData spiral = TwoLayerData.spiral();
    X = spiral.X();
    t = new double[X.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = spiral.y()[i];
    }
    Random random = new Random(7);
    W1 = new double[H][X[0].length];
    b1 = new double[H];
    w2 = new double[H];
    for (int h = 0; h < H; h++) {
      for (int d = 0; d < W1[h].length; d++) {
        W1[h][d] = 0.5 * random.nextGaussian();
      }
      b1[h] = 0.1 * random.nextGaussian();
      w2[h] = 0.1 * random.nextGaussian();
    }
    dW1 = FiniteDifferences.zerosLike(W1);
    db1 = new double[H];
    dw2 = new double[H];
    hW1 = FiniteDifferences.zerosLike(W1);
    hb1 = new double[H];
    hw2 = new double[H];
  }

  void zero() {
    Buffers.zero(dW1);
    Buffers.zero(db1);
    Buffers.zero(dw2);
    Buffers.zero(dScalars);
  }

  @Benchmark
  public double primal() {
    return TanhNet.loss(W1, b1, w2, b2, X, t);
  }

  @Benchmark
  public double pullback() {
    zero();
    return TanhNetGrad.lossPullback(W1, b1, w2, b2, X, t, 1.0, dW1, db1, dw2, dScalars);
  }

  /** Forward mode along the parameters themselves. */
  @Benchmark
  public double jvp() {
    return TanhNetGrad.lossJvp(W1, b1, w2, b2, X, t, W1, b1, w2, b2, tangentOut);
  }

  /** Gradient and Hessian-vector product along the parameters themselves. */
  /** Zeroes the gradient's and the H·v buffers. */
  void zeroHvp() {
    zero();
    Buffers.zero(hW1);
    Buffers.zero(hb1);
    Buffers.zero(hw2);
    Buffers.zero(hScalars);
  }

  @Benchmark
  public double hvp() {
    zeroHvp();
    return TanhNetGrad.lossHvp(W1, b1, w2, b2, X, t, 1.0, dW1, db1, dw2, dScalars, W1, b1, w2,
        b2, 0.0, hW1, hb1, hw2, hScalars);
  }

  /**
   * The same network, its hidden layer a method returning the activations
   * ({@link TanhNet#layered}): second order through a layer.
   */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Layered {
    final TanhNetBenchmark n = new TanhNetBenchmark();

    @Setup
    public void setup() {
      n.setup();
    }

    @Benchmark
    public double primal() {
      return TanhNet.layered(n.W1, n.b1, n.w2, n.b2, n.X, n.t);
    }

    @Benchmark
    public double pullback() {
      n.zero();
      return TanhNetGrad.layeredPullback(n.W1, n.b1, n.w2, n.b2, n.X, n.t, 1.0, n.dW1, n.db1,
          n.dw2, n.dScalars);
    }

    @Benchmark
    public double jvp() {
      return TanhNetGrad.layeredJvp(n.W1, n.b1, n.w2, n.b2, n.X, n.t, n.W1, n.b1, n.w2, n.b2,
          n.tangentOut);
    }

    @Benchmark
    public double hvp() {
      n.zeroHvp();
      return TanhNetGrad.layeredHvp(n.W1, n.b1, n.w2, n.b2, n.X, n.t, 1.0, n.dW1, n.db1, n.dw2,
          n.dScalars, n.W1, n.b1, n.w2, n.b2, 0.0, n.hW1, n.hb1, n.hw2, n.hScalars);
    }
  }
}
