package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Registers the second derivative of a method that has a {@link CustomGradient}, so that
 * {@code @Differentiable(order = 2)} code can call it: its Hessian-vector product, the tangent
 * of its pullback (as Tapenade's tangent-on-adjoint; JAX's {@code custom_jvp} of a
 * {@code custom_vjp}).
 *
 * <p>Put it on a static method of the same class as {@code f}, with exactly the signature of the
 * HVP Adjoint would generate for {@code f}: the pullback's parameters ({@code f}'s, {@code double
 * seed}, the buffers), then a direction per {@code double}, {@code double[]} or {@code double[][]}
 * parameter of {@code f} (same type, in order), {@code double seedTangent}, one H·v buffer per
 * array parameter, and a {@code double[] hScalars} if {@code f} has {@code double} parameters. It
 * returns {@code f}'s value, adds {@code seed} times the gradient into the buffers as the pullback
 * does, and {@code seedTangent} times the gradient plus {@code seed} times H·v into the H·v
 * buffers. The processor checks the signature and reports a mismatch here.
 *
 * <pre>{@code
 * @CustomHvp("logSumExp")   // H v = p ⊙ v - p (p · v), p = softmax(x)
 * static double logSumExpHvp(double[] x, double seed, double[] dx, double[] vx,
 *     double seedTangent, double[] hx) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface CustomHvp {

  /** The name of the method, in the same class, whose HVP this is. */
  String value();
}
