package dev.adjoint.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.benchmarks.AdBench.GmmInstance;
import dev.adjoint.benchmarks.AdBench.LstmInstance;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' JVPs, along the directions the benchmarks use (each input itself), equal the
 * generated gradient dotted with that direction, and their values the primal's.
 */
class JvpTest {
  private final double[] tangentOut = new double[1];

  @Test
  void neuron() {
    double[] p = {2, -1, -3, -2, -3};
    var g = SigmoidNeuronGrad.neuron(p[0], p[1], p[2], p[3], p[4]);
    double value = SigmoidNeuronGrad.neuronJvp(p[0], p[1], p[2], p[3], p[4], p[0], p[1], p[2],
        p[3], p[4], tangentOut);
    assertEquals(g.value(), value, 0.0);
    double expected = g.dw0() * p[0] + g.dx0() * p[1] + g.dw1() * p[2] + g.dx1() * p[3]
        + g.dw2() * p[4];
    assertDot(expected, tangentOut[0]);
  }

  @Test
  void twoLayerNetOnTheSpiral() {
    TwoLayerData t = TwoLayerData.spiral();
    var g = TwoLayerNetGrad.loss(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg());
    double value = TwoLayerNetGrad.lossJvp(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(),
        t.reg(), t.W1(), t.b1(), t.W2(), t.b2(), tangentOut);
    assertEquals(g.value(), value, 0.0);
    assertDot(dot(g.dW1(), t.W1()) + dot(g.db1(), t.b1()) + dot(g.dW2(), t.W2())
        + dot(g.db2(), t.b2()), tangentOut[0]);
  }

  @Test
  void gmm() {
    GmmInstance i = AdBench.readGmm(GmmBenchmark.FILE);
    var g = GmmGrad.objective(i.alphas(), i.means(), i.icf(), i.x(), i.gamma(), i.m());
    double value = GmmGrad.objectiveJvp(i.alphas(), i.means(), i.icf(), i.x(), i.gamma(), i.m(),
        i.alphas(), i.means(), i.icf(), tangentOut);
    assertEquals(g.value(), value, 0.0);
    assertDot(dot(g.dalphas(), i.alphas()) + dot(g.dmeans(), i.means())
        + dot(g.dicf(), i.icf()), tangentOut[0]);
  }

  @Test
  void lstm() {
    LstmInstance s = AdBench.readLstm(LstmBenchmark.FILE);
    var g = LstmGrad.objective(s.l(), s.c(), s.b(), s.mainParams(), s.extraParams(), s.state(),
        s.sequence());
    double value = LstmGrad.objectiveJvp(s.l(), s.c(), s.b(), s.mainParams(), s.extraParams(),
        s.state(), s.sequence(), s.mainParams(), s.extraParams(), tangentOut);
    assertEquals(g.value(), value, 0.0);
    assertDot(dot(g.dmainParams(), s.mainParams()) + dot(g.dextraParams(), s.extraParams()),
        tangentOut[0]);
  }

  @Test
  void rosenbrock() {
    double[] x = RosenbrockBenchmark.start(RosenbrockBenchmark.N);
    var g = RosenbrockGrad.extended(x);
    double value = RosenbrockGrad.extendedJvp(x, x, tangentOut);
    assertEquals(g.value(), value, 0.0);
    assertDot(dot(g.dx(), x), tangentOut[0]);
  }

  private static void assertDot(double expected, double actual) {
    assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)));
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double dot(double[][] a, double[][] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += dot(a[i], b[i]);
    }
    return s;
  }
}
