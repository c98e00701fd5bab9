package dev.adjoint.processor.ir;

import dev.adjoint.processor.plan.DerivativeSignature;
import java.util.List;

/**
 * A called method: how generated code names it ({@code Layers.relu}), its pullback if it has one
 * (generated for a {@code @Differentiable} method, or registered with {@code @CustomGradient})
 * with that pullback's calling convention, and the types of its parameters.
 *
 * @param code the qualified call, e.g. {@code Layers.dense}
 * @param display the name in messages
 * @param pullback the qualified pullback, or null if the method has none
 * @param backward what a backward sweep calls: the pullback, or for a {@code @Differentiable}
 *     method returning an array its backward pass alone (the pullback's convention, no value)
 * @param jvp the qualified JVP (generated for a {@code @Differentiable} method), or null
 * @param hvp the qualified HVP, the tangent of the pullback (generated for a method with
 *     {@code @Differentiable(order = 2)}), or null
 * @param signature the pullback's calling convention (which parameters it differentiates), or
 *     null if the method has none
 * @param parameters the types of the parameters
 * @param stopsGradient an identity whose derivative is zero ({@code Gates.stopGradient})
 * @param readsOnly never writes the arrays passed to it: a {@code @Differentiable} method (the
 *     processor refuses writes into parameters) or one of the runtime's gates
 * @param generated its derivatives are generated ({@code @Differentiable}), so that it has every
 *     derivative {@link dev.adjoint.processor.plan.DerivativeSignature} promises
 * @param runtime one of the runtime's own methods ({@code dev.adjoint.Gates}, {@code Vectors})
 *     or their derivatives, or a JDK method without derivatives ({@code Double.isNaN}), which
 *     never use this thread's tapes: a sweep keeping a tape in locals calls them without handing
 *     its top back first
 * @param into the qualified method that writes the value into an array it is given when that
 *     array has the result's length ({@code Vectors.reluInto(z, reuse)}, generated
 *     {@code <Owner>Grad.<name>Into} for a {@code @Differentiable} method returning
 *     {@code double[]}), or null
 */
public record Callee(String code, String display, String pullback, String backward, String jvp,
    String hvp,
    DerivativeSignature signature, List<Type> parameters, boolean stopsGradient,
    boolean readsOnly, boolean generated, boolean runtime, String into) {
  public Callee {
    parameters = List.copyOf(parameters);
  }

  /**
   * One of the runtime's own methods without derivatives, which generated code calls for a
   * constant ({@code Shapes.rangeLength}): it reads its arrays only and never uses the tapes.
   */
  public static Callee runtimeHelper(String code, String display, List<Type> parameters) {
    return new Callee(code, display, null, null, null, null, null, parameters, false, true,
        false, true, null);
  }

  public boolean hasPullback() {
    return pullback != null;
  }

  public boolean hasHvp() {
    return hvp != null;
  }

  public boolean hasJvp() {
    return jvp != null;
  }

  /** The callee's JVP as a method to call (its arguments, tangents and tangent buffer). */
  public Callee jvpCallee() {
    return new Callee(jvp, display, null, null, null, null, null, List.of(), false, false,
        false, runtime, null);
  }

  /** The callee's pullback as a method to call (its arguments, the seed and the buffers). */
  public Callee pullbackCallee() {
    return new Callee(pullback, display, null, null, null, null, null, List.of(), false,
        false, false, runtime, null);
  }

  /**
   * The method writing the value into a given array as a method to call (the call's arguments,
   * then that array): it writes nothing else.
   */
  public Callee intoCallee() {
    return new Callee(into, display, null, null, null, null, null, List.of(), false, true,
        false, runtime, null);
  }

  /** True if the pullback gives the derivative with respect to parameter {@code i}. */
  public boolean differentiates(int i) {
    return signature != null && signature.params().get(i).differentiable();
  }
}
