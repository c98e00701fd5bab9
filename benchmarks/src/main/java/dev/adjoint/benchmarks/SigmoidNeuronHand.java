package dev.adjoint.benchmarks;

/** The sigmoid neuron's gradient written by hand (cs231n: the sigmoid gate's {@code (1 - f) f}). */
public final class SigmoidNeuronHand {
  private SigmoidNeuronHand() {}

  /**
   * Same contract as the generated {@code SigmoidNeuronGrad.neuronPullback}: returns f and adds
   * {@code seed * df/d(w0, x0, w1, x1, w2)} into {@code dScalars[0..4]}.
   */
  public static double neuronPullback(double w0, double x0, double w1, double x1, double w2,
      double seed, double[] dScalars) {
    double f = 1.0 / (1.0 + Math.exp(-(w0 * x0 + w1 * x1 + w2)));
    double ddot = (1 - f) * f * seed;
    dScalars[0] += x0 * ddot;
    dScalars[1] += w0 * ddot;
    dScalars[2] += x1 * ddot;
    dScalars[3] += w1 * ddot;
    dScalars[4] += ddot;
    return f;
  }
}
