package dev.adjoint.benchmarks;

/**
 * The GMM objective's gradient written by hand: per point, the posterior weight
 * {@code w_k = softmax_k(main_k)} of each component, then
 * {@code d alpha_k = w_k}, {@code d mu_k = w_k Q_k^T Q_k (x - mu_k)},
 * {@code d q_kj = w_k (1 - (Q_k xc)_j e^{q_kj} xc_j)}, {@code d l_k[j,i] = -w_k (Q_k xc)_j xc_i};
 * then {@code -n softmax(alpha)} and the prior's {@code gamma^2 e^{2 q} - m} and
 * {@code gamma^2 l}. Scratch: {@code k x d} rows, allocated once per call.
 */
public final class GmmHand {
  private GmmHand() {}

  /**
   * Same contract as the generated {@code GmmGrad.objectivePullback}: returns the objective and
   * adds {@code seed} times its gradient into {@code dalphas, dmeans, dicf}.
   */
  public static double objectivePullback(double[] alphas, double[][] means, double[][] icf,
      double[][] x, double gamma, int m, double seed, double[] dalphas, double[][] dmeans,
      double[][] dicf) {
    int k = alphas.length;
    int d = means[0].length;
    int n = x.length;
    double constant = -n * d * 0.5 * Math.log(2 * Gmm.PI);
    double[][] qdiags = new double[k][d];
    double[] sumQs = new double[k];
    for (int ik = 0; ik < k; ik++) {
      double sum = 0;
      for (int id = 0; id < d; id++) {
        double q = icf[ik][id];
        sum = sum + q;
        qdiags[ik][id] = Math.exp(q);
      }
      sumQs[ik] = sum;
    }
    double[][] xc = new double[k][d];
    double[][] qxc = new double[k][d];
    double[] mainTerm = new double[k];
    double slse = 0;
    for (int ix = 0; ix < n; ix++) {
      double[] xi = x[ix];
      for (int ik = 0; ik < k; ik++) {
        double[] xck = xc[ik];
        double[] qk = qxc[ik];
        double[] qd = qdiags[ik];
        double[] l = icf[ik];
        double[] mu = means[ik];
        for (int id = 0; id < d; id++) {
          xck[id] = xi[id] - mu[id];
          qk[id] = qd[id] * xck[id];
        }
        int li = d;
        for (int i = 0; i < d; i++) {
          for (int j = i + 1; j < d; j++) {
            qk[j] = qk[j] + l[li] * xck[i];
            li++;
          }
        }
        double sq = 0;
        for (int id = 0; id < d; id++) {
          sq = sq + qk[id] * qk[id];
        }
        mainTerm[ik] = alphas[ik] + sumQs[ik] - 0.5 * sq;
      }
      double mx = mainTerm[0];
      for (int ik = 1; ik < k; ik++) {
        mx = Math.max(mx, mainTerm[ik]);
      }
      double semx = 0;
      for (int ik = 0; ik < k; ik++) {
        double e = Math.exp(mainTerm[ik] - mx);
        mainTerm[ik] = e;
        semx = semx + e;
      }
      slse = slse + (Math.log(semx) + mx);
      double scale = seed / semx;
      for (int ik = 0; ik < k; ik++) {
        double w = mainTerm[ik] * scale;
        double[] xck = xc[ik];
        double[] qk = qxc[ik];
        double[] qd = qdiags[ik];
        double[] l = icf[ik];
        double[] dmu = dmeans[ik];
        double[] dq = dicf[ik];
        dalphas[ik] += w;
        for (int id = 0; id < d; id++) {
          double wq = w * qk[id];
          dq[id] += w - wq * qd[id] * xck[id];
          dmu[id] += wq * qd[id];
        }
        int li = d;
        for (int i = 0; i < d; i++) {
          double xci = xck[i];
          double dmui = 0;
          for (int j = i + 1; j < d; j++) {
            double wq = w * qk[j];
            dq[li] -= wq * xci;
            dmui += l[li] * wq;
            li++;
          }
          dmu[i] += dmui;
        }
      }
    }
    double amx = alphas[0];
    for (int ik = 1; ik < k; ik++) {
      amx = Math.max(amx, alphas[ik]);
    }
    double asemx = 0;
    for (int ik = 0; ik < k; ik++) {
      asemx = asemx + Math.exp(alphas[ik] - amx);
    }
    double lseAlphas = Math.log(asemx) + amx;
    double dscale = -seed * n / asemx;
    for (int ik = 0; ik < k; ik++) {
      dalphas[ik] += dscale * Math.exp(alphas[ik] - amx);
    }
    double err = constant + slse - n * lseAlphas;

    int wn = d + m + 1;
    double c = wn * d * (Math.log(gamma) - 0.5 * Math.log(2)) - Gmm.logGammaDistrib(0.5 * wn, d);
    double g2 = seed * gamma * gamma;
    double out = 0;
    for (int ik = 0; ik < k; ik++) {
      double[] qd = qdiags[ik];
      double[] l = icf[ik];
      double[] dq = dicf[ik];
      double sqnormDiag = 0;
      for (int id = 0; id < d; id++) {
        sqnormDiag = sqnormDiag + qd[id] * qd[id];
        dq[id] += g2 * qd[id] * qd[id] - seed * m;
      }
      double sqnormLower = 0;
      for (int id = d; id < l.length; id++) {
        sqnormLower = sqnormLower + l[id] * l[id];
        dq[id] += g2 * l[id];
      }
      out = out + 0.5 * gamma * gamma * (sqnormDiag + sqnormLower) - m * sumQs[ik];
    }
    return err + (out - k * c);
  }
}
