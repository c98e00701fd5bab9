package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The second-order samples: the Black-Scholes greeks against their closed forms and gamma
 * against central differences of the generated delta; Newton-CG reaching Rosenbrock's minimum
 * with the HVP it uses equal to differences of the generated gradient.
 */
class SecondOrderSamplesTest {

  @Test
  void greeksMatchTheirClosedForms() {
    double[][] cases = {{100, 95, 0.25, 0.03, 0.75}, {80, 120, 0.4, 0.01, 2.0},
        {50, 50, 0.1, 0.05, 0.1}};
    for (double[] c : cases) {
      var h = BlackScholesGrad.callHessian(c[0], c[1], c[2], c[3], c[4]);
      var exact = BlackScholes.Greeks.closedForm(c[0], c[1], c[2], c[3], c[4]);
      assertEquals(BlackScholes.call(c[0], c[1], c[2], c[3], c[4]), h.value(), 0.0);
      assertEquals(exact.delta(), h.dspot(), 1e-12 * Math.abs(exact.delta()));
      assertEquals(exact.vega(), h.dsigma(), 1e-12 * Math.abs(exact.vega()));
      assertEquals(exact.rho(), h.drate(), 1e-12 * Math.abs(exact.rho()));
      assertEquals(exact.gamma(), h.hessian()[0][0], 1e-12 * Math.abs(exact.gamma()));
      double step = 1e-4 * c[0];
      double difference = (BlackScholesGrad.call(c[0] + step, c[1], c[2], c[3], c[4]).dspot()
          - BlackScholesGrad.call(c[0] - step, c[1], c[2], c[3], c[4]).dspot()) / (2 * step);
      assertEquals(difference, h.hessian()[0][0], 1e-5 * Math.abs(difference)); // O(step²)
      // the Hessian is symmetric: vanna (d²C/dS dσ) both ways
      assertEquals(h.hessian()[0][1], h.hessian()[1][0], 1e-12 * Math.abs(h.hessian()[0][1]));
    }
  }

  @Test
  void normCdfIsTheNormalDistribution() {
    assertEquals(0.5, BlackScholes.normCdf(0), 0.0);
    assertEquals(0.8413447460685429, BlackScholes.normCdf(1), 1e-15);
    assertEquals(0.022750131948179195, BlackScholes.normCdf(-2), 1e-15);
    assertEquals(0.9986501019683699, BlackScholes.normCdf(3), 1e-15);
    assertEquals(BlackScholes.normPdf(0.7), BlackScholesGrad.normCdf(0.7).dx(), 1e-15);
  }

  @Test
  void newtonReachesTheMinimumQuadratically() {
    var outcome = NewtonRosenbrock.newton(NewtonRosenbrock.start(100), 1e-8, 100, step -> { });
    assertTrue(outcome.gradientNorm() < 1e-8, () -> "|g| = " + outcome.gradientNorm());
    assertTrue(outcome.iterations() < 40, () -> outcome.iterations() + " iterations");
    for (double v : outcome.x()) {
      assertEquals(1.0, v, 1e-8);
    }
    var descent = NewtonRosenbrock.gradientDescent(NewtonRosenbrock.start(100), 1e-8, 2_000);
    assertTrue(descent.gradientNorm() > 1e-8, "gradient descent needs many more iterations");
  }

  @Test
  void theHvpNewtonUsesIsTheDerivativeOfTheGradient() {
    double[] x = NewtonRosenbrock.start(10);
    x[3] = 0.4;
    double[] v = {0.3, -0.2, 0.5, 0.1, -0.7, 0.9, 0.2, -0.4, 0.6, 0.8};
    double[] hv = NewtonRosenbrockGrad.rosenbrockHvp(x, v).hx();
    double step = 1e-6;
    double[] plus = x.clone();
    double[] minus = x.clone();
    for (int i = 0; i < x.length; i++) {
      plus[i] += step * v[i];
      minus[i] -= step * v[i];
    }
    double[] gp = NewtonRosenbrockGrad.rosenbrock(plus).dx();
    double[] gm = NewtonRosenbrockGrad.rosenbrock(minus).dx();
    for (int i = 0; i < x.length; i++) {
      double difference = (gp[i] - gm[i]) / (2 * step);
      assertEquals(difference, hv[i], 1e-6 * (1 + Math.abs(difference)));
    }
  }
}
