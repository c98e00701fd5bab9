package dev.adjoint.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The benchmarks' second derivatives: Rosenbrock's generated Hessian equals Hipparchus's
 * {@code DerivativeStructure} of order 2, and the HVPs the benchmarks time, along the parameters
 * themselves, equal central differences of the generated gradient along the same direction.
 */
class HvpTest {
  private static final double STEP = 1e-6;

  @Test
  void rosenbrockHessianEqualsHipparchus() {
    double[] x = RosenbrockBenchmark.start(RosenbrockHessianBenchmark.N);
    x[3] = 0.7; // off the standard point, so that no block repeats another
    var generated = RosenbrockGrad.extendedHessian(x);
    double[][] exact = RosenbrockForward.hessian(x);
    assertEquals(Rosenbrock.extended(x), generated.value(), 0.0);
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x.length; j++) {
        assertEquals(exact[i][j], generated.hessian()[i][j], 1e-12 * (1 + Math.abs(exact[i][j])),
            "H[" + i + "][" + j + "]");
      }
    }
  }

  @Test
  void rosenbrockHvpsAgreeBothSpellings() {
    double[] x = RosenbrockBenchmark.start(1_000);
    double[] v = x.clone();
    var a = RosenbrockGrad.extendedHvp(x, v);
    var b = RosenbrockGrad.textbookHvp(x, v);
    double[] hx = new double[x.length];
    double[][] hessian = RosenbrockForward.hessian(java.util.Arrays.copyOf(x, 100));
    for (int i = 0; i < 100; i++) {
      double row = 0;
      for (int j = 0; j < 100; j++) {
        row += hessian[i][j] * v[j];
      }
      hx[i] = row;
    }
    for (int i = 0; i < 100; i++) {
      assertEquals(hx[i], a.hx()[i], 1e-12 * (1 + Math.abs(hx[i])));
      assertEquals(hx[i], b.hx()[i], 1e-12 * (1 + Math.abs(hx[i])));
    }
  }

  @Test
  void twoLayerNetHvpEqualsDifferencesOfItsGradient() {
    TwoLayerData t = TwoLayerData.spiral();
    var h = TwoLayerNetGrad.lossHvp(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg(),
        t.W1(), t.b1(), t.W2(), t.b2());
    var plus = TwoLayerNetGrad.loss(shift(t.W1(), 1), shift(t.b1(), 1), shift(t.W2(), 1),
        shift(t.b2(), 1), t.X(), t.y(), t.reg());
    var minus = TwoLayerNetGrad.loss(shift(t.W1(), -1), shift(t.b1(), -1), shift(t.W2(), -1),
        shift(t.b2(), -1), t.X(), t.y(), t.reg());
    assertDifference(h.hW1(), plus.dW1(), minus.dW1());
    assertDifference(h.hb1(), plus.db1(), minus.db1());
    assertDifference(h.hW2(), plus.dW2(), minus.dW2());
    assertDifference(h.hb2(), plus.db2(), minus.db2());
  }

  /** The network written with a layer is the same function: same gradient, same H·v. */
  @Test
  void tanhNetLayeredEqualsItsLoopForm() {
    TanhNetBenchmark n = new TanhNetBenchmark();
    n.setup();
    var loops = TanhNetGrad.lossHvp(n.W1, n.b1, n.w2, n.b2, n.X, n.t, n.W1, n.b1, n.w2, n.b2);
    var layers = TanhNetGrad.layeredHvp(n.W1, n.b1, n.w2, n.b2, n.X, n.t, n.W1, n.b1, n.w2,
        n.b2);
    assertEquals(loops.value(), layers.value(), 1e-14);
    Compare.assertClose("gradient", Compare.flatten(loops.dW1(), loops.db1(), loops.dw2()),
        Compare.flatten(layers.dW1(), layers.db1(), layers.dw2()), 1e-12);
    Compare.assertClose("H·v", Compare.flatten(loops.hW1(), loops.hb1(), loops.hw2()),
        Compare.flatten(layers.hW1(), layers.hb1(), layers.hw2()), 1e-12);
    assertEquals(loops.hb2(), layers.hb2(), 1e-12 * (1 + Math.abs(loops.hb2())));
  }

  @Test
  void tanhNetHvpEqualsDifferencesOfItsGradient() {
    TanhNetBenchmark n = new TanhNetBenchmark();
    n.setup();
    var h = TanhNetGrad.lossHvp(n.W1, n.b1, n.w2, n.b2, n.X, n.t, n.W1, n.b1, n.w2, n.b2);
    var plus = TanhNetGrad.loss(shift(n.W1, 1), shift(n.b1, 1), shift(n.w2, 1),
        n.b2 * (1 + STEP), n.X, n.t);
    var minus = TanhNetGrad.loss(shift(n.W1, -1), shift(n.b1, -1), shift(n.w2, -1),
        n.b2 * (1 - STEP), n.X, n.t);
    assertDifference(h.hW1(), plus.dW1(), minus.dW1());
    assertDifference(h.hb1(), plus.db1(), minus.db1());
    assertDifference(h.hw2(), plus.dw2(), minus.dw2());
    assertDifference(new double[] {h.hb2()}, new double[] {plus.db2()},
        new double[] {minus.db2()});
  }

  /** {@code x + sign STEP x}: a step along the direction x itself. */
  private static double[] shift(double[] x, int sign) {
    double[] y = x.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] += sign * STEP * x[i];
    }
    return y;
  }

  private static double[][] shift(double[][] m, int sign) {
    double[][] y = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      y[i] = shift(m[i], sign);
    }
    return y;
  }

  private static void assertDifference(double[] hv, double[] plus, double[] minus) {
    for (int i = 0; i < hv.length; i++) {
      double difference = (plus[i] - minus[i]) / (2 * STEP);
      assertEquals(difference, hv[i], 1e-5 * (1 + Math.abs(difference)), "entry " + i);
    }
  }

  private static void assertDifference(double[][] hv, double[][] plus, double[][] minus) {
    for (int i = 0; i < hv.length; i++) {
      assertDifference(hv[i], plus[i], minus[i]);
    }
  }
}
