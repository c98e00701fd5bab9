package dev.adjoint.benchmarks;

import org.hipparchus.analysis.differentiation.Gradient;

/**
 * {@link Gmm#objective} translated operation by operation to Hipparchus forward mode, with the
 * partials in ADBench's order: alphas, means (row by row), icf (row by row).
 */
public final class GmmForward {
  private GmmForward() {}

  /** The objective and its gradient (length {@code k + k d + k d(d+1)/2}). */
  public static Gradient objective(double[] alphas, double[][] means, double[][] icf,
      double[][] x, double gamma, int m) {
    int k = alphas.length;
    int d = means[0].length;
    int n = x.length;
    int icfSz = icf[0].length;
    int p = k + k * d + k * icfSz;
    int next = 0;
    Gradient[] ga = new Gradient[k];
    for (int ik = 0; ik < k; ik++) {
      ga[ik] = Gradient.variable(p, next++, alphas[ik]);
    }
    Gradient[][] gmeans = new Gradient[k][d];
    for (int ik = 0; ik < k; ik++) {
      for (int id = 0; id < d; id++) {
        gmeans[ik][id] = Gradient.variable(p, next++, means[ik][id]);
      }
    }
    Gradient[][] gicf = new Gradient[k][icfSz];
    for (int ik = 0; ik < k; ik++) {
      for (int j = 0; j < icfSz; j++) {
        gicf[ik][j] = Gradient.variable(p, next++, icf[ik][j]);
      }
    }
    Gradient zero = Gradient.constant(p, 0);
    double constant = -n * d * 0.5 * Math.log(2 * Gmm.PI);
    Gradient[][] qdiags = new Gradient[k][d];
    Gradient[] sumQs = new Gradient[k];
    for (int ik = 0; ik < k; ik++) {
      sumQs[ik] = zero;
      for (int id = 0; id < d; id++) {
        sumQs[ik] = sumQs[ik].add(gicf[ik][id]);
        qdiags[ik][id] = gicf[ik][id].exp();
      }
    }
    Gradient[] xcentered = new Gradient[d];
    Gradient[] qxcentered = new Gradient[d];
    Gradient[] mainTerm = new Gradient[k];
    Gradient slse = zero;
    for (int ix = 0; ix < n; ix++) {
      for (int ik = 0; ik < k; ik++) {
        for (int id = 0; id < d; id++) {
          xcentered[id] = gmeans[ik][id].negate().add(x[ix][id]);
        }
        for (int id = 0; id < d; id++) {
          qxcentered[id] = qdiags[ik][id].multiply(xcentered[id]);
        }
        int lparamsidx = d;
        for (int i = 0; i < d; i++) {
          for (int j = i + 1; j < d; j++) {
            qxcentered[j] = qxcentered[j].add(gicf[ik][lparamsidx].multiply(xcentered[i]));
            lparamsidx++;
          }
        }
        Gradient sqnorm = zero;
        for (int id = 0; id < d; id++) {
          sqnorm = sqnorm.add(qxcentered[id].multiply(qxcentered[id]));
        }
        mainTerm[ik] = ga[ik].add(sumQs[ik]).subtract(sqnorm.multiply(0.5));
      }
      slse = slse.add(logSumExp(mainTerm));
    }
    Gradient err = slse.add(constant).subtract(logSumExp(ga).multiply(n));
    int wn = d + m + 1;
    double c = wn * d * (Math.log(gamma) - 0.5 * Math.log(2)) - Gmm.logGammaDistrib(0.5 * wn, d);
    Gradient out = zero;
    for (int ik = 0; ik < k; ik++) {
      Gradient sqnormDiag = zero;
      for (int id = 0; id < d; id++) {
        sqnormDiag = sqnormDiag.add(qdiags[ik][id].multiply(qdiags[ik][id]));
      }
      Gradient sqnormLower = zero;
      for (int id = d; id < icfSz; id++) {
        sqnormLower = sqnormLower.add(gicf[ik][id].multiply(gicf[ik][id]));
      }
      out = out.add(sqnormDiag.add(sqnormLower).multiply(0.5 * gamma * gamma))
          .subtract(sumQs[ik].multiply(m));
    }
    return err.add(out.subtract(k * c));
  }

  private static Gradient logSumExp(Gradient[] v) {
    Gradient mx = v[0];
    for (int i = 1; i < v.length; i++) {
      mx = mx.getValue() >= v[i].getValue() ? mx : v[i];
    }
    Gradient semx = v[0].subtract(mx).exp();
    for (int i = 1; i < v.length; i++) {
      semx = semx.add(v[i].subtract(mx).exp());
    }
    return semx.log().add(mx);
  }
}
