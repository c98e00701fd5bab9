package dev.adjoint.processor.forward;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.analysis.SweepActivity;
import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.AddArray;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Break;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.OpenTape;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.Push;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Terms;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.Zeros;
import dev.adjoint.processor.plan.DerivativeSignature;
import dev.adjoint.processor.plan.HvpSignature;
import dev.adjoint.processor.reverse.Declarations;
import dev.adjoint.processor.reverse.Pullback;
import dev.adjoint.processor.reverse.ScaledSquares;
import dev.adjoint.processor.rules.DerivativeRules;
import dev.adjoint.processor.rules.DerivativeRules.Flow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The tangent (forward-mode) transformation of IR: every statement in its order, each active one
 * followed by its tangent, {@code dr = Σ rule_i(a, b, r, da_i)} from the same rules table the
 * reverse sweep reads (the seed hole takes the operand's tangent). Branches and loops keep their
 * shape; an array's tangent is an array of the same shape (a row's tangent the tangent matrix's
 * row); a call of a {@code @Differentiable} method calls its JVP. No tape of its own.
 *
 * <p>Applied to a method ({@link #of}) it gives the JVP; there a call of a method with a
 * {@code @CustomGradient} whose differentiated parameters are {@code double}s calls that
 * pullback with seed 1 and takes {@code Σ ∂f/∂x_k · dx_k}. Applied to a pullback ({@link #hvp})
 * it gives the Hessian-vector product, forward over reverse: the sweeps' own statements get
 * tangents too (a contribution to an adjoint, a value pushed and popped with its tangent beside
 * it, a loop run backward), and a callee's pullback becomes its HVP.
 */
public final class Tangent {
  private final NameScope names;
  private final Predicate<Var> active;
  private final String prefix;
  private final Set<Var> parameters;
  private final Map<Var, Var> tangents;
  /** Arrays whose tangent exists although they are not active: the matrices of active rows. */
  private final Set<Var> alsoNeeded = new HashSet<>();
  private final List<Stmt> prologue = new ArrayList<>();
  private final List<Var> managed = new ArrayList<>();
  /**
   * Where a callee's JVP writes its tangent, by the type of that buffer ({@code double[]} for a
   * callee returning double, {@code double[][]} for one returning a vector): the JVP's own
   * tangentOut where it has that type, else a local allocated once.
   */
  private final Map<Type, Var> jvpBuffers = new LinkedHashMap<>();
  /** The products that are scaled squares ({@link ScaledSquares}), by their value. */
  private final Map<Expr, ScaledSquares.Square> squares = new IdentityHashMap<>();
  /** Their scaled factors {@code t = k x}: no tangent, {@code d(t x)} being {@code 2 t dx}. */
  private final Set<Var> scaledAway = new HashSet<>();
  private String unsupported;

  private Tangent(NameScope names, Predicate<Var> active, String prefix, Set<Var> parameters,
      Map<Var, Var> tangents) {
    this.names = names;
    this.active = active;
    this.prefix = prefix;
    this.parameters = parameters;
    this.tangents = tangents;
  }

  /** The JVP of {@code function}. */
  public static Jvp of(Function function, Activity activity) {
    DerivativeSignature signature =
        DerivativeSignature.jvp(function.name(), function.params(), function.result().type(),
            function.names());
    Map<Var, Var> tangents = new LinkedHashMap<>();
    signature.derivatives().forEach((p, d) -> tangents.put(p.var(), new Var(d, type(p.var()))));
    Var tangentOut = new Var(signature.last(), signature.tangentOutType());
    Set<Var> parameters = new HashSet<>();
    function.params().forEach(p -> parameters.add(p.var()));
    Tangent tangent = new Tangent(function.names(), activity::isActive, "d", parameters,
        tangents);
    tangent.jvpBuffers.put(tangentOut.type(), tangentOut);
    ScaledSquares squares = new ScaledSquares(function, LoopFacts.of(function));
    Statements.forEachAssign(function.body(), assign -> {
      ScaledSquares.Square square = squares.of(assign);
      if (square != null) {
        tangent.squares.put(assign.value(), square);
        tangent.scaledAway.add((Var) assign.value().operands().get(square.scaled()));
      }
    });
    Statements.forEachAssign(function.body(), assign -> {
      if (assign.value() instanceof Load load && assign.target().type().isArray()
          && activity.isActive(assign.target())) {
        tangent.alsoNeeded.add(load.array()); // a row written through: the matrix's takes it
      }
    });
    List<Stmt> body = new ArrayList<>(tangent.block(function.body()).statements());
    Var result = function.result();
    body.add(new Store(tangentOut, List.of(Constant.integer(0)), result.type().isArray()
        ? tangent.arrayTangentOf(result) : tangent.tangent(result), null));
    Set<Var> declared = new HashSet<>(parameters);
    signature.derivatives().forEach((p, d) -> declared.add(new Var(d, type(p.var()))));
    declared.add(tangentOut);
    Set<Var> managedVars = new LinkedHashSet<>(tangent.managed);
    Statements.forEach(function.body(), stmt -> managedVars.addAll(Statements.vars(stmt)));
    Function tangentFunction = new Function(function.name(), function.params(), function.result(),
        new Block(body), function.names());
    List<Stmt> all = new ArrayList<>(tangent.prologue);
    all.addAll(Declarations.of(new Block(body), LoopFacts.of(tangentFunction), managedVars,
        declared, v -> false));
    return new Jvp(function, signature, new Block(all), tangent.unsupported);
  }

  /**
   * The Hessian-vector product of {@code pullback}: its tangent, with a tangent for the
   * differentiated parameters (the directions), the seed and the buffers (the H·v buffers).
   */
  public static Hvp hvp(Pullback pullback) {
    return hvp(pullback, Map.of());
  }

  /**
   * The same for a pullback given more arrays than its method's parameters (a layer's value a
   * caller holds), each with its tangent in {@code given}.
   */
  public static Hvp hvp(Pullback pullback, Map<Var, Var> given) {
    Function f = pullback.primal();
    NameScope names = f.names().copy();
    DerivativeSignature convention = pullback.signature();
    HvpSignature signature = HvpSignature.of(f.name(), convention, names);
    Map<Var, Var> tangents = new LinkedHashMap<>();
    signature.directions().forEach((p, v) -> tangents.put(p.var(), new Var(v, type(p.var()))));
    tangents.put(new Var(convention.seed(), signature.seedType()),
        new Var(signature.seedTangent(), signature.seedType()));
    Set<Var> outputs = new LinkedHashSet<>();
    signature.buffers().forEach((p, h) -> {
      Var buffer = new Var(convention.derivatives().get(p), p.var().type());
      tangents.put(buffer, new Var(h, p.var().type()));
      outputs.add(buffer);
    });
    if (convention.scalarBuffer() != null) {
      Var buffer = new Var(convention.scalarBuffer(), Type.DOUBLE_ARRAY);
      tangents.put(buffer, new Var(signature.scalarBuffer(), Type.DOUBLE_ARRAY));
      outputs.add(buffer);
    }
    tangents.putAll(given);
    SweepActivity activity = SweepActivity.of(pullback.body(), tangents.keySet(), outputs);
    Set<Var> parameters = new HashSet<>(given.keySet());
    f.params().forEach(p -> parameters.add(p.var()));
    Tangent tangent = new Tangent(names, activity::isActive, "t", parameters, tangents);
    Block body = tangent.block(pullback.body());
    List<Stmt> all = new ArrayList<>(tangent.prologue);
    all.addAll(body.statements());
    return new Hvp(pullback, signature, new Block(all), names, tangent.unsupported);
  }

  private Block block(Block block) {
    List<Stmt> out = new ArrayList<>();
    block.statements().forEach(stmt -> statement(stmt, out));
    return new Block(out);
  }

  private void statement(Stmt stmt, List<Stmt> out) {
    if (stmt instanceof Declare declare) {
      if (declare.init() == null) {
        out.add(declare);
        if (needsTangent(declare.var())) {
          out.add(new Declare(tangentVar(declare.var())));
        }
      } else {
        define(declare.var(), declare.init(), declare.origin(), true, out);
      }
    } else if (stmt instanceof Assign assign) {
      define(assign.target(), assign.value(), assign.origin(), false, out);
    } else if (stmt instanceof Store store) {
      out.add(store);
      if (needsTangent(store.array())) {
        Operand value = tangent(store.value());
        if (store.compound() == null || !isZero(value)) {
          out.add(new Store(tangentVar(store.array()), store.indices(), value, store.compound(),
              store.origin()));
        }
      }
    } else if (stmt instanceof If branch) {
      out.add(new If(branch.condition(), block(branch.then()), block(branch.otherwise()),
          branch.origin()));
    } else if (stmt instanceof Loop loop) {
      out.add(new Loop(block(loop.header()), loop.test(), block(loop.body()), loop.testAtEnd(),
          loop.counted(), loop.origin()));
    } else if (stmt instanceof Accumulate add) {
      accumulate(add, out);
    } else if (stmt instanceof AddArray add) {
      out.add(add);
      if (needsTangent(add.source()) && needsTangent(arrayOf(add.target()))) {
        out.add(new AddArray(arrayTangentOf(add.target()), tangentVar(add.source())));
      }
    } else if (stmt instanceof Push push) {
      out.add(push);
      Operand value = push.value();
      if (needsTangent(arrayOf(value))) {
        out.add(new Push(value instanceof Var v ? tangentVar(v) : elementTangent(value), null));
      }
    } else if (stmt instanceof Pop pop) {
      if (needsTangent(pop.target())) {
        out.add(new Pop(tangentVar(pop.target()), pop.indices()));
      }
      out.add(pop);
    } else if (stmt instanceof ReverseLoop loop) {
      out.add(loop.withBody(block(loop.body())));
    } else if (stmt instanceof DerivativeCall call) {
      derivativeCall(call, out);
    } else if (stmt instanceof Break || stmt instanceof OpenTape || stmt instanceof Comment) {
      out.add(stmt);
    }
  }

  /** {@code target = value} (a declaration when {@code declares}), then its tangent. */
  private void define(Var target, Expr value, Origin origin, boolean declares,
      List<Stmt> out) {
    if (!needsTangent(target) || scaledAway.contains(target)) {
      out.add(definition(target, value, origin, declares));
      return;
    }
    Var dt = tangentVar(target);
    if (value instanceof Call call && !call.callee().stopsGradient()
        && call.callee().hasPullback()) {
      call(target, call, dt, origin, declares, out);
      return;
    }
    if (target.type().isArray()) {
      out.add(definition(target, value, origin, declares));
      out.add(definition(dt, arrayTangent(value), null, declares));
      return;
    }
    // r = f(r, x): where its rules read the old r (d(r * x), not d(r + x)), the old r is kept
    // before the assignment overwrites it
    List<Operand> operands = new ArrayList<>(value.operands());
    Operand tangent = tangent(value, operands, target);
    if (operands.contains(target) && Exprs.vars(tangent).contains(target)) {
      Var old = new Var(names.numbered("old"), target.type());
      out.add(new Declare(old, new Copy(target)));
      operands.replaceAll(o -> o.equals(target) ? old : o);
      tangent = tangent(value, operands, target);
    }
    out.add(definition(target, value, origin, declares));
    out.add(definition(dt, new Copy(tangent), null, declares));
  }

  private static Stmt definition(Var target, Expr value, Origin origin, boolean declares) {
    return declares ? new Declare(target, value, origin) : new Assign(target, value, origin);
  }

  /** {@code d(a op b) = Σ rule_i(a, b, r, da_i)}, or 0 when no operand has a tangent. */
  private Operand tangent(Expr value, List<Operand> operands, Operand result) {
    if (value instanceof Load load) {
      return needsTangent(load.array()) ? Terms.element(tangentVar(load.array()), load.indices())
          : Constant.ZERO;
    }
    if (value instanceof Select select) {
      Operand then = tangent(select.then());
      Operand otherwise = tangent(select.otherwise());
      return isZero(then) && isZero(otherwise) ? Constant.ZERO
          : Terms.select(select.condition(), then, otherwise);
    }
    ScaledSquares.Square square = squares.get(value);
    if (square != null) {
      Operand dx = tangent(value.operands().get(1 - square.scaled()));
      return isZero(dx) ? Constant.ZERO
          : DerivativeRules.square(operands.get(square.scaled()), dx);
    }
    Operand sum = null;
    for (int i = 0; i < operands.size(); i++) {
      Operand dx = tangent(value.operands().get(i));
      if (!isZero(dx) && DerivativeRules.flow(value, i) == Flow.DIFFERENTIABLE) {
        Operand term = DerivativeRules.contribution(value, i, operands, result, dx);
        sum = sum == null ? term : plus(sum, term);
      }
    }
    return sum == null ? Constant.ZERO : sum;
  }

  /** {@code sum + term}, or {@code sum - t} for a term {@code -t}: the same bits, one operation. */
  private static Operand plus(Operand sum, Operand term) {
    return term instanceof Nested nested && nested.expr() instanceof Unary negation
        && negation.op() == Unary.Op.NEG ? Terms.sub(sum, negation.a()) : Terms.add(sum, term);
  }

  /** {@code target[indices] += value}: its tangent into the target's tangent. */
  private void accumulate(Accumulate add, List<Stmt> out) {
    out.add(add);
    if (needsTangent(add.target())) {
      Operand value = tangent(add.value());
      if (add.declares() || !isZero(value)) {
        out.add(new Accumulate(tangentVar(add.target()), add.indices(), value, add.declares(),
            null));
      }
    }
  }

  /** The tangent of an array made by {@code value}: another's tangent, its row, or zeros. */
  private Expr arrayTangent(Expr value) {
    if (value instanceof Copy copy) {
      return copy.a() instanceof Var array ? new Copy(arrayTangentOf(array)) : copy;
    }
    if (value instanceof Load load) {
      return new Load(tangentVar(load.array()), load.indices());
    }
    if (value instanceof CloneArray clone) {
      return needsTangent(clone.array()) ? new CloneArray(tangentVar(clone.array()))
          : new Zeros(clone.array());
    }
    if (value instanceof NewArray || value instanceof Zeros) {
      return value; // zeros of the same size
    }
    unsupported = "an array made by " + value.getClass().getSimpleName();
    return new Zeros((Var) value.operands().get(0));
  }

  /** The tangent of an array operand: its tangent, its tangent matrix's row, or zeros. */
  private Operand arrayTangentOf(Operand array) {
    Var v = arrayOf(array);
    if (v == null) {
      return array; // a buffer of zeros nobody reads: its tangent is another
    }
    if (needsTangent(v)) {
      return array instanceof Var ? tangentVar(v) : elementTangent(array);
    }
    if (!(array instanceof Var)) {
      unsupported = "the row of a matrix that has no tangent";
    }
    return new Nested(new Zeros(v), v.type());
  }

  /**
   * The variable an operand names: itself, or the array it reads an element or row of; null for
   * a fresh array of zeros.
   */
  private static Var arrayOf(Operand operand) {
    if (operand instanceof Var v) {
      return v;
    }
    return operand instanceof Nested nested && nested.expr() instanceof Load load
        ? load.array() : null;
  }

  /** {@code tx[i]} for {@code x[i]}. */
  private Operand elementTangent(Operand element) {
    Load load = (Load) ((Nested) element).expr();
    return Terms.element(tangentVar(load.array()), load.indices());
  }

  /**
   * {@code r = f(a, x)}: a {@code @Differentiable} callee's JVP gives value and tangent; a custom
   * gradient's pullback with seed 1 gives the value and the partials of its {@code double}
   * parameters.
   */
  private void call(Var target, Call call, Var dt, Origin origin, boolean declares,
      List<Stmt> out) {
    Callee callee = call.callee();
    DerivativeSignature callees = callee.signature();
    if (!callee.hasJvp()) {
      if (callees.result() != Type.DOUBLE) {
        // a vector's JVP from its pullback would take one pullback per output
        unsupported = callee.display() + " returns a vector and has only a @CustomGradient";
        out.add(definition(target, call, origin, declares));
        return;
      }
      customGradient(target, call, dt, origin, declares, out);
      return;
    }
    // the callee writes its tangent into a buffer read at once: nothing allocated per call
    Var jvpBuffer = jvpBuffer(target.type().arrayOf());
    List<Operand> arguments = new ArrayList<>(call.args());
    for (int i = 0; i < call.args().size(); i++) {
      if (callees.params().get(i).differentiable()) {
        Operand arg = call.args().get(i);
        arguments.add(arg.type().isArray() ? arrayTangentOf(arg) : tangent(arg));
      }
    }
    arguments.add(jvpBuffer);
    out.add(definition(target, new Call(callee.jvpCallee(), arguments), origin, declares));
    out.add(definition(dt, new Copy(Terms.element(jvpBuffer, List.of(Constant.integer(0)))),
        null, declares));
  }

  /** The buffer of {@code type} a callee's JVP writes its tangent into, allocated once. */
  private Var jvpBuffer(Type type) {
    return jvpBuffers.computeIfAbsent(type, t -> {
      Var buffer = new Var(names.fresh("jvpOut"), t);
      prologue.add(new Declare(buffer, new NewArray(t, List.of(Constant.integer(1)))));
      return buffer;
    });
  }

  /**
   * {@code r = f(a, x)} for an {@code f} with a {@code @CustomGradient}: its pullback with seed 1
   * gives the value and the gradient (into a buffer per array parameter, allocated per call, and
   * one for the {@code double}s), whose dot product with the arguments' tangents is the
   * tangent: exact for a scalar result.
   */
  private void customGradient(Var target, Call call, Var dt, Origin origin, boolean declares,
      List<Stmt> out) {
    Callee callee = call.callee();
    DerivativeSignature callees = callee.signature();
    List<Operand> arguments = new ArrayList<>(call.args());
    arguments.add(Constant.number(1));
    List<Operand> terms = new ArrayList<>();
    List<Stmt> dots = new ArrayList<>();
    for (Param param : callees.derivatives().keySet()) {
      Var arg = (Var) call.args().get(callees.params().indexOf(param));
      Var buffer = new Var(names.numbered("dCall"), arg.type());
      out.add(new Declare(buffer, new Zeros(arg)));
      arguments.add(buffer);
      if (needsTangent(arg)) {
        Var dot = new Var(names.numbered("dot"), Type.DOUBLE);
        dots.add(new Declare(dot, new Copy(Constant.ZERO)));
        dots.add(dotProduct(dot, buffer, tangentVar(arg), List.of(), origin));
        terms.add(dot);
      }
    }
    List<Param> scalars = callees.scalars();
    if (!scalars.isEmpty()) {
      Var buffer = new Var(names.numbered("dCall"), Type.DOUBLE_ARRAY);
      prologue.add(new Declare(buffer, new NewArray(Type.DOUBLE_ARRAY,
          List.of(Constant.integer(scalars.size())))));
      arguments.add(buffer);
      for (int k = 0; k < scalars.size(); k++) {
        out.add(new Store(buffer, List.of(Constant.integer(k)), Constant.ZERO, origin));
        Operand arg = call.args().get(callees.params().indexOf(scalars.get(k)));
        Operand dx = tangent(arg);
        if (!isZero(dx)) {
          terms.add(Terms.mul(Terms.element(buffer, List.of(Constant.integer(k))), dx));
        }
      }
    }
    out.add(definition(target, new Call(callee.pullbackCallee(), arguments), origin, declares));
    out.addAll(dots);
    Operand sum = null;
    for (Operand term : terms) {
      sum = sum == null ? term : Terms.add(sum, term);
    }
    out.add(definition(dt, new Copy(sum == null ? Constant.ZERO : sum), null, declares));
  }

  /** {@code dot += Σ gradient[..][k] * tangent[..][k]} over every element, row by row. */
  private Stmt dotProduct(Var dot, Var gradient, Var tangent, List<Operand> row, Origin origin) {
    Var k = new Var(names.numbered("k"), Type.INT);
    List<Operand> indices = new ArrayList<>(row);
    indices.add(k);
    Stmt step;
    if (indices.size() < rank(gradient)) {
      step = dotProduct(dot, gradient, tangent, indices, origin);
    } else {
      step = new Assign(dot, new Binary(Binary.Op.ADD, dot, Terms.mul(
          Terms.element(gradient, indices), Terms.element(tangent, indices))), null);
    }
    Operand length = new Nested(new Length(gradient, row), Type.INT);
    return new Loop(new Block(List.of()), null, new Block(List.of(step)), false,
        new Loop.Counted(k, Constant.integer(0), length, false), origin);
  }

  /**
   * A callee's pullback in a pullback: its HVP in the HVP, with the tangents of the arguments,
   * of the seed and of the buffers; it adds into both, so it replaces the pullback's call.
   */
  private void derivativeCall(DerivativeCall call, List<Stmt> out) {
    Callee callee = call.callee();
    List<Operand> args = call.arguments();
    int seed = callee == null ? 0 : callee.signature().params().size();
    List<Operand> buffers = callee == null ? List.of() : args.subList(seed + 1, args.size());
    if (buffers.stream().noneMatch(b -> needsTangent(arrayOf(b)))) {
      out.add(call); // nothing differentiated flows through: its first derivative is enough
      return;
    }
    if (!callee.hasHvp()) {
      unsupported = callee.display() + " has no second derivative";
      out.add(call);
      return;
    }
    List<Operand> arguments = new ArrayList<>(args);
    for (int i = 0; i < seed; i++) {
      if (callee.signature().params().get(i).differentiable()) {
        Operand arg = args.get(i);
        arguments.add(arg.type().isArray() ? arrayTangentOf(arg) : tangent(arg));
      }
    }
    Operand seedArg = args.get(seed);
    arguments.add(seedArg.type().isArray() ? arrayTangentOf(seedArg) : tangent(seedArg));
    buffers.forEach(buffer -> arguments.add(arrayTangentOf(buffer)));
    out.add(new DerivativeCall(callee.hvp(), arguments, null, call.origin()));
  }

  private static int rank(Var array) {
    return array.type() == Type.DOUBLE_MATRIX ? 2 : 1;
  }

  private boolean needsTangent(Var v) {
    return v != null && (active.test(v) || alsoNeeded.contains(v));
  }

  private static boolean isZero(Operand operand) {
    return operand instanceof Constant c && c.is(0);
  }

  /**
   * The tangent of a {@code double} operand: its tangent variable, that of an operation nested
   * in place, or 0 for a constant or inactive value.
   */
  private Operand tangent(Operand operand) {
    if (operand instanceof Var v) {
      return needsTangent(v) ? tangentVar(v) : Constant.ZERO;
    }
    if (operand instanceof Nested nested && nested.type() == Type.DOUBLE) {
      return tangent(nested.expr(), nested.expr().operands(), nested);
    }
    return Constant.ZERO;
  }

  /** The tangent variable of {@code v}: {@code dq} for {@code q}, of the same shape. */
  private Var tangentVar(Var v) {
    Var tangent = tangents.get(v);
    if (tangent == null) {
      tangent = new Var(names.fresh(prefix + v.name()), type(v));
      tangents.put(v, tangent);
      managed.add(tangent);
      if (parameters.contains(v)) {
        prologue.add(new Declare(tangent, new Zeros(v))); // a matrix not differentiated
      }
    }
    return tangent;
  }

  private static Type type(Var v) {
    return v.type().isArray() ? v.type() : Type.DOUBLE;
  }
}
