package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;

/** CS231n lecture 4's sigmoid neuron: {@code f(w, x) = 1 / (1 + e^-(w0 x0 + w1 x1 + w2))}. */
public final class SigmoidNeuron {
  private SigmoidNeuron() {}

  /** The neuron, differentiated in all five inputs. */
  @Differentiable
  public static double neuron(double w0, double x0, double w1, double x1, double w2) {
    double dot = w0 * x0 + w1 * x1 + w2;
    return 1.0 / (1.0 + Math.exp(-dot));
  }
}
