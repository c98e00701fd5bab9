package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;
import org.hipparchus.special.Gamma;

/**
 * ADBench's Gaussian mixture model objective, statement for statement as its C++
 * {@code gmm_objective} (src/cpp/shared/gmm.h, with {@code preprocess_qs}, {@code Qtimesx},
 * {@code sqnorm}, {@code logsumexp} and {@code log_wishart_prior} written inline), quirks
 * included: {@code PI} is the literal 3.14159265359, the log-sum-exp subtracts the largest
 * entry, and {@code C} uses the Wishart {@code N = d + m + 1}. The matrices are Java rows of
 * ADBench's flat arrays: {@code means[k][d]}, {@code icf[k][d(d+1)/2]}, {@code x[n][d]}.
 */
public final class Gmm {
  private Gmm() {}

  /** ADBench's {@code PI}. */
  static final double PI = 3.14159265359;

  /**
   * The GMM objective (the negative log-likelihood with a Wishart prior, as ADBench defines it).
   *
   * @param alphas {@code k} log mixture weights
   * @param means {@code k x d} component means
   * @param icf {@code k x d(d+1)/2}: log of the diagonal of each inverse-covariance factor, then
   *     its strictly lower part column by column
   * @param x {@code n x d} points (a constant)
   * @param gamma the Wishart prior's gamma (a constant)
   * @param m the Wishart prior's m
   */
  @Differentiable(wrt = {"alphas", "means", "icf"})
  public static double objective(double[] alphas, double[][] means, double[][] icf,
      double[][] x, double gamma, int m) {
    int k = alphas.length;
    int d = means[0].length;
    int n = x.length;
    double constant = -n * d * 0.5 * Math.log(2 * PI);

    double[][] qdiags = new double[k][d];
    double[] sumQs = new double[k];
    double[] xcentered = new double[d];
    double[] qxcentered = new double[d];
    double[] mainTerm = new double[k];

    // preprocess_qs
    for (int ik = 0; ik < k; ik++) {
      sumQs[ik] = 0;
      for (int id = 0; id < d; id++) {
        double q = icf[ik][id];
        sumQs[ik] = sumQs[ik] + q;
        qdiags[ik][id] = Math.exp(q);
      }
    }

    double slse = 0;
    for (int ix = 0; ix < n; ix++) {
      for (int ik = 0; ik < k; ik++) {
        // subtract
        for (int id = 0; id < d; id++) {
          xcentered[id] = x[ix][id] - means[ik][id];
        }
        // Qtimesx
        for (int id = 0; id < d; id++) {
          qxcentered[id] = qdiags[ik][id] * xcentered[id];
        }
        int lparamsidx = d;
        for (int i = 0; i < d; i++) {
          for (int j = i + 1; j < d; j++) {
            qxcentered[j] = qxcentered[j] + icf[ik][lparamsidx] * xcentered[i];
            lparamsidx++;
          }
        }
        // sqnorm
        double sqnorm = 0;
        for (int id = 0; id < d; id++) {
          sqnorm = sqnorm + qxcentered[id] * qxcentered[id];
        }
        mainTerm[ik] = alphas[ik] + sumQs[ik] - 0.5 * sqnorm;
      }
      // logsumexp(k, main_term)
      double mx = mainTerm[0];
      for (int ik = 1; ik < k; ik++) {
        mx = Math.max(mx, mainTerm[ik]);
      }
      double semx = 0;
      for (int ik = 0; ik < k; ik++) {
        semx = semx + Math.exp(mainTerm[ik] - mx);
      }
      slse = slse + (Math.log(semx) + mx);
    }

    // logsumexp(k, alphas)
    double amx = alphas[0];
    for (int ik = 1; ik < k; ik++) {
      amx = Math.max(amx, alphas[ik]);
    }
    double asemx = 0;
    for (int ik = 0; ik < k; ik++) {
      asemx = asemx + Math.exp(alphas[ik] - amx);
    }
    double lseAlphas = Math.log(asemx) + amx;

    double err = constant + slse - n * lseAlphas;

    // log_wishart_prior
    int wn = d + m + 1;
    double c = wn * d * (Math.log(gamma) - 0.5 * Math.log(2)) - logGammaDistrib(0.5 * wn, d);
    double out = 0;
    for (int ik = 0; ik < k; ik++) {
      double sqnormDiag = 0;
      for (int id = 0; id < d; id++) {
        sqnormDiag = sqnormDiag + qdiags[ik][id] * qdiags[ik][id];
      }
      double sqnormLower = 0;
      for (int id = d; id < icf[ik].length; id++) {
        sqnormLower = sqnormLower + icf[ik][id] * icf[ik][id];
      }
      double frobenius = sqnormDiag + sqnormLower;
      out = out + 0.5 * gamma * gamma * frobenius - m * sumQs[ik];
    }
    return err + (out - k * c);
  }

  /**
   * ADBench's {@code log_gamma_distrib(a, p)}: {@code p (p - 1) / 4 log(PI)} plus
   * {@code lgamma(a + (1 - j) / 2)} for {@code j = 1..p}. A constant of the objective.
   */
  public static double logGammaDistrib(double a, int p) {
    double out = 0.25 * p * (p - 1) * Math.log(PI);
    for (int j = 1; j <= p; j++) {
      out = out + Gamma.logGamma(a + 0.5 * (1 - j));
    }
    return out;
  }
}
