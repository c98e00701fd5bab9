package dev.adjoint.samples;

import dev.adjoint.Differentiable;

/**
 * The worked examples of Stanford CS231n, lecture 4 ("Backpropagation, intuitions"), written as
 * plain Java and differentiated at compile time by Adjoint.
 *
 * <p>The build generates {@link Lecture4Grad}: for each method {@code m} below,
 * {@code Lecture4Grad.m(...)} returns the value and every partial derivative, and
 * {@code Lecture4Grad.mPullback(..., seed, dScalars)} adds {@code seed * df/dp} into
 * {@code dScalars}. The numbers quoted in each method's documentation are the ones published in
 * the lecture and its notes; {@code Lecture4Test} checks the generated gradients against them.
 *
 * <p>The sigmoid {@code 1 / (1 + e^-z)} is written out as the lecture draws it, gate by gate;
 * {@link Vectorized#neuron} is the same neuron written with {@link dev.adjoint.Gates#sigmoid}.
 */
public final class Lecture4 {

  private Lecture4() {}

  /**
   * The first circuit of the lecture, {@code f(x, y, z) = (x + y) * z}.
   *
   * <p>Published: at {@code (x, y, z) = (-2, 5, -4)} the value is {@code -12} and the gradient
   * is {@code (df/dx, df/dy, df/dz) = (-4, -4, 3)}.
   *
   * @param x first addend
   * @param y second addend
   * @param z factor
   * @return {@code (x + y) * z}
   */
  @Differentiable
  public static double circuit(double x, double y, double z) {
    double q = x + y;
    return q * z;
  }

  /**
   * A two-input sigmoid neuron, {@code f(w, x) = sigmoid(w0 * x0 + w1 * x1 + w2)}.
   *
   * <p>Published: at {@code w = (2, -3, -3)}, {@code x = (-1, -2)} the value is {@code 0.73106},
   * {@code dw = (-0.19661, -0.39322, 0.19661)} and {@code dx = (0.39322, -0.58984)}.
   *
   * @param w0 weight of {@code x0}
   * @param w1 weight of {@code x1}
   * @param w2 bias
   * @param x0 first input
   * @param x1 second input
   * @return the neuron's activation, in (0, 1)
   */
  @Differentiable
  public static double neuron(double w0, double w1, double w2, double x0, double x1) {
    double dot = w0 * x0 + w1 * x1 + w2;
    return 1.0 / (1.0 + Math.exp(-dot));
  }

  /**
   * The circuit with a max gate, {@code f(x, y, z, w) = 2 * (x * y + max(z, w))}: the add gate
   * distributes the gradient, the max gate routes it to the larger input, the multiply gate
   * swaps its inputs.
   *
   * <p>Published: at {@code (x, y, z, w) = (3, -4, 2, -1)} the value is {@code -20} and the
   * gradient is {@code (-8, 6, 2, 0)}.
   *
   * @param x first factor
   * @param y second factor
   * @param z first max input
   * @param w second max input
   * @return {@code 2 * (x * y + max(z, w))}
   */
  @Differentiable
  public static double maxCircuit(double x, double y, double z, double w) {
    return 2.0 * (x * y + Math.max(z, w));
  }

  /**
   * The "staged computation" of the lecture notes,
   * {@code f(x, y) = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)}, written with the notes'
   * intermediate variables. The notes evaluate it at {@code (x, y) = (3, -4)} but publish no
   * gradient; {@code Lecture4Test} checks it against a hand-derived formula and centered
   * differences.
   *
   * @param x first input
   * @param y second input
   * @return {@code (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)}
   */
  @Differentiable
  public static double staged(double x, double y) {
    double sigy = 1.0 / (1.0 + Math.exp(-y)); // sigmoid in numerator
    double num = x + sigy; // numerator
    double sigx = 1.0 / (1.0 + Math.exp(-x)); // sigmoid in denominator
    double xpy = x + y;
    double xpysqr = xpy * xpy;
    double den = sigx + xpysqr; // denominator
    double invden = 1.0 / den;
    double f = num * invden;
    return f;
  }
}
