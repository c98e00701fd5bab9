package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Registers the pullback of a method the processor should not (or cannot) differentiate from its
 * body, as Swift's {@code @derivative(of:)} or JAX's {@code custom_vjp}: when
 * {@code @Differentiable} code calls {@code f}, its backward sweep calls this method instead.
 *
 * <p>Put it on a static method of the same class as {@code f}, with exactly the signature of the
 * pullback Adjoint would generate for {@code f}: {@code f}'s parameters, then {@code double seed},
 * then one buffer per {@code double[]} or {@code double[][]} parameter of {@code f} (same type,
 * in order), then {@code double[] dScalars} if {@code f} has {@code double} parameters; it returns
 * {@code f}'s value and adds {@code seed} times each partial derivative into the buffers
 * ({@code +=}). Every {@code double}, {@code double[]} and {@code double[][]} parameter counts as
 * differentiated. For an {@code f} returning {@code double[]} or {@code double[][]} the seed has
 * that type (a vector-Jacobian product: add {@code Σ_k seed[k] * ∂f[k]/∂x} into each buffer), and
 * the pullback may return {@code void}: the backward sweeps that call it have computed {@code f}'s
 * value already, so a pullback that does not need the value need not compute it (see
 * {@link Vectors#reluPullback}). The processor checks the signature and reports a mismatch here.
 *
 * <pre>{@code
 * static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }
 *
 * @CustomGradient("sigmoid")
 * static double sigmoidPullback(double x, double seed, double[] dScalars) {
 *   double s = sigmoid(x);
 *   dScalars[0] += seed * s * (1 - s);   // cs231n's sigmoid gate
 *   return s;
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface CustomGradient {

  /** The name of the method, in the same class, whose pullback this is. */
  String value();
}
