package dev.adjoint.benchmarks;

import org.hipparchus.analysis.differentiation.Gradient;

/**
 * {@link TwoLayerNet#loss} translated operation by operation to Hipparchus forward mode: every
 * value carries the partials in all {@code D H + H + H K + K} parameters (W1 row by row, b1, W2
 * row by row, b2), so each operation costs as much as that many multiply-adds and allocates an
 * array of that length.
 */
public final class TwoLayerNetForward {
  private TwoLayerNetForward() {}

  /** The loss and its gradient, flattened in the order W1, b1, W2, b2 (rows in order). */
  public static Gradient loss(double[][] W1, double[] b1, double[][] W2, double[] b2,
      double[][] X, int[] y, double reg) {
    int n = X.length;
    int D = W1.length;
    int H = b1.length;
    int K = b2.length;
    int p = D * H + H + H * K + K;
    int next = 0;
    Gradient[][] gW1 = new Gradient[D][H];
    for (int d = 0; d < D; d++) {
      for (int h = 0; h < H; h++) {
        gW1[d][h] = Gradient.variable(p, next++, W1[d][h]);
      }
    }
    Gradient[] gb1 = new Gradient[H];
    for (int h = 0; h < H; h++) {
      gb1[h] = Gradient.variable(p, next++, b1[h]);
    }
    Gradient[][] gW2 = new Gradient[H][K];
    for (int h = 0; h < H; h++) {
      for (int c = 0; c < K; c++) {
        gW2[h][c] = Gradient.variable(p, next++, W2[h][c]);
      }
    }
    Gradient[] gb2 = new Gradient[K];
    for (int c = 0; c < K; c++) {
      gb2[c] = Gradient.variable(p, next++, b2[c]);
    }
    Gradient zero = Gradient.constant(p, 0);
    Gradient dataLoss = zero;
    Gradient[] z = new Gradient[H];
    Gradient[] s = new Gradient[K];
    for (int i = 0; i < n; i++) {
      System.arraycopy(gb1, 0, z, 0, H);
      for (int d = 0; d < D; d++) {
        double xd = X[i][d];
        for (int h = 0; h < H; h++) {
          z[h] = z[h].add(gW1[d][h].multiply(xd));
        }
      }
      System.arraycopy(gb2, 0, s, 0, K);
      for (int h = 0; h < H; h++) {
        Gradient a = 0 >= z[h].getValue() ? zero : z[h];
        for (int c = 0; c < K; c++) {
          s[c] = s[c].add(a.multiply(gW2[h][c]));
        }
      }
      Gradient max = s[0];
      for (int c = 1; c < K; c++) {
        max = max.getValue() >= s[c].getValue() ? max : s[c];
      }
      Gradient sum = zero;
      for (int c = 0; c < K; c++) {
        sum = sum.add(s[c].subtract(max).exp());
      }
      dataLoss = dataLoss.add(sum.log().add(max).subtract(s[y[i]]));
    }
    Gradient squares = zero;
    for (int d = 0; d < D; d++) {
      for (int h = 0; h < H; h++) {
        squares = squares.add(gW1[d][h].multiply(gW1[d][h]));
      }
    }
    for (int h = 0; h < H; h++) {
      for (int c = 0; c < K; c++) {
        squares = squares.add(gW2[h][c].multiply(gW2[h][c]));
      }
    }
    return dataLoss.divide(n).add(squares.multiply(0.5 * reg));
  }
}
