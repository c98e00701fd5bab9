package dev.adjoint.processor.plan;

import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The calling convention of a method's second-order derivative {@code <m>Hvp}, the tangent of
 * its pullback: the pullback's parameters (the method's own, {@code seed}, its buffers), then a
 * tangent for each of them that carries a derivative, in order: a direction per differentiated
 * parameter ({@code vx} for {@code x}, same type), the seed's tangent (of the seed's type: an
 * array for a method returning one), an H·v buffer per array
 * buffer ({@code hx} for {@code dx}), and one {@code double[]} for the {@code double}
 * parameters' if any. It returns the value, adds {@code seed ∇f} into the buffers as the
 * pullback does and {@code seedTangent ∇f + seed H v} into the H·v buffers.
 *
 * @param pullback the pullback's convention, whose parameters come first
 * @param name {@code <method>Hvp}
 * @param directions per differentiated parameter, its direction's name
 * @param seedTangent the seed's tangent
 * @param buffers per differentiated array parameter, its H·v buffer's name
 * @param scalarBuffer the H·v buffer of the differentiated {@code double}s, or null
 */
public record HvpSignature(DerivativeSignature pullback, String name,
    Map<Param, String> directions, String seedTangent, Map<Param, String> buffers,
    String scalarBuffer) {

  /**
   * The HVP of {@code method}, which returns {@code result}, its names (and its pullback's) taken
   * from {@code scope}.
   */
  public static HvpSignature of(String method, List<Param> params, Type result, NameScope scope) {
    return of(method, DerivativeSignature.pullback(method, params, result, scope), scope);
  }

  /** The HVP of {@code method} whose pullback is {@code pullback}, new names from {@code scope}. */
  public static HvpSignature of(String method, DerivativeSignature pullback, NameScope scope) {
    Map<Param, String> directions = new LinkedHashMap<>();
    Map<Param, String> buffers = new LinkedHashMap<>();
    for (Param p : pullback.params()) {
      if (p.differentiable()) {
        directions.put(p, scope.fresh("v" + p.var().name()));
      }
    }
    String seedTangent = scope.fresh("seedTangent");
    pullback.derivatives().keySet().forEach(p -> buffers.put(p, scope.fresh("h" + p.var().name())));
    String scalars = pullback.scalarBuffer() == null ? null : scope.fresh("hScalars");
    return new HvpSignature(pullback, method + "Hvp", directions, seedTangent, buffers, scalars);
  }

  /**
   * The seed's tangent's type, the seed's: {@code double}, or for a method returning an array
   * an array of its shape (the tangent of the adjoint a caller hands it).
   */
  public Type seedType() {
    return pullback.result();
  }

  /** The names of the parameters after the pullback's, in order. */
  public List<String> tangentNames() {
    List<String> all = new ArrayList<>(directions.values());
    all.add(seedTangent);
    all.addAll(buffers.values());
    if (scalarBuffer != null) {
      all.add(scalarBuffer);
    }
    return all;
  }
}
