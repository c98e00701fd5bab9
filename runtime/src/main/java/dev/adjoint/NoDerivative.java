package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks data that a {@code @Differentiable} method reads but is not differentiated with respect
 * to: a parameter (a data set {@code double[][] X}, targets {@code double[] y}, a
 * regularisation weight) or a component of a record parameter (a fixed temperature in a model).
 * Its values are constants to the derivatives: the gradient has no component for it and the
 * pullback no buffer.
 *
 * <p>The other parameters stay differentiated, so a loss over a model and its data reads
 * {@code double loss(Mlp model, @NoDerivative double[][] X, int[] labels)} without listing the
 * model's parameters in {@code wrt}. (Swift's {@code @noDerivative} and JAX's
 * {@code nondiff_argnums} do the same.) An {@link Optimizer} steps no component marked so: in the
 * gradient record it is {@code null} (an array) or {@code 0.0}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
public @interface NoDerivative {}
