package dev.adjoint.processor.forward;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Break;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Terms;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.Zeros;
import dev.adjoint.processor.plan.DerivativeSignature;
import dev.adjoint.processor.reverse.Declarations;
import dev.adjoint.processor.rules.DerivativeRules;
import dev.adjoint.processor.rules.DerivativeRules.Flow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tangent (forward-mode) transformation, {@code ir.Function} to {@link Jvp}: the primal's
 * statements in their order, each active one followed by its tangent, {@code dr = Σ rule_i(a, b,
 * r, da_i)} from the same rules table the reverse sweep reads (the seed hole takes the operand's
 * tangent). Branches and loops keep their shape; an array's tangent is an array of the same shape
 * (a row's tangent the tangent matrix's row); a call of a {@code @Differentiable} method calls its
 * JVP, a call of a method with a {@code @CustomGradient} whose differentiated parameters are
 * {@code double}s calls that pullback with seed 1 and takes {@code Σ ∂f/∂x_k · dx_k}. No tape.
 */
public final class Tangent {
  private final Function function;
  private final Activity activity;
  private final DerivativeSignature signature;
  private final Map<Var, Var> tangents = new LinkedHashMap<>();
  /** Arrays whose tangent exists although they are not active: the matrices of active rows. */
  private final Set<Var> alsoNeeded = new HashSet<>();
  private final List<Stmt> prologue = new ArrayList<>();
  private final Var tangentOut;
  private final List<Var> managed = new ArrayList<>();
  private String unsupported;

  private Tangent(Function function, Activity activity) {
    this.function = function;
    this.activity = activity;
    this.signature = DerivativeSignature.jvp(function.name(), function.params(), function.names());
    signature.derivatives().forEach((p, d) -> tangents.put(p.var(), new Var(d, type(p.var()))));
    this.tangentOut = new Var(signature.last(), Type.DOUBLE_ARRAY);
    Statements.forEachAssign(function.body(), assign -> {
      if (assign.value() instanceof Load load && assign.target().type().isArray()
          && activity.isActive(assign.target())) {
        alsoNeeded.add(load.array()); // a row written through: the matrix's tangent takes it
      }
    });
  }

  /** The JVP of {@code function}. */
  public static Jvp of(Function function, Activity activity) {
    return new Tangent(function, activity).jvp();
  }

  private Jvp jvp() {
    List<Stmt> body = new ArrayList<>(block(function.body()).statements());
    body.add(new Store(tangentOut, List.of(Constant.integer(0)), tangent(function.result()),
        null));
    Set<Var> parameters = new HashSet<>();
    function.params().forEach(p -> parameters.add(p.var()));
    parameters.addAll(signature.derivatives().keySet().stream().map(p -> tangents.get(p.var()))
        .toList());
    parameters.add(tangentOut);
    Set<Var> managedVars = new LinkedHashSet<>(managed);
    Statements.forEach(function.body(), stmt -> managedVars.addAll(Statements.vars(stmt)));
    Function tangentFunction = new Function(function.name(), function.params(), function.result(),
        new Block(body), function.names());
    List<Stmt> declared = new ArrayList<>(prologue);
    declared.addAll(Declarations.of(new Block(body), LoopFacts.of(tangentFunction), managedVars,
        parameters, v -> false));
    return new Jvp(function, signature, new Block(declared), unsupported);
  }

  private Block block(Block block) {
    List<Stmt> out = new ArrayList<>();
    block.statements().forEach(stmt -> statement(stmt, out));
    return new Block(out);
  }

  private void statement(Stmt stmt, List<Stmt> out) {
    if (stmt instanceof Declare declare) {
      out.add(declare);
      if (needsTangent(declare.var())) {
        out.add(new Declare(tangentVar(declare.var())));
      }
    } else if (stmt instanceof Assign assign) {
      assign(assign, out);
    } else if (stmt instanceof Store store) {
      out.add(store);
      if (needsTangent(store.array())) {
        Operand value = tangent(store.value());
        if (store.compound() == null || !(value instanceof Constant)) {
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
    } else if (stmt instanceof Break) {
      out.add(stmt);
    }
  }

  private void assign(Assign assign, List<Stmt> out) {
    Var target = assign.target();
    Expr value = assign.value();
    if (!needsTangent(target)) {
      out.add(assign);
      return;
    }
    Var dt = tangentVar(target);
    if (target.type().isArray()) {
      out.add(assign);
      out.add(new Assign(dt, arrayTangent(value), null));
      return;
    }
    if (value instanceof Call call && !call.callee().stopsGradient()
        && call.callee().hasPullback()) {
      call(assign, call, dt, out);
      return;
    }
    // r = f(r, x): the rules read the old r, kept before the assignment overwrites it
    List<Operand> operands = new ArrayList<>(value.operands());
    if (operands.contains(target)) {
      Var old = new Var(function.names().numbered("old"), target.type());
      out.add(new Declare(old, new Copy(target)));
      operands.replaceAll(o -> o.equals(target) ? old : o);
    }
    out.add(assign);
    Operand sum = null;
    for (int i = 0; i < operands.size(); i++) {
      Operand operand = value.operands().get(i);
      if (activity.isActive(operand) && DerivativeRules.flow(value, i) == Flow.DIFFERENTIABLE) {
        Operand term = value instanceof Load load
            ? Terms.element(tangentVar(load.array()), load.indices())
            : DerivativeRules.contribution(value, i, operands, target, tangent(operand));
        sum = sum == null ? term : Terms.add(sum, term);
      }
    }
    out.add(new Assign(dt, new Copy(sum == null ? Constant.ZERO : sum), null));
  }

  /** The tangent of an array made by {@code value}: another's tangent, its row, or zeros. */
  private Expr arrayTangent(Expr value) {
    if (value instanceof Copy copy) {
      return new Copy(arrayTangentOf((Var) copy.a()));
    }
    if (value instanceof Load load) {
      return new Load(tangentVar(load.array()), load.indices());
    }
    if (value instanceof CloneArray clone) {
      return needsTangent(clone.array()) ? new CloneArray(tangentVar(clone.array()))
          : new Zeros(clone.array());
    }
    if (value instanceof NewArray) {
      return value; // new double[n]: zeros of the same size
    }
    unsupported = "an array made by " + value.getClass().getSimpleName();
    return new Zeros((Var) value.operands().get(0));
  }

  private Operand arrayTangentOf(Var array) {
    return needsTangent(array) ? tangentVar(array) : new Nested(new Zeros(array), array.type());
  }

  /**
   * {@code r = f(a, x)}: a {@code @Differentiable} callee's JVP gives value and tangent; a custom
   * gradient's pullback with seed 1 gives the value and the partials of its {@code double}
   * parameters.
   */
  private void call(Assign assign, Call call, Var dt, List<Stmt> out) {
    Callee callee = call.callee();
    DerivativeSignature callees = callee.signature();
    if (callee.hasJvp()) {
      // the callee writes its tangent into our tangentOut, read at once: nothing allocated
      Var buffer = tangentOut;
      List<Operand> arguments = new ArrayList<>(call.args());
      for (int i = 0; i < call.args().size(); i++) {
        if (callees.params().get(i).differentiable()) {
          Operand arg = call.args().get(i);
          arguments.add(arg.type().isArray() ? arrayTangentOf((Var) arg) : tangent(arg));
        }
      }
      arguments.add(buffer);
      out.add(new Assign(assign.target(), new Call(callee.jvpCallee(), arguments),
          assign.origin()));
      out.add(new Assign(dt, new Copy(Terms.element(buffer, List.of(Constant.integer(0)))),
          null));
      return;
    }
    customGradient(assign, call, dt, out);
  }

  /**
   * {@code r = f(a, x)} for an {@code f} with a {@code @CustomGradient}: its pullback with seed 1
   * gives the value and the gradient (into a buffer per array parameter, allocated per call, and
   * one for the {@code double}s), whose dot product with the arguments' tangents is the
   * tangent: exact for a scalar result.
   */
  private void customGradient(Assign assign, Call call, Var dt, List<Stmt> out) {
    Callee callee = call.callee();
    DerivativeSignature callees = callee.signature();
    List<Operand> arguments = new ArrayList<>(call.args());
    arguments.add(Constant.number(1));
    List<Operand> terms = new ArrayList<>();
    List<Stmt> dots = new ArrayList<>();
    for (Param param : callees.derivatives().keySet()) {
      Var arg = (Var) call.args().get(callees.params().indexOf(param));
      Var buffer = new Var(function.names().numbered("dCall"), arg.type());
      out.add(new Declare(buffer, new Zeros(arg)));
      arguments.add(buffer);
      if (activity.isActive(arg)) {
        Var dot = new Var(function.names().numbered("dot"), Type.DOUBLE);
        dots.add(new Declare(dot, new Copy(Constant.ZERO)));
        dots.add(dotProduct(dot, buffer, tangentVar(arg), List.of(), assign));
        terms.add(dot);
      }
    }
    List<Param> scalars = callees.scalars();
    if (!scalars.isEmpty()) {
      Var buffer = new Var(function.names().numbered("dCall"), Type.DOUBLE_ARRAY);
      prologue.add(new Declare(buffer, new NewArray(Type.DOUBLE_ARRAY,
          List.of(Constant.integer(scalars.size())))));
      arguments.add(buffer);
      for (int k = 0; k < scalars.size(); k++) {
        out.add(new Store(buffer, List.of(Constant.integer(k)), Constant.ZERO, assign.origin()));
        Operand arg = call.args().get(callees.params().indexOf(scalars.get(k)));
        if (activity.isActive(arg)) {
          terms.add(Terms.mul(Terms.element(buffer, List.of(Constant.integer(k))),
              tangent(arg)));
        }
      }
    }
    out.add(new Assign(assign.target(), new Call(callee.pullbackCallee(), arguments),
        assign.origin()));
    out.addAll(dots);
    Operand sum = null;
    for (Operand term : terms) {
      sum = sum == null ? term : Terms.add(sum, term);
    }
    out.add(new Assign(dt, new Copy(sum == null ? Constant.ZERO : sum), null));
  }

  /** {@code dot += Σ gradient[..][k] * tangent[..][k]} over every element, row by row. */
  private Stmt dotProduct(Var dot, Var gradient, Var tangent, List<Operand> row, Assign at) {
    Var k = new Var(function.names().numbered("k"), Type.INT);
    List<Operand> indices = new ArrayList<>(row);
    indices.add(k);
    Stmt step;
    if (indices.size() < rank(gradient)) {
      step = dotProduct(dot, gradient, tangent, indices, at);
    } else {
      step = new Assign(dot, new Binary(Binary.Op.ADD, dot, Terms.mul(
          Terms.element(gradient, indices), Terms.element(tangent, indices))), null);
    }
    Operand length = new Nested(new Length(gradient, row), Type.INT);
    return new Loop(new Block(List.of()), null, new Block(List.of(step)), false,
        new Loop.Counted(k, Constant.integer(0), length, false), at.origin());
  }

  private static int rank(Var array) {
    return array.type() == Type.DOUBLE_MATRIX ? 2 : 1;
  }

  private boolean needsTangent(Var v) {
    return activity.isActive(v) || alsoNeeded.contains(v);
  }

  /** The tangent of an operand: its tangent variable, or 0 for a constant or inactive value. */
  private Operand tangent(Operand operand) {
    return operand instanceof Var v && activity.isActive(v) ? tangentVar(v) : Constant.ZERO;
  }

  /** The tangent variable of {@code v}: {@code dq} for {@code q}, of the same shape. */
  private Var tangentVar(Var v) {
    Var tangent = tangents.get(v);
    if (tangent == null) {
      tangent = new Var(function.names().fresh("d" + v.name()), type(v));
      tangents.put(v, tangent);
      managed.add(tangent);
      if (isParameter(v)) {
        prologue.add(new Declare(tangent, new Zeros(v))); // a matrix not differentiated
      }
    }
    return tangent;
  }

  private boolean isParameter(Var v) {
    return function.params().stream().anyMatch(p -> p.var().equals(v));
  }

  private static Type type(Var v) {
    return v.type().isArray() ? v.type() : Type.DOUBLE;
  }
}
