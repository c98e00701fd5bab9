package dev.adjoint.processor.frontend;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Reporter;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Break;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Lowers a method body to three-address SSA IR (see the package documentation), reporting every
 * unsupported construct at its tree and going on, so that one build shows all of a method's
 * errors. Walks the statements with what follows each ({@link Continuation}): blocks, returns,
 * breaks and continues, ifs (merged, or taking what follows when a branch jumps) and
 * declarations here; assignments, expressions, arrays, calls, switches and loops in the classes
 * it builds, which share one {@link LoweringContext}.
 */
final class BodyLowering {
  /** Bounds the copies of statements that early returns inside branches can make. */
  static final int MAX_STATEMENTS = 10_000;

  private final LoweringContext context;
  private final Var result;
  private final String methodName;
  private final LoopNest nest;
  private final ArrayLowering arrays;
  private final RecordReads records;
  private final ExpressionLowering expressions;
  private final AssignmentLowering assignments;
  private final SwitchLowering switches;
  private final LoopLowering loops;
  private int statements;

  /** Stops lowering a method whose early returns expand past {@link #MAX_STATEMENTS}. */
  private static final class TooManyPaths extends RuntimeException {
    TooManyPaths() {
      super(null, null, false, false);
    }
  }

  BodyLowering(Trees trees, CompilationUnitTree unit, JavacAttribution javac, Elements elements,
      Types types, Reporter reporter, NameScope names, Var result, Var receiver,
      String methodName, String generatedClass, PackageElement generatedPackage) {
    this.context = new LoweringContext(trees, unit, javac, reporter, names);
    this.result = result;
    this.methodName = methodName;
    this.nest = new LoopNest(names);
    this.records = new RecordReads(context);
    this.arrays = new ArrayLowering(context, this::lowerOperand, records);
    Visibility visibility = new Visibility(elements, generatedPackage);
    this.expressions = new ExpressionLowering(context, nest, arrays,
        new CallLowering(context, this::lowerOperand, arrays, records, visibility, elements,
            types, generatedClass),
        new FieldReads(context, arrays, visibility, receiver, generatedClass), records,
        this::lowerSwitchExpression, this::lowerIncrement);
    this.assignments = new AssignmentLowering(context, expressions, arrays, nest);
    this.switches = new SwitchLowering(context, this, expressions, nest);
    this.loops = new LoopLowering(context, this, expressions, arrays, records, nest);
  }

  /** The record parameters and the record receiver, flattened, which the body reads. */
  void records(Map<Element, RecordValue> records, RecordValue receiver) {
    context.records.putAll(records);
    context.receiver = receiver;
  }

  /**
   * The body as IR (after errors, what could be lowered, for the checks that follow), or null if
   * it is incomplete: javac reports that.
   */
  Block lower(TreePath body, Map<Element, Var> parameters) {
    List<Stmt> out = new ArrayList<>();
    List<Var> readOnly = new ArrayList<>(parameters.values());
    context.records.values().forEach(r -> readOnly.addAll(r.leaves()));
    if (context.receiver != null) {
      readOnly.addAll(context.receiver.leaves());
    }
    arrays.enterBody(body, readOnly);
    Env env = new Env(new LinkedHashMap<>(parameters));
    try {
      Env end = lowerSequence(
          new Continuation(((BlockTree) body.getLeaf()).getStatements(), 0, body, null), env, out);
      if (end != null) {
        context.incomplete = true; // can complete without return: javac reports "missing return"
      }
    } catch (TooManyPaths e) {
      context.error(body.getParentPath().getLeaf(), Message.TOO_MANY_PATHS, methodName,
          MAX_STATEMENTS);
      return null;
    }
    if (context.incomplete) {
      return null;
    }
    if (nest.returned() != null) {
      out.add(0, new Assign(nest.returned(), new Copy(Constants.of(false)), null));
    }
    if (out.isEmpty() || !(out.get(out.size() - 1) instanceof Assign last
        && last.target().equals(result))) {
      out.add(0, new Declare(result)); // returns inside branches or loops assign the result
    }
    return new Block(out);
  }

  /** For array and call lowering, which are built before {@link #expressions}. */
  private Operand lowerOperand(TreePath path, Env env, List<Stmt> out) {
    return expressions.lowerOperand(path, env, out);
  }

  /** For expression lowering, which is built before {@link #switches}. */
  private void lowerSwitchExpression(TreePath path, Var target, Env env, List<Stmt> out) {
    switches.lowerExpression(path, target, env, out);
  }

  private Var lowerIncrement(TreePath path, Env env, List<Stmt> out) {
    return assignments.increment(path, env, out);
  }

  /** Lowers {@code k}; the environment where control falls off its end, or null if it returns. */
  Env lowerSequence(Continuation k, Env env, List<Stmt> out) {
    Continuation c = k;
    while (c != null) {
      if (c.isEnd()) {
        return env;
      }
      if (c.generated() != null) {
        out.addAll(c.generated().apply(env));
        c = c.next();
        continue;
      }
      if (c.from() >= c.statements().size()) {
        c = c.next();
        continue;
      }
      if (++statements > MAX_STATEMENTS) {
        throw new TooManyPaths();
      }
      StatementTree s = c.statements().get(c.from());
      TreePath path = new TreePath(c.parent(), s);
      context.statement = s;
      if (s instanceof BlockTree block) {
        c = new Continuation(block.getStatements(), 0, path, c.rest());
      } else if (s instanceof ReturnTree ret) {
        if (ret.getExpression() == null) {
          context.incomplete = true;
        } else {
          expressions.lowerInto(new TreePath(path, ret.getExpression()), result, env, out);
        }
        if (nest.inLoop()) {
          out.add(new Assign(nest.returnedFlag(), new Copy(Constants.of(true)),
              context.origin(s)));
          out.add(new Break(context.origin(s)));
        }
        return null;
      } else if (s instanceof BreakTree jump) {
        if (jump.getLabel() != null) {
          context.error(s, Message.UNSUPPORTED, "a labeled break",
              "break out of the innermost loop");
        } else if (Jumps.breakTarget(path) instanceof SwitchTree target) {
          c = switches.exit(target); // ends the switch: what follows it
          continue;
        }
        out.add(new Break(context.origin(s)));
        return null;
      } else if (s instanceof ContinueTree jump) {
        if (jump.getLabel() != null) {
          context.error(s, Message.UNSUPPORTED, "a labeled continue",
              "continue the innermost loop");
          return null;
        }
        c = nest.continueTarget();
      } else if (s instanceof IfTree branch && Jumps.containsJump(branch)) {
        lowerIfWithJump(path, branch, env, c.rest(), out);
        return null;
      } else if (s instanceof SwitchTree choice && !Jumps.isStructured(choice)) {
        return switches.lowerWithJumps(path, choice, env, c.rest(), out);
      } else if (Jumps.isLoop(s)) {
        env = loops.lowerLoop(path, s, env, out);
        if (env != null && Jumps.containsReturn(s)) {
          // a return inside the loop left it: that path ends (or leaves the enclosing loop too)
          List<Stmt> left = !nest.inLoop() ? List.of() : List.of(new Break(context.origin(s)));
          List<Stmt> stayed = new ArrayList<>();
          Env end = lowerSequence(c.rest(), env.copy(), stayed);
          out.add(new If(nest.condition(nest.returned(), out, context.origin(s)),
              new Block(left), new Block(stayed), context.origin(s)));
          return end;
        }
        c = c.rest();
      } else {
        env = lowerStatement(path, s, env, out);
        c = c.rest();
      }
    }
    return env;
  }

  /** An if that returns, breaks or continues on some path: what follows moves into both sides. */
  private void lowerIfWithJump(TreePath path, IfTree branch, Env env, Continuation rest,
      List<Stmt> out) {
    Operand condition = condition(path, branch, env, out);
    Origin origin = context.source.origin(branch, branch.getCondition());
    List<Stmt> then = new ArrayList<>();
    List<Stmt> otherwise = new ArrayList<>();
    Env thenEnd = lowerSequence(
        new Continuation(List.of(branch.getThenStatement()), 0, path, rest), env.copy(), then);
    Env elseEnd = branch.getElseStatement() == null
        ? lowerSequence(rest, env.copy(), otherwise)
        : lowerSequence(new Continuation(List.of(branch.getElseStatement()), 0, path, rest),
            env.copy(), otherwise);
    if ((thenEnd != null || elseEnd != null) && !nest.inLoop()) {
      context.incomplete = true; // can fall off the end of the method: javac reports it
    }
    out.add(new If(condition, new Block(then), new Block(otherwise), origin));
  }

  /** Lowers one statement that neither jumps nor is a block or a loop; the environment after it. */
  Env lowerStatement(TreePath path, StatementTree s, Env env, List<Stmt> out) {
    switch (s.getKind()) {
      case VARIABLE -> lowerDeclaration(path, (VariableTree) s, env, out);
      case EXPRESSION_STATEMENT -> assignments.lower(
          new TreePath(path, ((ExpressionStatementTree) s).getExpression()), env, out);
      case IF -> {
        return lowerIf(path, (IfTree) s, env, out);
      }
      case EMPTY_STATEMENT -> { }
      case TRY -> context.error(s, Message.EXCEPTION, "try");
      case THROW -> context.error(s, Message.EXCEPTION, "throw");
      case SWITCH -> {
        return switches.lower(path, (SwitchTree) s, env, out);
      }
      case YIELD -> switches.reportEarlyYield(s);
      case SYNCHRONIZED -> context.error(s, Message.UNSUPPORTED, "synchronized",
          "the generated code keeps no state, so there is nothing to lock; remove it");
      case CLASS -> context.error(s, Message.UNSUPPORTED, "a local class",
          "declare it outside the method");
      case LABELED_STATEMENT -> context.error(s, Message.UNSUPPORTED, "a labeled statement",
          "remove the label");
      case ASSERT -> context.error(s, Message.UNSUPPORTED, "assert",
          "check the input before the call");
      default -> context.unsupportedStatement(s);
    }
    return env;
  }

  private void lowerDeclaration(TreePath path, VariableTree declaration, Env env,
      List<Stmt> out) {
    Element local = context.javac.elementOf(path);
    if (Parameters.isRecord(local.asType()) && declaration.getInitializer() != null) {
      RecordValue value = records.value(new TreePath(path, declaration.getInitializer()));
      if (value != null && arrays.reassigned(local)) {
        context.error(declaration, Message.UNSUPPORTED, "assigning record local '"
            + declaration.getName() + "' again", "declare a new local for each record");
      } else if (value != null) {
        context.records.put(local, value); // another name for a record parameter or component
      }
      return;
    }
    Type type = context.valueType(declaration, local.asType(),
        "local variable '" + declaration.getName() + "'");
    if (type == null) {
      return;
    }
    ExpressionTree init = declaration.getInitializer();
    if (init == null) {
      env.versions.put(local, Env.UNASSIGNED);
      return;
    }
    if (arrays.declareAlias(path, local, type, init, env, out)) {
      return;
    }
    Var v = !nest.inLoop() ? new Var(context.names.claim(declaration.getName().toString()), type)
        : nest.variable(local, type);
    Var readOnly = arrays.readOnlySource(new TreePath(path, init), local, env);
    if (readOnly != null) {
      out.add(new Assign(v, new CloneArray(readOnly), context.origin(declaration)));
    } else {
      expressions.lowerInto(new TreePath(path, init), v, env, out);
    }
    env.versions.put(local, v);
  }

  /** The condition of {@code branch}, lowered before either side. */
  private Operand condition(TreePath path, IfTree branch, Env env, List<Stmt> out) {
    return nest.condition(
        expressions.lowerOperand(new TreePath(path, branch.getCondition()), env, out), out,
        context.origin(branch));
  }

  private Env lowerIf(TreePath path, IfTree branch, Env env, List<Stmt> out) {
    Operand condition = condition(path, branch, env, out);
    Origin origin = context.source.origin(branch, branch.getCondition());
    List<Stmt> then = new ArrayList<>();
    List<Stmt> otherwise = new ArrayList<>();
    Env thenEnd = lowerSequence(
        new Continuation(List.of(branch.getThenStatement()), 0, path, null), env.copy(), then);
    Env elseEnd = branch.getElseStatement() == null ? env.copy() : lowerSequence(
        new Continuation(List.of(branch.getElseStatement()), 0, path, null), env.copy(),
        otherwise);
    Env merged = merge(env, List.of(thenEnd, elseEnd), List.of(then, otherwise), origin, out);
    out.add(new If(condition, new Block(then), new Block(otherwise), origin));
    return merged;
  }

  /**
   * The environment after branches that started from {@code env} and ended in {@code ends}: a
   * local with different versions at the ends gets a new version, declared in {@code out} and
   * assigned at the end of each branch.
   */
  Env merge(Env env, List<Env> ends, List<List<Stmt>> branches, Origin origin,
      List<Stmt> out) {
    Env merged = env.copy();
    for (Element local : env.versions.keySet()) {
      Var first = ends.get(0).versions.get(local);
      boolean same = true;
      boolean unassigned = false;
      for (Env end : ends) {
        Var v = end.versions.get(local);
        same &= v == first;
        unassigned |= v == Env.UNASSIGNED;
      }
      if (same) {
        merged.versions.put(local, first);
      } else if (unassigned) {
        merged.versions.put(local, Env.UNASSIGNED);
      } else {
        Var m = nest.newVersion(local);
        out.add(new Declare(m));
        for (int i = 0; i < ends.size(); i++) {
          branches.get(i).add(new Assign(m, new Copy(ends.get(i).versions.get(local)), origin));
        }
        merged.versions.put(local, m);
      }
    }
    return merged;
  }
}
