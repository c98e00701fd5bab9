package dev.adjoint.benchmarks;

/**
 * The gradients of {@link Spellings}' objectives written by hand, as fast as plain Java allows,
 * with the contract of the generated pullbacks: each returns the value and adds {@code seed}
 * times the gradient into the buffers.
 */
public final class SpellingsHand {
  private SpellingsHand() {}

  /**
   * Backpropagation through time: the forward pass keeps every state ({@code T + 1} rows of
   * {@code H}), the backward pass one {@code dh} and one {@code da} row.
   */
  public static double rnnPullback(double[][] Wh, double[][] Wx, double[] b, double[][] xs,
      double[] target, double seed, double[][] dWh, double[][] dWx, double[] db) {
    int steps = xs.length;
    int n = b.length;
    double[][] hs = new double[steps + 1][n];
    for (int t = 0; t < steps; t++) {
      double[] h = hs[t];
      double[] x = xs[t];
      double[] next = hs[t + 1];
      for (int i = 0; i < n; i++) {
        double[] wh = Wh[i];
        double[] wx = Wx[i];
        double a = b[i];
        for (int j = 0; j < n; j++) {
          a += wh[j] * h[j];
        }
        for (int k = 0; k < x.length; k++) {
          a += wx[k] * x[k];
        }
        next[i] = Math.tanh(a);
      }
    }
    double[] last = hs[steps];
    double loss = 0;
    double[] dh = new double[n];
    double[] da = new double[n];
    for (int i = 0; i < n; i++) {
      double e = last[i] - target[i];
      loss += e * e;
      dh[i] = seed * 2 * e;
    }
    for (int t = steps - 1; t >= 0; t--) {
      double[] h = hs[t];
      double[] x = xs[t];
      double[] next = hs[t + 1];
      for (int i = 0; i < n; i++) {
        da[i] = dh[i] * (1 - next[i] * next[i]);
        db[i] += da[i];
      }
      java.util.Arrays.fill(dh, 0.0);
      for (int i = 0; i < n; i++) {
        double g = da[i];
        double[] wh = Wh[i];
        double[] dwh = dWh[i];
        double[] dwx = dWx[i];
        for (int j = 0; j < n; j++) {
          dwh[j] += g * h[j];
          dh[j] += wh[j] * g;
        }
        for (int k = 0; k < x.length; k++) {
          dwx[k] += g * x[k];
        }
      }
    }
    return loss;
  }

  /**
   * Horner's value at every point, its error kept in {@code errors}; then, per point,
   * {@code dc[k] += 2 e x^k}, the powers by multiplication. Two passes rather than one: each
   * point's value and each point's {@code g *= x} are chains of dependent multiplications, and
   * apart the processor overlaps the chains of successive points (one pass: 20 µs, two: 14).
   */
  public static double hornerPullback(double[] c, double[] xs, double[] ys, double seed,
      double[] dc, double[] errors) {
    int m = c.length;
    double loss = 0;
    for (int p = 0; p < xs.length; p++) {
      double x = xs[p];
      double y = c[m - 1];
      for (int k = m - 2; k >= 0; k--) {
        y = y * x + c[k];
      }
      double e = y - ys[p];
      loss += e * e;
      errors[p] = e;
    }
    for (int p = 0; p < xs.length; p++) {
      double x = xs[p];
      double g = seed * 2 * errors[p];
      for (int k = 0; k < m; k++) {
        dc[k] += g;
        g *= x;
      }
    }
    return loss;
  }

  /**
   * Per example: the score, the loss, and {@code g = -y e / (1 + e)} times the seed over
   * {@code n} added to {@code db} and, times the features, to {@code dw}; then the penalty's
   * {@code λ w}. {@code dScalars = {∂/∂b}}.
   */
  public static double logisticPullback(double[] w, double b, double[][] X, double[] y,
      double lambda, double seed, double[] dw, double[] dScalars) {
    int n = X.length;
    double scale = seed / n;
    double loss = 0;
    double db = 0;
    for (int i = 0; i < n; i++) {
      double[] x = X[i];
      double z = b;
      for (int j = 0; j < w.length; j++) {
        z += w[j] * x[j];
      }
      double e = Math.exp(-y[i] * z);
      loss += Math.log(1 + e);
      double g = -y[i] * e / (1 + e) * scale;
      db += g;
      for (int j = 0; j < w.length; j++) {
        dw[j] += g * x[j];
      }
    }
    double penalty = 0;
    double dpenalty = seed * lambda;
    for (int j = 0; j < w.length; j++) {
      penalty += w[j] * w[j];
      dw[j] += dpenalty * w[j];
    }
    dScalars[0] += db;
    return loss / n + 0.5 * lambda * penalty;
  }

  /** Per output: the convolution, the ReLU, and the kernel's gradient only where it is on. */
  public static double convPullback(double[] kernel, double[] signal, double[] target,
      double seed, double[] dkernel) {
    int taps = kernel.length;
    double loss = 0;
    for (int i = 0; i + taps <= signal.length; i++) {
      double s = 0;
      for (int t = 0; t < taps; t++) {
        s += kernel[t] * signal[i + t];
      }
      double e = Math.max(0, s) - target[i];
      loss += e * e;
      if (s > 0) {
        double g = seed * 2 * e;
        for (int t = 0; t < taps; t++) {
          dkernel[t] += g * signal[i + t];
        }
      }
    }
    return loss;
  }

  /**
   * Per point, the nearest centre and its distance; then only that centre's gradient. The
   * distance's minimum is taken by {@code Math.min}, as the objective does (its NaN and
   * {@code -0.0} rules, and its cost), the nearest centre noted beside it.
   */
  public static double kmeansPullback(double[][] centres, double[][] points, double seed,
      double[][] dcentres) {
    double cost = 0;
    for (double[] point : points) {
      double best = Double.MAX_VALUE;
      int nearest = -1;
      for (int c = 0; c < centres.length; c++) {
        double[] centre = centres[c];
        double d = 0;
        for (int k = 0; k < point.length; k++) {
          double diff = point[k] - centre[k];
          d += diff * diff;
        }
        if (d < best) {
          nearest = c;
        }
        best = Math.min(best, d);
      }
      cost += best;
      if (nearest >= 0) {
        double[] centre = centres[nearest];
        double[] dcentre = dcentres[nearest];
        for (int k = 0; k < point.length; k++) {
          dcentre[k] -= seed * 2 * (point[k] - centre[k]);
        }
      }
    }
    return cost;
  }

  /** Per segment, its length and the unit vector along it, added to both ends. */
  public static double pathPullback(double[] x, double[] y, double seed, double[] dx,
      double[] dy) {
    double length = 0;
    for (int i = 1; i < x.length; i++) {
      double ux = x[i] - x[i - 1];
      double uy = y[i] - y[i - 1];
      double r = Math.sqrt(ux * ux + uy * uy);
      length += r;
      double g = seed / r;
      dx[i] += g * ux;
      dx[i - 1] -= g * ux;
      dy[i] += g * uy;
      dy[i - 1] -= g * uy;
    }
    return length;
  }

  /** Per pair, the kernel and its derivative, added to both points as it is computed. */
  public static double repulsionPullback(double[] x, double[] y, double seed, double[] dx,
      double[] dy) {
    double e = 0;
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      double yi = y[i];
      double gxi = 0;
      double gyi = 0;
      for (int j = i + 1; j < x.length; j++) {
        double ux = xi - x[j];
        double uy = yi - y[j];
        double q = 1 / (1 + ux * ux + uy * uy);
        e += q;
        double g = -2 * seed * q * q;
        gxi += g * ux;
        gyi += g * uy;
        dx[j] -= g * ux;
        dy[j] -= g * uy;
      }
      dx[i] += gxi;
      dy[i] += gyi;
    }
    return e;
  }

  private static final double A1 = 0.319381530;
  private static final double A2 = -0.356563782;
  private static final double A3 = 1.781477937;
  private static final double A4 = -1.821255978;
  private static final double A5 = 1.330274429;
  private static final double P = 0.2316419;
  private static final double INV_SQRT_2PI = 0.3989422804014327;

  /**
   * Each option's price and its partials by the chain rule through {@code d1} and {@code d2},
   * with the derivative of the approximation {@link Spellings#cdf} itself (not the normal
   * density, which the approximation only approaches): {@code dSpot[i] += seed w_i ∂C/∂S},
   * {@code dScalars = {∂/∂σ, ∂/∂r}}.
   */
  public static double bookPullback(double[] spot, double sigma, double rate, double[] strike,
      double[] maturity, double[] weight, double seed, double[] dSpot, double[] dScalars) {
    double total = 0;
    double dSigma = 0;
    double dRate = 0;
    for (int i = 0; i < spot.length; i++) {
      double s = spot[i];
      double strikeI = strike[i];
      double t = maturity[i];
      double sqrtT = Math.sqrt(t);
      double volatility = sigma * sqrtT;
      double d1 = (Math.log(s / strikeI) + (rate + 0.5 * sigma * sigma) * t) / volatility;
      double d2 = d1 - volatility;
      double discount = Math.exp(-rate * t);
      double n1 = Spellings.cdf(d1);
      double n2 = Spellings.cdf(d2);
      total += weight[i] * (s * n1 - strikeI * discount * n2);
      double g = seed * weight[i];
      double slope = s * cdfSlope(d1) - strikeI * discount * cdfSlope(d2); // ∂C/∂d1 = ∂C/∂d2
      double dd1dSigma = sqrtT - d1 / sigma;
      dSpot[i] += g * (n1 + slope / (s * volatility));
      dSigma += g * (slope * dd1dSigma + strikeI * discount * cdfSlope(d2) * sqrtT);
      dRate += g * (slope * t / volatility + strikeI * t * discount * n2);
    }
    dScalars[0] += dSigma;
    dScalars[1] += dRate;
    return total;
  }

  /** The derivative of {@link Spellings#cdf}: {@code -t'(|x|)}, {@code t} its tail. */
  private static double cdfSlope(double x) {
    double z = Math.abs(x);
    double k = 1 / (1 + P * z);
    double poly = k * (A1 + k * (A2 + k * (A3 + k * (A4 + k * A5))));
    double dpoly = A1 + k * (2 * A2 + k * (3 * A3 + k * (4 * A4 + k * 5 * A5)));
    double density = Math.exp(-0.5 * z * z) * INV_SQRT_2PI;
    double dk = -P * k * k;
    return z * density * poly - density * dpoly * dk;
  }

  /**
   * The states of every step kept, then backward through the steps with two adjoint buffers in
   * turn: each element's adjoint goes to itself and, times {@code k}, to its neighbours.
   */
  public static double heatPullback(double[] u0, double k, int steps, double seed, double[] du0,
      double[] dScalars) {
    int n = u0.length;
    double[][] states = new double[steps + 1][];
    states[0] = u0;
    double[] u = u0;
    for (int s = 0; s < steps; s++) {
      double[] next = new double[n];
      for (int i = 0; i < n; i++) {
        double left = i > 0 ? u[i - 1] : 0.0;
        double right = i + 1 < n ? u[i + 1] : 0.0;
        next[i] = u[i] + k * (left - 2 * u[i] + right);
      }
      states[s + 1] = next;
      u = next;
    }
    double e = 0;
    for (double v : u) {
      e += v * v;
    }
    double[] g = new double[n];
    double[] gPrevious = new double[n];
    for (int i = 0; i < n; i++) {
      g[i] = 2 * (u[i] * seed);
    }
    double dk = 0;
    for (int s = steps - 1; s >= 0; s--) {
      double[] us = states[s];
      for (int i = n - 1; i >= 0; i--) {
        double left = i > 0 ? us[i - 1] : 0.0;
        double right = i + 1 < n ? us[i + 1] : 0.0;
        double gi = g[i];
        g[i] = 0.0;
        dk += (left - 2 * us[i] + right) * gi;
        double kg = k * gi;
        gPrevious[i] += gi - 2 * kg;
        if (i + 1 < n) {
          gPrevious[i + 1] += kg;
        }
        if (i > 0) {
          gPrevious[i - 1] += kg;
        }
      }
      double[] swap = g;
      g = gPrevious;
      gPrevious = swap;
    }
    for (int i = 0; i < n; i++) {
      du0[i] += g[i];
    }
    dScalars[0] += dk;
    return e;
  }

  /**
   * Holt's linear trend: the forward pass keeps each step's level {@code l} and trend
   * {@code r} in {@code level}/{@code trend} (buffers of {@code x.length}, made by the caller
   * once); the backward pass carries the adjoints {@code gl}, {@code gt} of the two states down
   * the steps. Per step, with {@code f = l_{t-1} + r_{t-1}}: {@code beta} gets
   * {@code (l_t - l_{t-1} - r_{t-1}) gt}, the new level {@code gNew = gl + beta gt},
   * {@code alpha} {@code (x_t - f) gNew}, the forecast {@code (1 - alpha) gNew} less
   * {@code 2 (x_t - f)}, and the previous states what they receive through the forecast and
   * the trend. {@code dScalars = {∂/∂alpha, ∂/∂beta}}.
   */
  public static double holtPullback(double[] x, double alpha, double beta, double seed,
      double[] dScalars, double[] level, double[] trend) {
    int n = x.length;
    level[0] = x[0];
    trend[0] = x[1] - x[0];
    double sse = 0;
    for (int t = 1; t < n; t++) {
      double forecast = level[t - 1] + trend[t - 1];
      double e = x[t] - forecast;
      sse += e * e;
      level[t] = alpha * x[t] + (1 - alpha) * forecast;
      trend[t] = beta * (level[t] - level[t - 1]) + (1 - beta) * trend[t - 1];
    }
    double dalpha = 0;
    double dbeta = 0;
    double gl = 0;
    double gt = 0;
    for (int t = n - 1; t >= 1; t--) {
      double lp = level[t - 1];
      double tp = trend[t - 1];
      double forecast = lp + tp;
      double gNew = gl + beta * gt;
      dbeta += (level[t] - lp - tp) * gt;
      dalpha += (x[t] - forecast) * gNew;
      double gf = (1 - alpha) * gNew - 2 * (x[t] - forecast) * seed;
      gl = gf - beta * gt;
      gt = gf + (1 - beta) * gt;
    }
    dScalars[0] += dalpha;
    dScalars[1] += dbeta;
    return sse;
  }

  /**
   * Matrix factorisation: per entry, the error {@code r - u_i . v_j}, then
   * {@code du_i += -2 err v_j} and {@code dv_j += -2 err u_i} at once, in the same pass; the
   * penalty's {@code 2 lambda a}.
   */
  public static double factorisePullback(double[][] u, double[][] v, int[] users, int[] items,
      double[] ratings, double lambda, double seed, double[][] du, double[][] dv) {
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
      double g = -2 * err * seed;
      double[] due = du[users[e]];
      double[] dve = dv[items[e]];
      for (int f = 0; f < ue.length; f++) {
        due[f] += g * ve[f];
        dve[f] += g * ue[f];
      }
    }
    loss += penalty(u, lambda, seed, du) + penalty(v, lambda, seed, dv);
    return loss;
  }

  /** {@code lambda} times the sum of squares of {@code m}; adds its gradient into {@code dm}. */
  private static double penalty(double[][] m, double lambda, double seed, double[][] dm) {
    double sum = 0;
    double scale = 2 * lambda * seed;
    for (int i = 0; i < m.length; i++) {
      double[] row = m[i];
      double[] drow = dm[i];
      for (int f = 0; f < row.length; f++) {
        sum += lambda * row[f] * row[f];
        drow[f] += scale * row[f];
      }
    }
    return sum;
  }
}
