package dev.adjoint.benchmarks;

import org.hipparchus.analysis.differentiation.Gradient;

/** The sigmoid neuron in Hipparchus forward mode: one {@link Gradient} of 5 partials per value. */
public final class SigmoidNeuronForward {
  private SigmoidNeuronForward() {}

  /** Value and the 5 partial derivatives, in the order w0, x0, w1, x1, w2. */
  public static Gradient neuron(double w0, double x0, double w1, double x1, double w2) {
    Gradient gw0 = Gradient.variable(5, 0, w0);
    Gradient gx0 = Gradient.variable(5, 1, x0);
    Gradient gw1 = Gradient.variable(5, 2, w1);
    Gradient gx1 = Gradient.variable(5, 3, x1);
    Gradient gw2 = Gradient.variable(5, 4, w2);
    Gradient dot = gw0.multiply(gx0).add(gw1.multiply(gx1)).add(gw2);
    return dot.negate().exp().add(1.0).reciprocal();
  }
}
