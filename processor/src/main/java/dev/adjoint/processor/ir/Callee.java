package dev.adjoint.processor.ir;

import java.util.List;

/**
 * A called method: how generated code names it ({@code Layers.relu}), its pullback if it has one
 * (generated for a {@code @Differentiable} method, or registered with {@code @CustomGradient}),
 * and which parameters that pullback differentiates.
 *
 * @param code the qualified call, e.g. {@code Layers.dense}
 * @param display the name in messages
 * @param pullback the qualified pullback, or null if the method has none
 * @param parameters the types of the parameters
 * @param differentiated per parameter, whether the pullback gives its derivative
 * @param stopsGradient an identity whose derivative is zero ({@code Gates.stopGradient})
 */
public record Callee(String code, String display, String pullback, List<Type> parameters,
    List<Boolean> differentiated, boolean stopsGradient) {
  public Callee {
    parameters = List.copyOf(parameters);
    differentiated = List.copyOf(differentiated);
  }

  public boolean hasPullback() {
    return pullback != null;
  }
}
