package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Registers the forward-mode derivative of a method that has a {@link CustomGradient}, as JAX's
 * {@code custom_jvp}: when the JVP of {@code @Differentiable} code calls {@code f}, it calls this
 * method. Without one, a method returning {@code double} gets its JVP from its pullback (exact);
 * a method returning {@code double[]} needs one.
 *
 * <p>Put it on a static method of the same class as {@code f}, with exactly the signature of the
 * JVP Adjoint would generate for {@code f}: {@code f}'s parameters, then a tangent per
 * {@code double}, {@code double[]} or {@code double[][]} parameter (same type, in order), then
 * {@code tangentOut}, a {@code double[]} for a {@code double} result or a {@code double[][]} for
 * a vector; it returns {@code f}'s value and stores the directional derivative in
 * {@code tangentOut[0]} (for a vector, a new array). The processor checks the signature and
 * reports a mismatch here.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface CustomJvp {

  /** The name of the method, in the same class, whose JVP this is. */
  String value();
}
