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

/** {@link Spellings}' objectives: primal, generated pullback, hand-written pullback. */
public final class SpellingsBenchmark {
  private SpellingsBenchmark() {}

  /** Reproducible inputs: {@code rows x columns} draws of {@code scale * N(0, 1)}. */
  static double[][] gaussian(Random random, int rows, int columns, double scale) {
    double[][] m = new double[rows][columns];
    for (double[] row : m) {
      for (int j = 0; j < columns; j++) {
        row[j] = scale * random.nextGaussian();
      }
    }
    return m;
  }

  /**
   * The tanh RNN's inputs: H = 32 units, 8 inputs, 50 steps (1,312 parameters), and its
   * hand-written gradient, which both spellings of the RNN are compared with.
   */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public abstract static class RnnInputs {
    static final int H = 32;
    static final int INPUTS = 8;
    static final int STEPS = 50;
    double[][] Wh;
    double[][] Wx;
    double[] b;
    double[][] xs;
    double[] target;
    double[][] dWh = new double[H][H];
    double[][] dWx = new double[H][INPUTS];
    double[] db = new double[H];

    @Setup
    public void setup() {
      Random random = new Random(16);
      Wh = gaussian(random, H, H, 0.3);
      Wx = gaussian(random, H, INPUTS, 0.3);
      b = gaussian(random, 1, H, 0.1)[0];
      xs = gaussian(random, STEPS, INPUTS, 1.0);
      target = gaussian(random, 1, H, 0.5)[0];
    }

    void zero() {
      Buffers.zero(dWh);
      Buffers.zero(dWx);
      Buffers.zero(db);
    }

    @Benchmark
    public double hand() {
      zero();
      return SpellingsHand.rnnPullback(Wh, Wx, b, xs, target, 1.0, dWh, dWx, db);
    }
  }

  /** The RNN with a new state array each step ({@link Spellings#rnn}). */
  public static class Rnn extends RnnInputs {
    @Benchmark
    public double primal() {
      return Spellings.rnn(Wh, Wx, b, xs, target);
    }

    @Benchmark
    public double pullback() {
      zero();
      return SpellingsGrad.rnnPullback(Wh, Wx, b, xs, target, 1.0, dWh, dWx, db);
    }
  }

  /** The RNN with its state in two buffers swapped each step ({@link Spellings#rnnBuffers}). */
  public static class RnnBuffers extends RnnInputs {
    @Benchmark
    public double primal() {
      return Spellings.rnnBuffers(Wh, Wx, b, xs, target);
    }

    @Benchmark
    public double pullback() {
      zero();
      return SpellingsGrad.rnnBuffersPullback(Wh, Wx, b, xs, target, 1.0, dWh, dWx, db);
    }
  }

  /** Horner over 1,000 points, a polynomial of 16 coefficients. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Horner {
    static final int COEFFICIENTS = 16;
    static final int POINTS = 1000;
    double[] c;
    double[] xs;
    double[] ys;
    double[] dc = new double[COEFFICIENTS];
    double[] errors = new double[POINTS];

    @Setup
    public void setup() {
      Random random = new Random(17);
      c = gaussian(random, 1, COEFFICIENTS, 1.0)[0];
      xs = new double[POINTS];
      ys = new double[POINTS];
      for (int p = 0; p < POINTS; p++) {
        xs[p] = -1 + 2.0 * p / (POINTS - 1);
        ys[p] = Math.sin(3 * xs[p]);
      }
    }

    @Benchmark
    public double primal() {
      return Spellings.horner(c, xs, ys);
    }

    @Benchmark
    public double pullback() {
      Buffers.zero(dc);
      return SpellingsGrad.hornerPullback(c, xs, ys, 1.0, dc);
    }

    @Benchmark
    public double hand() {
      Buffers.zero(dc);
      return SpellingsHand.hornerPullback(c, xs, ys, 1.0, dc, errors);
    }
  }

  /** A 9-tap convolution over 10,000 samples through a ReLU. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Conv {
    static final int TAPS = 9;
    static final int SAMPLES = 10_000;
    double[] kernel;
    double[] signal;
    double[] target;
    double[] dkernel = new double[TAPS];

    @Setup
    public void setup() {
      Random random = new Random(19);
      kernel = gaussian(random, 1, TAPS, 0.3)[0];
      signal = gaussian(random, 1, SAMPLES, 1.0)[0];
      target = gaussian(random, 1, SAMPLES, 0.5)[0];
    }

    @Benchmark
    public double primal() {
      return Spellings.conv(kernel, signal, target);
    }

    @Benchmark
    public double pullback() {
      Buffers.zero(dkernel);
      return SpellingsGrad.convPullback(kernel, signal, target, 1.0, dkernel);
    }

    @Benchmark
    public double hand() {
      Buffers.zero(dkernel);
      return SpellingsHand.convPullback(kernel, signal, target, 1.0, dkernel);
    }
  }

  /** Logistic regression: 1,000 examples of 20 features. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Logistic {
    static final int EXAMPLES = 1000;
    static final int FEATURES = 20;
    double[] w = new double[FEATURES];
    double b = 0.1;
    double[][] X = new double[EXAMPLES][FEATURES];
    double[] y = new double[EXAMPLES];
    double[] dw = new double[FEATURES];
    double[] dScalars = new double[1];

    @Setup
    public void setup() {
      Random random = new Random(21);
      for (int j = 0; j < FEATURES; j++) {
        w[j] = 0.3 * random.nextGaussian();
      }
      for (int i = 0; i < EXAMPLES; i++) {
        for (int j = 0; j < FEATURES; j++) {
          X[i][j] = random.nextGaussian();
        }
        y[i] = random.nextBoolean() ? 1 : -1;
      }
    }

    private void zero() {
      Buffers.zero(dw);
      Buffers.zero(dScalars);
    }

    @Benchmark
    public double primal() {
      return Spellings.logistic(w, b, X, y, 0.01);
    }

    @Benchmark
    public double pullback() {
      zero();
      return SpellingsGrad.logisticPullback(w, b, X, y, 0.01, 1.0, dw, dScalars);
    }

    @Benchmark
    public double hand() {
      zero();
      return SpellingsHand.logisticPullback(w, b, X, y, 0.01, 1.0, dw, dScalars);
    }
  }

  /** k-means: 1,000 points in 4-D, 16 centres. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Kmeans {
    static final int POINTS = 1000;
    static final int CENTRES = 16;
    static final int DIMENSIONS = 4;
    double[][] centres;
    double[][] points;
    double[][] dcentres = new double[CENTRES][DIMENSIONS];

    @Setup
    public void setup() {
      Random random = new Random(23);
      centres = gaussian(random, CENTRES, DIMENSIONS, 1.0);
      points = gaussian(random, POINTS, DIMENSIONS, 1.2);
    }

    @Benchmark
    public double primal() {
      return Spellings.kmeans(centres, points);
    }

    @Benchmark
    public double pullback() {
      Buffers.zero(dcentres);
      return SpellingsGrad.kmeansPullback(centres, points, 1.0, dcentres);
    }

    @Benchmark
    public double hand() {
      Buffers.zero(dcentres);
      return SpellingsHand.kmeansPullback(centres, points, 1.0, dcentres);
    }
  }

  /** Repulsion over all pairs of 400 points in the plane (79,800 pairs). */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Repulsion {
    static final int POINTS = 400;
    double[] x;
    double[] y;
    double[] dx = new double[POINTS];
    double[] dy = new double[POINTS];

    @Setup
    public void setup() {
      Random random = new Random(29);
      x = gaussian(random, 1, POINTS, 3.0)[0];
      y = gaussian(random, 1, POINTS, 3.0)[0];
    }

    private void zero() {
      Buffers.zero(dx);
      Buffers.zero(dy);
    }

    @Benchmark
    public double primal() {
      return Spellings.repulsion(x, y);
    }

    @Benchmark
    public double pullback() {
      zero();
      return SpellingsGrad.repulsionPullback(x, y, 1.0, dx, dy);
    }

    @Benchmark
    public double hand() {
      zero();
      return SpellingsHand.repulsionPullback(x, y, 1.0, dx, dy);
    }
  }

  /** A path through 10,000 points of a random walk in the plane. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Path {
    static final int POINTS = 10_000;
    double[] x = new double[POINTS];
    double[] y = new double[POINTS];
    double[] dx = new double[POINTS];
    double[] dy = new double[POINTS];

    @Setup
    public void setup() {
      Random random = new Random(31);
      for (int i = 1; i < POINTS; i++) {
        x[i] = x[i - 1] + random.nextGaussian();
        y[i] = y[i - 1] + random.nextGaussian();
      }
    }

    private void zero() {
      Buffers.zero(dx);
      Buffers.zero(dy);
    }

    @Benchmark
    public double primal() {
      return Spellings.path(x, y);
    }

    @Benchmark
    public double pullback() {
      zero();
      return SpellingsGrad.pathPullback(x, y, 1.0, dx, dy);
    }

    @Benchmark
    public double hand() {
      zero();
      return SpellingsHand.pathPullback(x, y, 1.0, dx, dy);
    }
  }

  /** Holt's linear trend fitted to 10,000 points of a noisy trend and season. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Holt {
    static final int POINTS = 10_000;
    double[] x = new double[POINTS];
    double alpha = 0.3;
    double beta = 0.1;
    double[] dScalars = new double[2];
    double[] level = new double[POINTS];
    double[] trend = new double[POINTS];

    @Setup
    public void setup() {
      Random random = new Random(37);
      for (int t = 0; t < POINTS; t++) {
        x[t] = 0.01 * t + Math.sin(t / 20.0) + 0.2 * random.nextGaussian();
      }
    }

    @Benchmark
    public double primal() {
      return Spellings.holt(x, alpha, beta);
    }

    @Benchmark
    public double pullback() {
      Buffers.zero(dScalars);
      return SpellingsGrad.holtPullback(x, alpha, beta, 1.0, dScalars);
    }

    @Benchmark
    public double hand() {
      Buffers.zero(dScalars);
      return SpellingsHand.holtPullback(x, alpha, beta, 1.0, dScalars, level, trend);
    }
  }

  /**
   * Matrix factorisation: 500 users, 400 items, rank 16, 20,000 observed ratings at random
   * (users and items repeat), ridge penalty 0.05.
   */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Factorise {
    static final int USERS = 500;
    static final int ITEMS = 400;
    static final int RANK = 16;
    static final int RATINGS = 20_000;
    double[][] u = new double[USERS][RANK];
    double[][] v = new double[ITEMS][RANK];
    int[] users = new int[RATINGS];
    int[] items = new int[RATINGS];
    double[] ratings = new double[RATINGS];
    double lambda = 0.05;
    double[][] du = new double[USERS][RANK];
    double[][] dv = new double[ITEMS][RANK];

    @Setup
    public void setup() {
      Random random = new Random(41);
      for (double[][] m : new double[][][] {u, v}) {
        for (double[] row : m) {
          for (int f = 0; f < RANK; f++) {
            row[f] = 0.3 * random.nextGaussian();
          }
        }
      }
      for (int e = 0; e < RATINGS; e++) {
        users[e] = random.nextInt(USERS);
        items[e] = random.nextInt(ITEMS);
        ratings[e] = 1 + random.nextInt(5);
      }
    }

    private void zero() {
      Buffers.zero(du);
      Buffers.zero(dv);
    }

    @Benchmark
    public double primal() {
      return Spellings.factorise(u, v, users, items, ratings, lambda);
    }

    @Benchmark
    public double pullback() {
      zero();
      return SpellingsGrad.factorisePullback(u, v, users, items, ratings, lambda, 1.0, du, dv);
    }

    @Benchmark
    public double hand() {
      zero();
      return SpellingsHand.factorisePullback(u, v, users, items, ratings, lambda, 1.0, du, dv);
    }
  }

  /** Heat on a rod of 1,000 points, 100 explicit steps. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Heat {
    static final int POINTS = 1000;
    static final int STEPS = 100;
    static final double K = 0.2;
    double[] u0 = new double[POINTS];
    double[] du0 = new double[POINTS];
    double[] dScalars = new double[1];

    @Setup
    public void setup() {
      for (int i = 0; i < POINTS; i++) {
        u0[i] = Math.sin(Math.PI * (i + 1) / (POINTS + 1)) + 0.1 * Math.sin(0.37 * i);
      }
    }

    private void zero() {
      Buffers.zero(du0);
      Buffers.zero(dScalars);
    }

    @Benchmark
    public double primal() {
      return Spellings.heat(u0, K, STEPS);
    }

    @Benchmark
    public double pullback() {
      zero();
      return SpellingsGrad.heatPullback(u0, K, STEPS, 1.0, du0, dScalars);
    }

    @Benchmark
    public double hand() {
      zero();
      return SpellingsHand.heatPullback(u0, K, STEPS, 1.0, du0, dScalars);
    }
  }

  /** A book of 1,000 European calls. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Book {
    static final int OPTIONS = 1000;
    double[] spot = new double[OPTIONS];
    double[] strike = new double[OPTIONS];
    double[] maturity = new double[OPTIONS];
    double[] weight = new double[OPTIONS];
    double[] dSpot = new double[OPTIONS];
    double[] dScalars = new double[2];

    @Setup
    public void setup() {
      Random random = new Random(18);
      for (int i = 0; i < OPTIONS; i++) {
        spot[i] = 100 * Math.exp(0.2 * random.nextGaussian());
        strike[i] = 80 + 40 * random.nextDouble();
        maturity[i] = 0.1 + 2 * random.nextDouble();
        weight[i] = random.nextInt(21) - 10;
      }
    }

    private void zero() {
      Buffers.zero(dSpot);
      Buffers.zero(dScalars);
    }

    @Benchmark
    public double primal() {
      return Spellings.book(spot, 0.25, 0.03, strike, maturity, weight);
    }

    @Benchmark
    public double pullback() {
      zero();
      return SpellingsGrad.bookPullback(spot, 0.25, 0.03, strike, maturity, weight, 1.0, dSpot,
          dScalars);
    }

    @Benchmark
    public double hand() {
      zero();
      return SpellingsHand.bookPullback(spot, 0.25, 0.03, strike, maturity, weight, 1.0, dSpot,
          dScalars);
    }
  }
}
