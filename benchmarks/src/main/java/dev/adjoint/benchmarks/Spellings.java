package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDerivative;

/**
 * Objectives written the way users write them (issue #16), each beside a hand-written gradient
 * in {@link SpellingsHand}: recurrent state replaced each step (a new array, or two buffers
 * swapped), a downward {@code while} loop
 * inside a loop over points, a loop over options with many locals per option, a
 * convolution through a ReLU (half of whose outputs are off), logistic regression, k-means'
 * nearest centres by a running minimum, and a repulsion energy over all pairs of points.
 */
public final class Spellings {
  private Spellings() {}

  /**
   * A tanh RNN over a sequence, {@code h = tanh(Wh h + Wx x_t + b)}, the state replaced by a new
   * array each step ({@code h = next}), then the squared error of the last state.
   */
  @Differentiable
  public static double rnn(double[][] Wh, double[][] Wx, double[] b, @NoDerivative double[][] xs,
      @NoDerivative double[] target) {
    double[] h = new double[b.length];
    for (int t = 0; t < xs.length; t++) {
      double[] next = new double[b.length];
      for (int i = 0; i < b.length; i++) {
        double a = b[i];
        for (int j = 0; j < h.length; j++) {
          a += Wh[i][j] * h[j];
        }
        for (int k = 0; k < xs[t].length; k++) {
          a += Wx[i][k] * xs[t][k];
        }
        next[i] = Math.tanh(a);
      }
      h = next;
    }
    double loss = 0;
    for (int i = 0; i < h.length; i++) {
      double e = h[i] - target[i];
      loss += e * e;
    }
    return loss;
  }

  /**
   * The same RNN with its state in two buffers made once and swapped each step, as code that
   * avoids allocating in the loop writes it: {@code next} is written from {@code h}, then the
   * names are exchanged.
   */
  @Differentiable
  public static double rnnBuffers(double[][] Wh, double[][] Wx, double[] b,
      @NoDerivative double[][] xs, @NoDerivative double[] target) {
    double[] h = new double[b.length];
    double[] next = new double[b.length];
    for (int t = 0; t < xs.length; t++) {
      for (int i = 0; i < b.length; i++) {
        double a = b[i];
        for (int j = 0; j < h.length; j++) {
          a += Wh[i][j] * h[j];
        }
        for (int k = 0; k < xs[t].length; k++) {
          a += Wx[i][k] * xs[t][k];
        }
        next[i] = Math.tanh(a);
      }
      double[] previous = h;
      h = next;
      next = previous;
    }
    double loss = 0;
    for (int i = 0; i < h.length; i++) {
      double e = h[i] - target[i];
      loss += e * e;
    }
    return loss;
  }

  /**
   * Least squares of a polynomial over points, each evaluated by Horner's rule in a downward
   * {@code while} loop.
   */
  @Differentiable
  public static double horner(double[] c, @NoDerivative double[] xs,
      @NoDerivative double[] ys) {
    double loss = 0;
    for (int p = 0; p < xs.length; p++) {
      double x = xs[p];
      double y = c[c.length - 1];
      int k = c.length - 2;
      while (k >= 0) {
        y = y * x + c[k];
        k--;
      }
      double e = y - ys[p];
      loss += e * e;
    }
    return loss;
  }

  /**
   * The value of a book of European calls under Black-Scholes, {@code Σ w_i C(S_i, K_i, T_i)},
   * with the normal distribution function by Abramowitz and Stegun 26.2.17 (as in Hull), written
   * with its locals as a quant writes it: its gradient is every option's delta, the book's vega
   * and rho.
   */
  @Differentiable
  public static double book(double[] spot, double sigma, double rate,
      @NoDerivative double[] strike, @NoDerivative double[] maturity,
      @NoDerivative double[] weight) {
    double total = 0;
    for (int i = 0; i < spot.length; i++) {
      double sqrtT = Math.sqrt(maturity[i]);
      double volatility = sigma * sqrtT;
      double d1 = (Math.log(spot[i] / strike[i]) + (rate + 0.5 * sigma * sigma) * maturity[i])
          / volatility;
      double d2 = d1 - volatility;
      double discount = Math.exp(-rate * maturity[i]);
      double call = spot[i] * cdf(d1) - strike[i] * discount * cdf(d2);
      total += weight[i] * call;
    }
    return total;
  }

  /**
   * Least squares of a 1-D convolution through a ReLU, {@code a_i = max(0, Σ_t k_t x_{i+t})},
   * written with a scalar accumulator per output.
   */
  @Differentiable
  public static double conv(double[] kernel, @NoDerivative double[] signal,
      @NoDerivative double[] target) {
    double loss = 0;
    for (int i = 0; i + kernel.length <= signal.length; i++) {
      double s = 0;
      for (int t = 0; t < kernel.length; t++) {
        s += kernel[t] * signal[i + t];
      }
      double e = Math.max(0, s) - target[i];
      loss += e * e;
    }
    return loss;
  }

  /**
   * Mean logistic loss with an L2 penalty, as a textbook writes it: per example a scalar
   * accumulator for the score {@code z = b + w·x}, then {@code log(1 + e^(-y z))}, labels
   * {@code y} in {@code {-1, +1}}.
   */
  @Differentiable
  public static double logistic(double[] w, double b, @NoDerivative double[][] X,
      @NoDerivative double[] y, @NoDerivative double lambda) {
    double loss = 0;
    for (int i = 0; i < X.length; i++) {
      double z = b;
      for (int j = 0; j < w.length; j++) {
        z += w[j] * X[i][j];
      }
      loss += Math.log(1 + Math.exp(-y[i] * z));
    }
    double penalty = 0;
    for (int j = 0; j < w.length; j++) {
      penalty += w[j] * w[j];
    }
    return loss / X.length + 0.5 * lambda * penalty;
  }

  /**
   * The k-means cost, each point's squared distance to its nearest centre, the nearest found by
   * a running minimum over the distances as they are computed.
   */
  @Differentiable
  public static double kmeans(double[][] centres, @NoDerivative double[][] points) {
    double cost = 0;
    for (int p = 0; p < points.length; p++) {
      double best = Double.MAX_VALUE;
      for (int c = 0; c < centres.length; c++) {
        double d = 0;
        for (int k = 0; k < points[p].length; k++) {
          double diff = points[p][k] - centres[c][k];
          d += diff * diff;
        }
        best = Math.min(best, d);
      }
      cost += best;
    }
    return cost;
  }

  /**
   * A repulsion energy over every pair of points in the plane, {@code Σ_{i<j} 1 / (1 + |p_i -
   * p_j|²)} (t-SNE's Student-t kernel), two nested loops over the pairs.
   */
  @Differentiable
  public static double repulsion(double[] x, double[] y) {
    double e = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = i + 1; j < x.length; j++) {
        double dx = x[i] - x[j];
        double dy = y[i] - y[j];
        e += 1 / (1 + dx * dx + dy * dy);
      }
    }
    return e;
  }

  /**
   * The length of a path through points in the plane, walked as one walks a polyline: the
   * previous vertex carried in two locals, updated at the end of each step.
   */
  @Differentiable
  public static double path(double[] x, double[] y) {
    double length = 0;
    double px = x[0];
    double py = y[0];
    for (int i = 1; i < x.length; i++) {
      double dx = x[i] - px;
      double dy = y[i] - py;
      length += Math.sqrt(dx * dx + dy * dy);
      px = x[i];
      py = y[i];
    }
    return length;
  }

  /** Φ(x) by Abramowitz and Stegun 26.2.17: absolute error below 7.5e-8. */
  @Differentiable
  public static double cdf(double x) {
    double z = Math.abs(x);
    double k = 1 / (1 + 0.2316419 * z);
    double poly = k * (0.319381530 + k * (-0.356563782 + k * (1.781477937
        + k * (-1.821255978 + k * 1.330274429))));
    double tail = Math.exp(-0.5 * z * z) * 0.3989422804014327 * poly;
    return x >= 0 ? 1 - tail : tail;
  }

  /**
   * Explicit heat steps on a rod whose ends are held at zero, the neighbours past the ends read
   * as zero by conditionals, a new array each step ({@code u = next}); then the energy of the
   * last state.
   */
  @Differentiable
  public static double heat(double[] u0, double k, int steps) {
    double[] u = u0;
    for (int s = 0; s < steps; s++) {
      double[] next = new double[u.length];
      for (int i = 0; i < u.length; i++) {
        double left = i > 0 ? u[i - 1] : 0.0;
        double right = i + 1 < u.length ? u[i + 1] : 0.0;
        next[i] = u[i] + k * (left - 2 * u[i] + right);
      }
      u = next;
    }
    double e = 0;
    for (double v : u) {
      e += v * v;
    }
    return e;
  }

  /**
   * Holt's linear trend (double exponential smoothing) as a forecaster writes it: each step's
   * one-step-ahead forecast from the level and trend, its squared error, then both states
   * moved; the sum of squared errors, the objective that fits {@code alpha} and {@code beta}.
   */
  @Differentiable(wrt = {"alpha", "beta"})
  public static double holt(double[] x, double alpha, double beta) {
    double level = x[0];
    double trend = x[1] - x[0];
    double sse = 0;
    for (int t = 1; t < x.length; t++) {
      double forecast = level + trend;
      double e = x[t] - forecast;
      sse += e * e;
      double newLevel = alpha * x[t] + (1 - alpha) * forecast;
      trend = beta * (newLevel - level) + (1 - beta) * trend;
      level = newLevel;
    }
    return sse;
  }

  /**
   * Matrix factorisation as a recommender writes it: over the observed entries, each named by
   * its user and item through index arrays, the squared error of the two factors' dot product
   * (a scalar accumulator), then a ridge penalty on both factor matrices in for-each loops.
   */
  @Differentiable(wrt = {"u", "v"})
  public static double factorise(double[][] u, double[][] v, int[] users, int[] items,
      double[] ratings, double lambda) {
    double loss = 0;
    for (int e = 0; e < ratings.length; e++) {
      double[] ue = u[users[e]];
      double[] ve = v[items[e]];
      double pred = 0;
      for (int f = 0; f < ue.length; f++) {
        pred += ue[f] * ve[f];
      }
      double err = ratings[e] - pred;
      loss += err * err;
    }
    for (double[] row : u) {
      for (double a : row) {
        loss += lambda * a * a;
      }
    }
    for (double[] row : v) {
      for (double b : row) {
        loss += lambda * b * b;
      }
    }
    return loss;
  }
}
