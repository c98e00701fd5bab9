package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.AddArray;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.ZeroFill;
import dev.adjoint.processor.plan.GeneratedNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A call of a layer's backward pass where the caller still holds the value the layer returned
 * in the forward sweep (the variable the call assigned, in the same block, nothing writing it or
 * the call's arguments since) calls a variant given that value,
 * {@code <backward>From(arguments, value, seed, buffers)}: a same-class layer's, or the public
 * one of a layer in another class ({@code LayersGrad.denseBackwardFrom}). The variant binds the
 * layer's result
 * to it and leaves out the stores that made it and whatever only they needed ({@link #given},
 * then {@link DeadCode}): a tanh layer's backward pass reads its activations instead of
 * computing every {@code tanh} again, as a person writing it by hand does. Where the layer's
 * result cannot be bound so (its forward sweep reads it, or its backward sweep writes it), the
 * variant runs the layer's forward sweep as the plain backward pass does.
 */
public final class GivenValues {
  /**
   * A variant to generate: {@code base} (the layer's backward pass, or its variant without some
   * buffers) given the value of {@code callee}, the layer.
   */
  public record Variant(String name, String base, String callee) {}

  private final Map<String, Pullback> layers;
  /** The layer each backward pass a caller may call belongs to, by the name it is called by. */
  private final Map<String, String> layerOf;
  /** The parameters of other classes' layers whose backward pass has a public variant. */
  private final Map<String, Integer> elsewhere;
  private final Map<String, Variant> variants = new LinkedHashMap<>();

  /**
   * @param layers the printed pullbacks of the class's methods returning arrays, by method name
   * @param layerOf the layer of each name a backward pass of one is called by
   * @param elsewhere how many parameters each layer of another class has whose public backward
   *     pass, by the qualified name it is called by, has a public variant given its value
   */
  public GivenValues(Map<String, Pullback> layers, Map<String, String> layerOf,
      Map<String, Integer> elsewhere) {
    this.layers = layers;
    this.layerOf = layerOf;
    this.elsewhere = elsewhere;
  }

  /** The variants the rewritten bodies call, by name. */
  public Map<String, Variant> variants() {
    return variants;
  }

  /** {@code body} with its calls of layers' backward passes given the values it holds. */
  public Block rewrite(Block body) {
    List<Stmt> out = new ArrayList<>();
    List<Stmt> statements = body.statements();
    for (int k = 0; k < statements.size(); k++) {
      Stmt stmt = statements.get(k);
      if (stmt instanceof DerivativeCall call && (layerOf.containsKey(call.method())
          || elsewhere.containsKey(call.method()))) {
        Var value = heldValue(statements, k, call);
        if (value != null) {
          out.add(callWithValue(call, value));
          continue;
        }
      }
      out.add(Statements.mapBlocks(stmt, this::rewrite));
    }
    return new Block(out);
  }

  /**
   * The variable holding what the layer {@code call} differentiates returned: assigned by that
   * call (the same source statement, the same arguments) earlier in {@code statements}, neither
   * it nor the arguments written between; else null.
   */
  private Var heldValue(List<Stmt> statements, int at, DerivativeCall call) {
    int arity = arity(call);
    List<Operand> arguments = call.arguments().subList(0, arity);
    for (int j = at - 1; j >= 0; j--) {
      if (statements.get(j) instanceof Assign assign && assign.value() instanceof Call made
          && assign.origin() != null && assign.origin().equals(call.origin())
          && made.callee().display().equals(call.callee().display())
          && made.args().size() >= arity && made.args().subList(0, arity).equals(arguments)) {
        Set<Var> kept = new HashSet<>(Exprs.vars(arguments));
        kept.add(assign.target());
        return writesAny(statements.subList(j + 1, at), kept) ? null : assign.target();
      }
    }
    return null;
  }

  /** How many of {@code call}'s arguments are its layer's: the rest are the seed and buffers. */
  private int arity(DerivativeCall call) {
    String layer = layerOf.get(call.method());
    return layer != null ? layers.get(layer).primal().params().size()
        : elsewhere.get(call.method());
  }

  /**
   * {@code call} as a call of its variant given {@code value}: another class's public one, or
   * this class's, recorded in {@link #variants}.
   */
  private DerivativeCall callWithValue(DerivativeCall call, Var value) {
    String name = GeneratedNames.givenVariant(call.method());
    if (layerOf.containsKey(call.method())) {
      name = name.substring(name.lastIndexOf('.') + 1);
      variants.putIfAbsent(name, new Variant(name, call.method(), layerOf.get(call.method())));
    }
    int arity = arity(call);
    List<Operand> arguments = new ArrayList<>(call.arguments().subList(0, arity));
    arguments.add(value);
    arguments.addAll(call.arguments().subList(arity, call.arguments().size()));
    return new DerivativeCall(name, arguments, call.callee(), call.origin());
  }

  /**
   * Whether {@code statements}, or one nested in them, may write one of {@code vars} or its
   * elements.
   */
  public static boolean writesAny(List<Stmt> statements, Set<Var> vars) {
    boolean[] writes = {false};
    Statements.forEach(statements, s -> writes[0] |= writes(s, vars));
    return writes[0];
  }

  /**
   * Whether {@code s} itself (not the statements it holds) may write one of {@code vars} or its
   * elements.
   */
  public static boolean writes(Stmt s, Set<Var> vars) {
    if (s instanceof Assign assign) {
      return vars.contains(assign.target()) || assign.value() instanceof Call call
          && !call.callee().readsOnly() && !disjoint(Exprs.vars(call.args()), vars);
    }
    return s instanceof Declare declare && vars.contains(declare.var())
        || s instanceof Store store && vars.contains(store.array())
        || s instanceof Accumulate add && vars.contains(add.target())
        || s instanceof AddArray add && Exprs.vars(add.target()).stream().anyMatch(vars::contains)
        || s instanceof ZeroFill fill && vars.contains(fill.array())
        || s instanceof Pop pop && vars.contains(pop.target())
        || s instanceof DerivativeCall call && !disjoint(Exprs.vars(written(call)), vars)
        || s instanceof Loop loop && loop.counted() != null && vars.contains(loop.counted().index())
        || s instanceof ReverseLoop reverse && (vars.contains(reverse.trips())
            || reverse.loop().counted() != null
            && vars.contains(reverse.loop().counted().index()));
  }

  /**
   * The arguments a derivative call may write: its buffers (and seed); all of them unless the
   * callee never writes the arrays passed to it.
   */
  private static List<Operand> written(DerivativeCall call) {
    Callee callee = call.callee();
    int arity = callee != null && callee.readsOnly() && callee.signature() != null
        ? callee.signature().params().size() : 0;
    return call.arguments().subList(Math.min(arity, call.arguments().size()),
        call.arguments().size());
  }

  private static boolean disjoint(Set<Var> a, Set<Var> b) {
    return a.stream().noneMatch(b::contains);
  }

  /**
   * {@code layer}'s printed pullback with its result bound to {@code value} and the stores that
   * made it left out, or null when that would change what its backward sweep reads: the result
   * must be made once by {@code new double[...]} before the backward sweep, stored into only
   * before it, read before it by nothing but its length, and not written after it.
   */
  public static Pullback given(Pullback layer, Var value) {
    Var result = layer.primal().result();
    List<Stmt> statements = layer.body().statements();
    int backward = -1;
    for (int k = 0; k < statements.size(); k++) {
      if (statements.get(k) instanceof Comment comment
          && Taping.BACKWARD_SWEEP.equals(comment.text())) {
        backward = k;
      }
    }
    if (backward < 0) {
      return null;
    }
    Stmt made = null;
    for (Stmt stmt : statements.subList(0, backward)) {
      boolean[] other = {false};
      Stmt[] allocation = {null};
      Statements.forEach(stmt, s -> {
        if (s instanceof Assign assign && assign.target().equals(result)
            && assign.value() instanceof NewArray
            || s instanceof Declare declare && declare.var().equals(result)
            && declare.init() instanceof NewArray) {
          allocation[0] = s;
        } else if (s instanceof Store store && store.array().equals(result)) {
          other[0] |= Exprs.vars(store.indices()).contains(result)
              || Exprs.vars(store.value()).contains(result);
        } else if (isBlock(s)) {
          other[0] |= Statements.operands(s).stream().anyMatch(o -> readsBeyondLength(o, result));
        } else if (!(s instanceof Assign assign && assign.value() instanceof Length length
            && length.array().equals(result) && !assign.target().equals(result))) {
          other[0] |= Statements.vars(s).contains(result);
        }
      });
      if (other[0] || allocation[0] != null && (made != null || allocation[0] != stmt)) {
        return null;
      }
      made = allocation[0] != null ? allocation[0] : made;
    }
    if (made == null || writesAny(statements.subList(backward, statements.size()),
        new HashSet<>(List.of(result)))) {
      return null;
    }
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : statements.subList(0, backward)) {
      out.add(stmt != made ? Statements.mapBlocks(stmt, block -> withoutStores(block, result))
          : made instanceof Declare declare ? new Declare(result, new Copy(value), declare.origin())
          : new Assign(result, new Copy(value), ((Assign) made).origin()));
    }
    out.addAll(statements.subList(backward, statements.size()));
    return layer.withBody(new Block(out));
  }

  private static Block withoutStores(Block block, Var array) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      if (!(stmt instanceof Store store && store.array().equals(array))) {
        out.add(Statements.mapBlocks(stmt, b -> withoutStores(b, array)));
      }
    }
    return new Block(out);
  }

  /** Whether {@code operand} reads {@code array}, or an element of it, beyond its length. */
  private static boolean readsBeyondLength(Operand operand, Var array) {
    if (operand instanceof Nested nested) {
      return !(nested.expr() instanceof Length length && length.array().equals(array))
          && nested.expr().operands().stream().anyMatch(o -> readsBeyondLength(o, array));
    }
    return operand.equals(array);
  }

  /** A statement holding others (a branch, a loop), visited one by one. */
  private static boolean isBlock(Stmt s) {
    return s instanceof If || s instanceof Loop || s instanceof ReverseLoop;
  }
}
