package dev.adjoint.processor.plan;

import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Param;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The calling convention of a pullback, the one place that says it: the method's own
 * parameters, {@code double seed}, then one buffer per differentiated {@code double[]} or
 * {@code double[][]} parameter (same type, in parameter order), then one {@code double[]} for the
 * differentiated {@code double} parameters (their adjoints at indices 0, 1, ... in parameter
 * order), if any; it returns the value. The generated pullbacks, the public API that delegates to
 * them, the calls of a callee's pullback and the check of a {@code @CustomGradient} all read
 * it. Names are chosen in the scope of the method that declares the parameters.
 *
 * @param name the pullback's name, {@code <method>Pullback}
 * @param params the method's parameters
 * @param seed the seed parameter's name
 * @param arrayBuffers per differentiated array parameter, its buffer's name
 * @param scalarBuffer the scalar buffer's name, or null when no {@code double} is differentiated
 */
public record DerivativeSignature(String name, List<Param> params, String seed,
    Map<Param, String> arrayBuffers, String scalarBuffer) {

  /** The pullback of {@code method}, its names taken from {@code scope}. */
  public static DerivativeSignature pullback(String method, List<Param> params, NameScope scope) {
    String seed = scope.fresh("seed");
    Map<Param, String> arrays = new LinkedHashMap<>();
    for (Param p : params) {
      if (p.differentiable() && p.var().type().isArray()) {
        arrays.put(p, scope.fresh("d" + p.var().name()));
      }
    }
    boolean scalars = params.stream()
        .anyMatch(p -> p.differentiable() && !p.var().type().isArray());
    return new DerivativeSignature(method + "Pullback", List.copyOf(params), seed, arrays,
        scalars ? scope.fresh("dScalars") : null);
  }

  /** The differentiated {@code double} parameters, in the order of the scalar buffer. */
  public List<Param> scalars() {
    return params.stream().filter(p -> p.differentiable() && !p.var().type().isArray()).toList();
  }

  /** The buffers' names in parameter order: the arrays', then the scalar buffer. */
  public List<String> buffers() {
    List<String> all = new ArrayList<>(arrayBuffers.values());
    if (scalarBuffer != null) {
      all.add(scalarBuffer);
    }
    return all;
  }
}
