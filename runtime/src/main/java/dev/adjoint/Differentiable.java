package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method whose reverse-mode derivative Adjoint generates at compile time.
 *
 * <p>For a method {@code m} in class {@code C}, the annotation processor writes
 * {@code CGrad.m(same parameters)}, returning a record {@code (value, d<param>...)}, and
 * {@code CGrad.mPullback(same parameters, double seed, adjoint buffers)}, which adds
 * {@code seed * df/dp} into caller-owned buffers and returns the value.
 *
 * <p>Differentiable parameters are every {@code double}, {@code double[]} and {@code double[][]}
 * parameter and every record of those (its gradient a record of the same type), except those
 * marked {@link NoDerivative}; or exactly those named in {@link #wrt()}. Parameters of other
 * types ({@code int}, {@code long}, {@code boolean}, ...) are constants. A method may return
 * {@code double}, {@code double[]} or {@code double[][]}; for an array result the pullback takes
 * a seed of its type, {@code CGrad.mJacobian} gives the Jacobian, and
 * {@code CGrad.mBackward(same arguments as the pullback)} adds what the pullback adds without
 * computing the value (what generated callers' backward sweeps call). A method returning
 * {@code double} with exactly one differentiated {@code double} parameter also gets
 * {@code CGrad.mBackward(arguments, seed, array buffers...)}, which returns that parameter's
 * adjoint instead of adding it into a buffer.
 *
 * <p>Every method also gets forward mode, {@code CGrad.mJvp(same parameters, tangents...)}. With
 * {@code order = 2} it gets second derivatives too: {@code CGrad.mHvp(same parameters,
 * directions...)} (gradient and Hessian-vector product, forward over reverse) and
 * {@code CGrad.mHessian(same parameters)}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Differentiable {

  /**
   * Names of the parameters to differentiate with respect to ({@code "this"} for the record an
   * instance method belongs to); empty means every {@code double}-carrying parameter not marked
   * {@link NoDerivative}. A name that is not a parameter is a compile error.
   */
  String[] wrt() default {};

  /**
   * The highest order of derivatives to generate: 1 (gradient, pullback, JVP) or 2 (also
   * Hessian-vector products and Hessians). Every {@code @Differentiable} method an order-2 method
   * calls with a differentiated value must be order 2 too.
   */
  int order() default 1;
}
