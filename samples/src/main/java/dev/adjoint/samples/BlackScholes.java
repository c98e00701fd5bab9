package dev.adjoint.samples;

import dev.adjoint.Differentiable;

/**
 * The Black-Scholes price of a European call, written as a quant writes it, differentiated twice:
 * its gradient gives delta (∂C/∂S), vega (∂C/∂σ) and rho (∂C/∂r), its Hessian gamma (∂²C/∂S²).
 * Strike and maturity are contract data, not differentiated.
 */
public final class BlackScholes {
  private BlackScholes() {}

  /** ln √(2π). */
  private static final double LOG_SQRT_2PI = 0.9189385332046728;

  /**
   * The price {@code C = S N(d1) - K e^(-rT) N(d2)}, {@code d1 = (ln(S/K) + (r + σ²/2) T) / (σ √T)},
   * {@code d2 = d1 - σ √T}.
   *
   * @param spot S
   * @param strike K (a constant)
   * @param sigma the volatility σ
   * @param rate the risk-free rate r
   * @param maturity T in years (a constant)
   */
  @Differentiable(order = 2, wrt = {"spot", "sigma", "rate"})
  public static double call(double spot, double strike, double sigma, double rate,
      double maturity) {
    double volatility = sigma * Math.sqrt(maturity);
    double d1 = (Math.log(spot / strike) + (rate + 0.5 * sigma * sigma) * maturity) / volatility;
    double d2 = d1 - volatility;
    return spot * normCdf(d1) - strike * Math.exp(-rate * maturity) * normCdf(d2);
  }

  /**
   * The standard normal distribution function Φ(x), by Marsaglia's series (G. Marsaglia,
   * "Evaluating the Normal Distribution", J. Stat. Software 11(4), 2004):
   * {@code Φ(x) = 1/2 + φ(x) (x + x³/3 + x⁵/(3·5) + ...)}, whose terms all have the sign of x, so
   * nothing cancels; 100 terms leave the truncation below 1e-16 for |x| ≤ 8, where Φ is within
   * 1e-15 of 0 or 1 beyond. Its derivatives are the series' own, exact to rounding.
   */
  @Differentiable(order = 2)
  public static double normCdf(double x) {
    if (x < -8) {
      return 0;
    }
    if (x > 8) {
      return 1;
    }
    double x2 = x * x;
    double term = x;
    double sum = x;
    for (int k = 1; k <= 100; k++) {
      term = term * x2 / (2 * k + 1);
      sum += term;
    }
    return 0.5 + sum * Math.exp(-0.5 * x2 - LOG_SQRT_2PI);
  }

  /** The standard normal density φ(x), for the closed forms. */
  public static double normPdf(double x) {
    return Math.exp(-0.5 * x * x - LOG_SQRT_2PI);
  }

  /** The greeks from their textbook closed forms, to check the generated derivatives against. */
  public record Greeks(double delta, double vega, double rho, double gamma) {
    /** Hull, Options, Futures and Other Derivatives, ch. 19. */
    public static Greeks closedForm(double spot, double strike, double sigma, double rate,
        double maturity) {
      double volatility = sigma * Math.sqrt(maturity);
      double d1 =
          (Math.log(spot / strike) + (rate + 0.5 * sigma * sigma) * maturity) / volatility;
      double d2 = d1 - volatility;
      return new Greeks(normCdf(d1), spot * normPdf(d1) * Math.sqrt(maturity),
          strike * maturity * Math.exp(-rate * maturity) * normCdf(d2),
          normPdf(d1) / (spot * volatility));
    }
  }
}
