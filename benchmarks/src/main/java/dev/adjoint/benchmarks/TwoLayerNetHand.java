package dev.adjoint.benchmarks;

/**
 * The two-layer loss's gradient written by hand, as fast as plain Java allows: one example at a
 * time, forward then backward at once (the loss is a mean over examples, so nothing of one
 * example is needed after it), with the softmax's {@code p - 1[y]} and the ReLU mask; scratch
 * rows of length H and K only. (Accumulating {@code dW1 = X^T dZ} once per batch instead, as
 * cs231n's numpy code does, measured slower here: the column walk over X costs more than the
 * extra passes over dW1.)
 */
public final class TwoLayerNetHand {
  private TwoLayerNetHand() {}

  /**
   * Same contract as the generated {@code TwoLayerNetGrad.lossPullback}: returns the loss and
   * adds {@code seed} times its gradient into {@code dW1, db1, dW2, db2}.
   */
  public static double lossPullback(double[][] W1, double[] b1, double[][] W2, double[] b2,
      double[][] X, int[] y, double reg, double seed, double[][] dW1, double[] db1,
      double[][] dW2, double[] db2) {
    int n = X.length;
    int D = W1.length;
    int H = b1.length;
    int K = b2.length;
    double[] z = new double[H];
    double[] a = new double[H];
    double[] s = new double[K];
    double[] dz = new double[H];
    double scale = seed / n;
    double dataLoss = 0;
    for (int i = 0; i < n; i++) {
      double[] x = X[i];
      System.arraycopy(b1, 0, z, 0, H);
      for (int d = 0; d < D; d++) {
        double xd = x[d];
        double[] w = W1[d];
        for (int h = 0; h < H; h++) {
          z[h] += xd * w[h];
        }
      }
      System.arraycopy(b2, 0, s, 0, K);
      for (int h = 0; h < H; h++) {
        double ah = Math.max(0, z[h]);
        a[h] = ah;
        double[] w = W2[h];
        for (int c = 0; c < K; c++) {
          s[c] += ah * w[c];
        }
      }
      double max = s[0];
      for (int c = 1; c < K; c++) {
        max = Math.max(max, s[c]);
      }
      int label = y[i];
      double sy = s[label];
      double sum = 0;
      for (int c = 0; c < K; c++) {
        double e = Math.exp(s[c] - max);
        s[c] = e;
        sum += e;
      }
      dataLoss += Math.log(sum) + max - sy;
      // s becomes dL/ds = (softmax - onehot) * seed / n
      for (int c = 0; c < K; c++) {
        s[c] = s[c] / sum * scale;
      }
      s[label] -= scale;
      for (int c = 0; c < K; c++) {
        db2[c] += s[c];
      }
      for (int h = 0; h < H; h++) {
        double[] w = W2[h];
        double[] dw = dW2[h];
        double ah = a[h];
        double da = 0;
        for (int c = 0; c < K; c++) {
          dw[c] += ah * s[c];
          da += w[c] * s[c];
        }
        dz[h] = z[h] > 0 ? da : 0.0;
        db1[h] += dz[h];
      }
      for (int d = 0; d < D; d++) {
        double xd = x[d];
        double[] dw = dW1[d];
        for (int h = 0; h < H; h++) {
          dw[h] += xd * dz[h];
        }
      }
    }
    double squares = 0;
    double dreg = seed * reg;
    for (int d = 0; d < D; d++) {
      double[] w = W1[d];
      double[] dw = dW1[d];
      for (int h = 0; h < H; h++) {
        squares += w[h] * w[h];
        dw[h] += dreg * w[h];
      }
    }
    for (int h = 0; h < H; h++) {
      double[] w = W2[h];
      double[] dw = dW2[h];
      for (int c = 0; c < K; c++) {
        squares += w[c] * w[c];
        dw[c] += dreg * w[c];
      }
    }
    return dataLoss / n + 0.5 * reg * squares;
  }
}
