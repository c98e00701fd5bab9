package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.hipparchus.analysis.differentiation.Gradient;
import org.junit.jupiter.api.Test;

class SigmoidNeuronTest {
  // cs231n lecture 4: w = (2, -3, -3), x = (-1, -2)
  private static final double W0 = 2;
  private static final double X0 = -1;
  private static final double W1 = -3;
  private static final double X1 = -2;
  private static final double W2 = -3;

  @Test
  void generatedMatchesTheLecture() {
    var g = SigmoidNeuronGrad.neuron(W0, X0, W1, X1, W2);
    assertEquals(0.73, g.value(), 0.005);
    assertEquals(-0.20, g.dw0(), 0.005);
    assertEquals(0.39, g.dx0(), 0.005);
    assertEquals(-0.39, g.dw1(), 0.005);
    assertEquals(-0.59, g.dx1(), 0.005);
    assertEquals(0.20, g.dw2(), 0.005);
  }

  @Test
  void handHipparchusAndFiniteDifferencesEqualGenerated() {
    var g = SigmoidNeuronGrad.neuron(W0, X0, W1, X1, W2);
    double[] generated = {g.dw0(), g.dx0(), g.dw1(), g.dx1(), g.dw2()};

    double[] hand = new double[5];
    double value = SigmoidNeuronHand.neuronPullback(W0, X0, W1, X1, W2, 1.0, hand);
    assertEquals(g.value(), value, 0.0);
    assertClose("hand", generated, hand, 1e-15);

    double[] pullback = new double[5];
    assertEquals(g.value(), SigmoidNeuronGrad.neuronPullback(W0, X0, W1, X1, W2, 1.0, pullback));
    assertClose("pullback", generated, pullback, 0);

    Gradient forward = SigmoidNeuronForward.neuron(W0, X0, W1, X1, W2);
    assertClose("Hipparchus value", g.value(), forward.getValue(), 1e-15);
    assertClose("Hipparchus", generated, forward.getGradient(), 1e-15);

    double[][] inputs = {{W0, X0, W1, X1, W2}};
    double[] in = inputs[0];
    double[][] fd = FiniteDifferences.zerosLike(inputs);
    FiniteDifferences.gradient(
        () -> SigmoidNeuron.neuron(in[0], in[1], in[2], in[3], in[4]), inputs, fd);
    assertClose("finite differences", generated, fd[0], 1e-9);
  }
}
