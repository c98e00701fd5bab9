package dev.adjoint.processor.forward;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.plan.HvpSignature;
import dev.adjoint.processor.reverse.DeadCode;
import dev.adjoint.processor.reverse.GivenValues;
import dev.adjoint.processor.reverse.Pullback;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The second-order twin of {@link GivenValues}: a call of a layer's HVP where the caller holds
 * the value and the tangent the layer's JVP gave it (the JVP call in the same block, its tangent
 * read from the JVP's buffer right after, nothing writing either or the call's arguments since)
 * calls a variant given both, {@code <layer>HvpFrom(arguments, value, seed, buffers, directions,
 * valueTangent, seedTangent, H·v buffers)}. The variant is the tangent of the layer's backward
 * pass given its value ({@link GivenValues#given}), its dead statements taken out: a tanh
 * layer's HVP reads the activations and their tangents instead of computing every {@code tanh}
 * again and allocating both arrays a second time, as a person writing it by hand does.
 */
public final class GivenTangents {
  /**
   * A layer's HVP given its value: {@code hvp} (the layer's signature, the body to print) takes
   * {@code value} after the layer's parameters and {@code valueTangent} after the directions.
   */
  public record Variant(String name, Hvp hvp, Var value, Var valueTangent) {}

  /** The variants a caller may call, by the qualified name of the HVP they replace. */
  private final Map<String, Variant> byHvp;
  private final Map<String, Variant> byVariant = new HashMap<>();
  /** The qualified JVP of each variant's layer, by the HVP's qualified name. */
  private final Map<String, String> jvpOf;
  private final Set<String> called = new LinkedHashSet<>();

  /**
   * @param byHvp the variants, by the qualified name of the layer's HVP
   * @param jvpOf the qualified name of each layer's JVP, by that of its HVP
   */
  public GivenTangents(Map<String, Variant> byHvp, Map<String, String> jvpOf) {
    this.byHvp = byHvp;
    this.jvpOf = jvpOf;
    byHvp.values().forEach(v -> byVariant.put(v.name(), v));
  }

  /**
   * The variant of {@code layer}'s HVP (unprinted: the tangent of its unprinted pullback) given
   * its value, or null when the value is of no use to it (its backward pass does not read the
   * value, or cannot be bound to it: {@link GivenValues#given}).
   */
  public static Variant variant(Hvp layer) {
    Pullback pullback = layer.pullback();
    if (layer.unsupported() != null) {
      return null;
    }
    NameScope names = pullback.primal().names().copy();
    Type type = pullback.primal().result().type();
    Var value = new Var(names.fresh("given"), type);
    Var valueTangent = new Var(names.fresh("givenTangent"), type);
    Pullback bound = GivenValues.given(pullback, value);
    if (bound == null) {
      return null;
    }
    Hvp given = Tangent.hvp(bound, Map.of(value, valueTangent));
    if (given.unsupported() != null) {
      return null;
    }
    Set<Var> parameters = parameters(layer);
    Block plain = DeadCode.of(layer.body(), parameters, Set.of());
    parameters.add(value);
    parameters.add(valueTangent);
    Block body = DeadCode.of(given.body(), parameters, Set.of());
    if (body.equals(plain)) {
      return null;
    }
    return new Variant(layer.signature().name() + "From", given.withBody(body), value,
        valueTangent);
  }

  /** The parameters of an HVP: its pullback's, then their tangents. */
  private static Set<Var> parameters(Hvp hvp) {
    Set<Var> out = new HashSet<>();
    hvp.pullback().primal().params().forEach(p -> out.add(p.var()));
    var pullback = hvp.signature().pullback();
    out.add(new Var(pullback.seed(), pullback.result()));
    pullback.derivatives().forEach((p, d) -> out.add(new Var(d, p.var().type())));
    if (pullback.scalarBuffer() != null) {
      out.add(new Var(pullback.scalarBuffer(), Type.DOUBLE_ARRAY));
    }
    HvpSignature signature = hvp.signature();
    signature.directions().forEach((p, v) -> out.add(new Var(v, p.var().type())));
    out.add(new Var(signature.seedTangent(), signature.seedType()));
    signature.buffers().forEach((p, h) -> out.add(new Var(h, p.var().type())));
    if (signature.scalarBuffer() != null) {
      out.add(new Var(signature.scalarBuffer(), Type.DOUBLE_ARRAY));
    }
    return out;
  }

  /** The qualified HVPs whose variants the rewritten bodies call. */
  public Set<String> called() {
    return called;
  }

  /** {@code body} (a printed HVP) with its calls of layers' HVPs given what it holds. */
  public Block rewrite(Block body) {
    List<Stmt> out = new ArrayList<>();
    List<Stmt> statements = body.statements();
    for (int k = 0; k < statements.size(); k++) {
      Stmt stmt = statements.get(k);
      if (stmt instanceof DerivativeCall call && byHvp.containsKey(call.method())) {
        Var[] held = held(statements, k, call);
        if (held != null) {
          out.add(callWithValue(call, held[0], held[1]));
          called.add(call.method());
          continue;
        }
      }
      out.add(Statements.mapBlocks(stmt, this::rewrite));
    }
    return new Block(out);
  }

  /**
   * The value and tangent the layer's JVP gave for the same call (same source statement, same
   * arguments and directions) earlier in {@code statements}, none of them written since; else
   * null.
   */
  private Var[] held(List<Stmt> statements, int index, DerivativeCall call) {
    Positions at = Positions.of(byHvp.get(call.method()), call.arguments(), false);
    int arity = at.arity();
    int directions = at.directions();
    List<Operand> arguments = call.arguments().subList(0, arity);
    List<Operand> directed = call.arguments().subList(at.tangentsFrom(), at.directionsEnd());
    for (int j = index - 2; j >= 0; j--) {
      if (definition(statements.get(j)) instanceof Call made
          && made.callee().code().equals(jvpOf.get(call.method()))
          && call.origin() != null && call.origin().equals(origin(statements.get(j)))
          && made.args().size() == arity + directions + 1
          && made.args().subList(0, arity).equals(arguments)
          && made.args().subList(arity, arity + directions).equals(directed)
          && definition(statements.get(j + 1)) instanceof Copy copy
          && copy.a() instanceof Nested nested && nested.expr() instanceof Load load
          && load.array().equals(made.args().get(arity + directions))
          && load.indices().equals(List.of(Constant.integer(0)))) {
        Var value = target(statements.get(j));
        Var tangent = target(statements.get(j + 1));
        Set<Var> kept = new HashSet<>(Exprs.vars(arguments));
        kept.addAll(Exprs.vars(directed));
        kept.add(value);
        kept.add(tangent);
        return writesAny(statements.subList(j + 2, index), kept) ? null
            : new Var[] {value, tangent};
      }
    }
    return null;
  }

  /**
   * Whether {@code statements}, or one nested in them, may write one of {@code vars} or its
   * elements: a layer's HVP or its variant writes only its buffers and their tangents (and the
   * seed's), never the layer's arguments, their directions or the value given.
   */
  private boolean writesAny(List<Stmt> statements, Set<Var> vars) {
    boolean[] writes = {false};
    Statements.forEach(statements, s -> writes[0] |= s instanceof DerivativeCall call
        ? Exprs.vars(written(call)).stream().anyMatch(vars::contains)
        : GivenValues.writes(s, vars));
    return writes[0];
  }

  /** The arguments {@code call} may write: all but the layer's and their tangents if known. */
  private List<Operand> written(DerivativeCall call) {
    Variant variant = byHvp.get(call.method());
    boolean isVariant = variant == null;
    if (isVariant) {
      variant = byVariant.get(call.method());
      if (variant == null) {
        return call.arguments();
      }
    }
    List<Operand> args = call.arguments();
    Positions at = Positions.of(variant, args, isVariant);
    List<Operand> out = new ArrayList<>(args.subList(at.arity(), at.tangentsFrom()));
    out.addAll(args.subList(at.directionsEnd(), args.size()));
    return out;
  }

  private static Expr definition(Stmt stmt) {
    return stmt instanceof Assign assign ? assign.value()
        : stmt instanceof Declare declare ? declare.init() : null;
  }

  private static Var target(Stmt stmt) {
    return stmt instanceof Assign assign ? assign.target() : ((Declare) stmt).var();
  }

  private static Origin origin(Stmt stmt) {
    return stmt instanceof Assign assign ? assign.origin() : ((Declare) stmt).origin();
  }

  /** {@code call} as a call of its variant, {@code value} and {@code tangent} put in. */
  private DerivativeCall callWithValue(DerivativeCall call, Var value, Var tangent) {
    Variant variant = byHvp.get(call.method());
    List<Operand> args = call.arguments();
    Positions at = Positions.of(variant, args, false);
    List<Operand> arguments = new ArrayList<>(args.subList(0, at.arity()));
    arguments.add(value);
    arguments.addAll(args.subList(at.arity(), at.directionsEnd()));
    arguments.add(tangent);
    arguments.addAll(args.subList(at.directionsEnd(), args.size()));
    return new DerivativeCall(variant.name(), arguments, null, call.origin());
  }

  /**
   * Where the parts of a call's arguments start: the layer's {@code arity} arguments first, then
   * the pullback's, then the tangents from {@code tangentsFrom}, the layer's {@code directions}
   * first. A call of the variant has one more of each part: the value, its tangent.
   */
  private record Positions(int arity, int tangentsFrom, int directions) {
    static Positions of(Variant variant, List<Operand> args, boolean ofVariant) {
      int extra = ofVariant ? 1 : 0;
      HvpSignature signature = variant.hvp().signature();
      return new Positions(variant.hvp().pullback().primal().params().size() + extra,
          args.size() - signature.tangentNames().size() - extra,
          signature.directions().size() + extra);
    }

    int directionsEnd() {
      return tangentsFrom + directions;
    }
  }
}
