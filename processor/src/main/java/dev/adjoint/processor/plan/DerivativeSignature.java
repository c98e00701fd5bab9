package dev.adjoint.processor.plan;

import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The calling convention of one derivative of a method, the one place that says it, with the
 * names chosen in the scope of the method that declares the parameters. The generated
 * derivatives, the public API that delegates to them, the calls of a callee's derivatives and
 * the check of a {@code @CustomGradient} all read it.
 *
 * <ul>
 *   <li>{@link Mode#PULLBACK} {@code <m>Pullback}: the method's own parameters,
 *       {@code double seed}, one buffer per differentiated {@code double[]} or
 *       {@code double[][]} parameter (same type, in parameter order), then one {@code double[]}
 *       for the differentiated {@code double} parameters (their adjoints at indices 0, 1, ... in
 *       parameter order), if any; returns the value and adds {@code seed} times the gradient.
 *   <li>{@link Mode#JVP} {@code <m>Jvp}: the method's own parameters, then one tangent per
 *       differentiated parameter (same type, in parameter order), then {@code double[]
 *       tangentOut}; returns the value and writes the directional derivative into
 *       {@code tangentOut[0]}.
 * </ul>
 *
 * @param name the derivative's name, {@code <method>Pullback} or {@code <method>Jvp}
 * @param params the method's parameters
 * @param seed the seed parameter's name (pullback), or null
 * @param derivatives per differentiated parameter with one, its derivative parameter's name: an
 *     array's buffer (pullback), every differentiated parameter's tangent (JVP)
 * @param last the name of the last parameter: the scalar buffer (pullback, null when no
 *     {@code double} is differentiated), {@code tangentOut} (JVP)
 * @param result what the method returns, {@code double} or {@code double[]}: the type of the
 *     seed and of the value; {@code tangentOut} is an array of it
 */
public record DerivativeSignature(Mode mode, String name, List<Param> params, String seed,
    Map<Param, String> derivatives, String last, Type result) {

  /** The kinds of derivative. */
  public enum Mode {
    PULLBACK,
    JVP
  }

  /** The pullback of {@code method}, its names taken from {@code scope}. */
  public static DerivativeSignature pullback(String method, List<Param> params, Type result,
      NameScope scope) {
    String seed = scope.fresh("seed");
    Map<Param, String> arrays = new LinkedHashMap<>();
    for (Param p : params) {
      if (p.differentiable() && p.var().type().isArray()) {
        arrays.put(p, scope.fresh("d" + p.var().name()));
      }
    }
    boolean scalars = params.stream()
        .anyMatch(p -> p.differentiable() && !p.var().type().isArray());
    return new DerivativeSignature(Mode.PULLBACK, method + "Pullback", List.copyOf(params), seed,
        arrays, scalars ? scope.fresh("dScalars") : null, result);
  }

  /** The JVP of {@code method}, its names taken from {@code scope}. */
  public static DerivativeSignature jvp(String method, List<Param> params, Type result,
      NameScope scope) {
    Map<Param, String> tangents = new LinkedHashMap<>();
    for (Param p : params) {
      if (p.differentiable()) {
        tangents.put(p, scope.fresh("d" + p.var().name()));
      }
    }
    return new DerivativeSignature(Mode.JVP, method + "Jvp", List.copyOf(params), null, tangents,
        scope.fresh("tangentOut"), result);
  }

  /** The type of {@code tangentOut}: an array of the result's type. */
  public Type tangentOutType() {
    return result.arrayOf();
  }

  /** The pullback's scalar buffer, or null. */
  public String scalarBuffer() {
    return mode == Mode.PULLBACK ? last : null;
  }

  /**
   * True if the method's backward pass alone ({@code <m>Backward}) returns the adjoint of its
   * one differentiated {@code double} parameter instead of adding it into a scalar buffer: a
   * method returning {@code double} with exactly one. Its callers then need no buffer.
   */
  public boolean backwardReturnsAdjoint() {
    return mode == Mode.PULLBACK && result == Type.DOUBLE && scalars().size() == 1;
  }

  /**
   * The convention of the backward pass alone, named {@code name}: the pullback's, without the
   * scalar buffer when it returns the adjoint instead.
   */
  public DerivativeSignature backward(String name) {
    return new DerivativeSignature(mode, name, params, seed, derivatives,
        backwardReturnsAdjoint() ? null : last, result);
  }

  /** The differentiated {@code double} parameters, in the order of the scalar buffer. */
  public List<Param> scalars() {
    return params.stream().filter(p -> p.differentiable() && !p.var().type().isArray()).toList();
  }

  /** The names of the parameters after the method's own and the seed, in order. */
  public List<String> derivativeNames() {
    List<String> all = new ArrayList<>(derivatives.values());
    if (last != null) {
      all.add(last);
    }
    return all;
  }
}
