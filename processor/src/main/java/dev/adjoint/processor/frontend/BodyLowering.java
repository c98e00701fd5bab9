package dev.adjoint.processor.frontend;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.tree.YieldTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Reporter;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Break;
import dev.adjoint.processor.ir.Cast;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.rules.DerivativeRules;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * Lowers a method body to three-address SSA IR (see the package documentation), reporting every
 * unsupported construct at its tree and going on, so that one build shows all of a method's
 * errors.
 */
final class BodyLowering {
  /** Bounds the copies of statements that early returns inside branches can make. */
  static final int MAX_STATEMENTS = 10_000;

  private static final Var UNASSIGNED = new Var("<unassigned>", Type.DOUBLE);
  private static final Constant POISON = new Constant(Type.DOUBLE, "0.0");

  private final Trees trees;
  private final CompilationUnitTree unit;
  private final JavacAttribution javac;
  private final SourceText source;
  private final Elements elements;
  private final javax.lang.model.util.Types types;
  /** {@code self} in an instance method, whose fields the body reads; null in static ones. */
  private final Var receiver;
  private final Reporter reporter;
  private final NameScope names;
  private final Var result;
  private final String methodName;
  private final String generatedClass;
  private final PackageElement generatedPackage;
  private int statements;
  private int errors;
  private boolean incomplete;
  private Tree statement;
  /** The loops around the statement being lowered, innermost first. */
  private final Deque<LoopContext> loops = new ArrayDeque<>();
  /** Inside loops a local is one mutable variable, not SSA versions: its variable per element. */
  private final Map<Element, Var> loopVariables = new HashMap<>();
  /** Parameters, whose arrays the generated code must never write. */
  private final Set<Var> parameterVars = new HashSet<>();
  /** Static array fields read as constant tables. */
  private final Set<Var> fieldArrays = new HashSet<>();
  /** {@code double[] row = m[i]} and {@code for (double[] row : m)}: rows by element. */
  private final Map<Element, RowAlias> rowAliases = new HashMap<>();
  /**
   * Where a {@code break} goes out of each switch statement lowered with what follows it in
   * every branch (see {@link #lowerSwitchWithJumps}), while its branches are lowered.
   */
  private final Map<Tree, Continuation> switchExits = new IdentityHashMap<>();
  /** Set when a {@code return} inside a loop leaves it early; null until one does. */
  private Var returned;
  private TreePath body;

  /** A {@code double[]} local standing for row {@code index} of {@code matrix}. */
  private record RowAlias(Var matrix, Operand index) {}

  /** Where {@code continue} goes inside a loop: the update, then the end of the iteration. */
  private record LoopContext(Continuation continueTarget) {}

  /** The current SSA version of each local variable and parameter. */
  private static final class Env {
    final Map<Element, Var> versions;

    Env(Map<Element, Var> versions) {
      this.versions = versions;
    }

    Env copy() {
      return new Env(new LinkedHashMap<>(versions));
    }
  }

  /**
   * The statements still to lower: the rest of one statement list, then what follows it. A
   * frame with {@code isEnd} marks the end of a loop body: the path ends there.
   */
  private record Continuation(List<? extends StatementTree> statements, int from, TreePath parent,
      Continuation next, boolean isEnd, java.util.function.Supplier<List<Stmt>> generated) {
    Continuation(List<? extends StatementTree> statements, int from, TreePath parent,
        Continuation next) {
      this(statements, from, parent, next, false, null);
    }

    static Continuation end() {
      return new Continuation(List.of(), 0, null, null, true, null);
    }

    /** Statements made by the lowering itself (a for-each's index step), then {@code next}. */
    static Continuation generated(java.util.function.Supplier<List<Stmt>> statements,
        Continuation next) {
      return new Continuation(List.of(), 0, null, next, false, statements);
    }

    Continuation rest() {
      return new Continuation(statements, from + 1, parent, next, false, null);
    }
  }

  /** Stops lowering a method whose early returns expand past {@link #MAX_STATEMENTS}. */
  private static final class TooManyPaths extends RuntimeException {
    TooManyPaths() {
      super(null, null, false, false);
    }
  }

  BodyLowering(Trees trees, CompilationUnitTree unit, JavacAttribution javac, Elements elements,
      javax.lang.model.util.Types types, Reporter reporter, NameScope names, Var result,
      Var receiver, String methodName, String generatedClass, PackageElement generatedPackage) {
    this.types = types;
    this.receiver = receiver;
    this.trees = trees;
    this.unit = unit;
    this.javac = javac;
    this.source = new SourceText(trees, unit);
    this.elements = elements;
    this.reporter = reporter;
    this.names = names;
    this.result = result;
    this.methodName = methodName;
    this.generatedClass = generatedClass;
    this.generatedPackage = generatedPackage;
  }

  /**
   * The body as IR (after errors, what could be lowered, for the checks that follow), or null if
   * it is incomplete: javac reports that.
   */
  Block lower(TreePath body, Map<Element, Var> parameters) {
    this.body = body;
    List<Stmt> out = new ArrayList<>();
    parameterVars.addAll(parameters.values());
    Env env = new Env(new LinkedHashMap<>(parameters));
    try {
      Env end = lowerSequence(
          new Continuation(((BlockTree) body.getLeaf()).getStatements(), 0, body, null), env, out);
      if (end != null) {
        incomplete = true; // can complete without return: javac reports "missing return"
      }
    } catch (TooManyPaths e) {
      reporter.error(trees, unit, body.getParentPath().getLeaf(), Message.TOO_MANY_PATHS,
          methodName, MAX_STATEMENTS);
      return null;
    }
    if (incomplete) {
      return null;
    }
    if (returned != null) {
      out.add(0, new Assign(returned, new Copy(Constants.of(false)), null));
    }
    if (out.isEmpty() || !(out.get(out.size() - 1) instanceof Assign last
        && last.target().equals(result))) {
      out.add(0, new Declare(result)); // returns inside branches or loops assign the result
    }
    return new Block(out);
  }

  // ---- statements ------------------------------------------------------------------------

  /** Lowers {@code k}; the environment where control falls off its end, or null if it returns. */
  private Env lowerSequence(Continuation k, Env env, List<Stmt> out) {
    Continuation c = k;
    while (c != null) {
      if (c.isEnd()) {
        return env;
      }
      if (c.generated() != null) {
        out.addAll(c.generated().get());
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
      statement = s;
      if (s instanceof BlockTree block) {
        c = new Continuation(block.getStatements(), 0, path, c.rest());
      } else if (s instanceof ReturnTree ret) {
        if (ret.getExpression() == null) {
          incomplete = true;
        } else {
          lowerInto(new TreePath(path, ret.getExpression()), result, env, out);
        }
        if (!loops.isEmpty()) {
          out.add(new Assign(returnedFlag(), new Copy(Constants.of(true)), origin(s)));
          out.add(new Break(origin(s)));
        }
        return null;
      } else if (s instanceof BreakTree jump) {
        if (jump.getLabel() != null) {
          error(s, Message.UNSUPPORTED, "a labeled break", "break out of the innermost loop");
        } else if (breakTarget(path) instanceof SwitchTree target) {
          c = switchExits.get(target); // ends the switch: what follows it
          if (c == null) {
            throw new IllegalStateException("a break inside a switch lowered as if / else");
          }
          continue;
        }
        out.add(new Break(origin(s)));
        return null;
      } else if (s instanceof ContinueTree jump) {
        if (jump.getLabel() != null) {
          error(s, Message.UNSUPPORTED, "a labeled continue", "continue the innermost loop");
          return null;
        }
        c = loops.peek().continueTarget();
      } else if (s instanceof IfTree branch && containsJump(branch)) {
        lowerIfWithJump(path, branch, env, c.rest(), out);
        return null;
      } else if (s instanceof SwitchTree choice && !isStructured(choice)) {
        return lowerSwitchWithJumps(path, choice, env, c.rest(), out);
      } else if (isLoop(s)) {
        env = lowerLoop(path, s, env, out);
        if (env != null && containsReturn(s)) {
          // a return inside the loop left it: that path ends (or leaves the enclosing loop too)
          List<Stmt> left = loops.isEmpty() ? List.of() : List.of(new Break(origin(s)));
          List<Stmt> stayed = new ArrayList<>();
          Env end = lowerSequence(c.rest(), env.copy(), stayed);
          out.add(new If(condition(returned, out, origin(s)), new Block(left), new Block(stayed),
              origin(s)));
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
    Operand condition = condition(
        lowerOperand(new TreePath(path, branch.getCondition()), env, out), out, origin(branch));
    Origin origin = source.origin(branch, branch.getCondition());
    List<Stmt> then = new ArrayList<>();
    List<Stmt> otherwise = new ArrayList<>();
    Env thenEnd = lowerSequence(
        new Continuation(List.of(branch.getThenStatement()), 0, path, rest), env.copy(), then);
    Env elseEnd = branch.getElseStatement() == null
        ? lowerSequence(rest, env.copy(), otherwise)
        : lowerSequence(new Continuation(List.of(branch.getElseStatement()), 0, path, rest),
            env.copy(), otherwise);
    if ((thenEnd != null || elseEnd != null) && loops.isEmpty()) {
      incomplete = true; // can fall off the end of the method: javac reports it
    }
    out.add(new If(condition, new Block(then), new Block(otherwise), origin));
  }

  private Env lowerStatement(TreePath path, StatementTree s, Env env, List<Stmt> out) {
    switch (s.getKind()) {
      case VARIABLE -> lowerDeclaration(path, (VariableTree) s, env, out);
      case EXPRESSION_STATEMENT -> lowerExpressionStatement(
          new TreePath(path, ((ExpressionStatementTree) s).getExpression()), env, out);
      case IF -> {
        return lowerIf(path, (IfTree) s, env, out);
      }
      case EMPTY_STATEMENT -> { }
      case TRY -> error(s, Message.EXCEPTION, "try");
      case THROW -> error(s, Message.EXCEPTION, "throw");
      case SWITCH -> {
        return lowerSwitch(path, (SwitchTree) s, env, out);
      }
      case YIELD -> error(s, Message.SWITCH, "a yield before the end of its case",
          "assign the value to a local variable and yield it as the last statement of the case");
      case SYNCHRONIZED -> error(s, Message.UNSUPPORTED, "synchronized",
          "the generated code keeps no state, so there is nothing to lock; remove it");
      case CLASS -> error(s, Message.UNSUPPORTED, "a local class",
          "declare it outside the method");
      case LABELED_STATEMENT -> error(s, Message.UNSUPPORTED, "a labeled statement",
          "remove the label");
      case ASSERT -> error(s, Message.UNSUPPORTED, "assert", "check the input before the call");
      default -> error(s, Message.UNSUPPORTED, "this statement (" + kindName(s) + ")",
          "use local variables, assignments, if / else and return");
    }
    return env;
  }

  private void lowerDeclaration(TreePath path, VariableTree declaration, Env env,
      List<Stmt> out) {
    Element local = javac.elementOf(path);
    Type type = valueType(declaration, local.asType(), "local variable '" + declaration.getName()
        + "'");
    if (type == null) {
      return;
    }
    ExpressionTree init = declaration.getInitializer();
    if (init == null) {
      env.versions.put(local, UNASSIGNED);
      return;
    }
    if (type.isArray() && init instanceof ArrayAccessTree row) {
      RowAlias alias = rowOf(new TreePath(path, row), env, out);
      if (alias != null) {
        rowAliases.put(local, alias);
      }
      return;
    }
    if (type.isArray() && (init.getKind() == Tree.Kind.IDENTIFIER
        || init.getKind() == Tree.Kind.MEMBER_SELECT)) {
      Element other = javac.elementOf(new TreePath(path, init));
      if (other != null && rowAliases.containsKey(other)) {
        rowAliases.put(local, rowAliases.get(other)); // another name for the same row
        return;
      }
    }
    if (type == Type.DOUBLE_MATRIX && isClone(init)) {
      // m.clone() shares m's rows: fine for reading a parameter (never written) through a
      // copy that is never written either
      MemberSelectTree select = (MemberSelectTree) ((MethodInvocationTree) init).getMethodSelect();
      Operand source = lowerOperand(new TreePath(new TreePath(new TreePath(path, init),
          select), select.getExpression()), env, out);
      if (!(source instanceof Var matrix && parameterVars.contains(matrix)
          && !elementsWritten(local))) {
        error(init, Message.ARRAY, "clone() of a matrix that is written (clone copies only the"
            + " row references)", "copy it into 'new double[m][n]' element by element");
      }
      if (source instanceof Var matrix) {
        env.versions.put(local, matrix); // read as the matrix (after an error: no more errors)
      }
      return;
    }
    Var v = loops.isEmpty() ? new Var(names.claim(declaration.getName().toString()), type)
        : loopVariable(local, type);
    lowerInto(new TreePath(path, init), v, env, out);
    env.versions.put(local, v);
  }

  private static boolean isClone(ExpressionTree e) {
    return e instanceof MethodInvocationTree call && call.getArguments().isEmpty()
        && call.getMethodSelect() instanceof MemberSelectTree select
        && select.getIdentifier().contentEquals("clone");
  }

  /** Whether the method writes an element of array {@code local} ({@code a[i] = ...}). */
  private boolean elementsWritten(Element local) {
    boolean[] written = {false};
    forEachElementWrite(local, path -> written[0] = true);
    return written[0];
  }

  /**
   * Whether an element of array {@code local} may be written after {@code call} runs: later in
   * the source, or anywhere in a loop around the call (its next iteration). If not, the
   * backward sweep may hand the callee's pullback the array itself instead of a copy.
   */
  private boolean writtenAfter(Element local, TreePath call) {
    var positions = trees.getSourcePositions();
    long end = positions.getEndPosition(unit, call.getLeaf());
    Set<Tree> loopsAround = new HashSet<>();
    for (TreePath p = call; p != null; p = p.getParentPath()) {
      if (isLoop(p.getLeaf())) {
        loopsAround.add(p.getLeaf());
      }
    }
    boolean[] written = {false};
    forEachElementWrite(local, path -> {
      boolean inLoopAround = false;
      for (TreePath p = path; p != null; p = p.getParentPath()) {
        inLoopAround |= loopsAround.contains(p.getLeaf());
      }
      written[0] |= inLoopAround || positions.getStartPosition(unit, path.getLeaf()) > end;
    });
    return written[0];
  }

  private void forEachElementWrite(Element local, java.util.function.Consumer<TreePath> action) {
    AssignmentTargets.forEach(body, (target, path) -> {
      ExpressionTree root = target;
      TreePath rootPath = path;
      while (root instanceof ArrayAccessTree access) {
        root = access.getExpression();
        rootPath = new TreePath(rootPath, root);
      }
      if (root != target && root instanceof IdentifierTree
          && local.equals(javac.elementOf(rootPath))) {
        action.accept(path);
      }
    });
  }

  private void lowerExpressionStatement(TreePath path, Env env, List<Stmt> out) {
    ExpressionTree e = (ExpressionTree) path.getLeaf();
    switch (e.getKind()) {
      case ASSIGNMENT -> {
        AssignmentTree assignment = (AssignmentTree) e;
        if (assignment.getVariable() instanceof ArrayAccessTree element) {
          Operand value = lowerOperand(new TreePath(path, assignment.getExpression()), env, out);
          store(new TreePath(path, element), value, null, env, out);
          return;
        }
        Element target = assignedLocal(new TreePath(path, assignment.getVariable()));
        if (target != null) {
          Var v = newVersion(target);
          lowerInto(new TreePath(path, assignment.getExpression()), v, env, out);
          env.versions.put(target, v);
        }
      }
      case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> {
        UnaryTree step = (UnaryTree) e;
        boolean up = e.getKind() == Tree.Kind.PREFIX_INCREMENT
            || e.getKind() == Tree.Kind.POSTFIX_INCREMENT;
        update(path, step.getExpression(), up ? Binary.Op.ADD : Binary.Op.SUB,
            new Constant(Type.INT, "1"), env, out);
      }
      case METHOD_INVOCATION -> error(e, Message.UNSUPPORTED,
          "a call whose result is not used", "a @Differentiable method computes a value only");
      default -> {
        Binary.Op op = compoundOperator(e.getKind());
        if (op == null) {
          error(e, Message.UNSUPPORTED, "this statement (" + kindName(e) + ")",
              "use local variables, assignments, if / else and return");
          return;
        }
        CompoundAssignmentTree compound = (CompoundAssignmentTree) e;
        Operand rhs = lowerOperand(new TreePath(path, compound.getExpression()), env, out);
        update(path, compound.getVariable(), op, rhs, env, out);
      }
    }
  }

  /** {@code v op= rhs}: a new version of {@code v} from the old one, cast back to its type. */
  private void update(TreePath path, ExpressionTree variable, Binary.Op op, Operand rhs, Env env,
      List<Stmt> out) {
    if (variable instanceof ArrayAccessTree element) {
      TreePath elementPath = new TreePath(path, element);
      Load old = load(elementPath, env, out);
      Type type = typeOf(elementPath);
      if (old == null || type == null) {
        return;
      }
      Origin origin = source.origin(statement, variable);
      if (type == Type.DOUBLE && (op == Binary.Op.ADD || op == Binary.Op.SUB)) {
        store(elementPath, rhs, op, env, out); // a[i] += x: linear, nothing to save
        return;
      }
      Var value = new Var(names.numbered("t"), type);
      out.add(new Assign(value, old, origin));
      Type operation = Type.promote(type, rhs.type());
      Var updated = new Var(names.numbered("t"), operation);
      out.add(new Assign(updated, new Binary(op, value, rhs), origin));
      Operand stored = updated;
      if (operation != type) {
        Var narrowed = new Var(names.numbered("t"), type);
        out.add(new Assign(narrowed, new Cast(type, updated), origin));
        stored = narrowed;
      }
      store(elementPath, stored, null, env, out);
      return;
    }
    Element target = assignedLocal(new TreePath(path, variable));
    if (target == null) {
      return;
    }
    Var old = read(target, variable, env);
    Var v = newVersion(target);
    Type operation = Type.promote(old.type(), rhs.type());
    if (op.ordinal() >= Binary.Op.AND.ordinal() && old.type() == Type.BOOLEAN) {
      operation = Type.BOOLEAN;
    }
    Origin origin = source.origin(statement, variable);
    if (operation == v.type()) {
      out.add(new Assign(v, new Binary(op, old, rhs), origin));
    } else {
      Var wide = new Var(names.numbered("t"), operation);
      out.add(new Assign(wide, new Binary(op, old, rhs), origin));
      out.add(new Assign(v, new Cast(v.type(), wide), origin));
    }
    env.versions.put(target, v);
  }

  private Env lowerIf(TreePath path, IfTree branch, Env env, List<Stmt> out) {
    Operand condition = condition(
        lowerOperand(new TreePath(path, branch.getCondition()), env, out), out, origin(branch));
    Origin origin = source.origin(branch, branch.getCondition());
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
  private Env merge(Env env, List<Env> ends, List<List<Stmt>> branches, Origin origin,
      List<Stmt> out) {
    Env merged = env.copy();
    for (Element local : env.versions.keySet()) {
      Var first = ends.get(0).versions.get(local);
      boolean same = true;
      boolean unassigned = false;
      for (Env end : ends) {
        Var v = end.versions.get(local);
        same &= v == first;
        unassigned |= v == UNASSIGNED;
      }
      if (same) {
        merged.versions.put(local, first);
      } else if (unassigned) {
        merged.versions.put(local, UNASSIGNED);
      } else {
        Var m = newVersion(local);
        out.add(new Declare(m));
        for (int i = 0; i < ends.size(); i++) {
          branches.get(i).add(new Assign(m, new Copy(ends.get(i).versions.get(local)), origin));
        }
        merged.versions.put(local, m);
      }
    }
    return merged;
  }

  // ---- switch ----------------------------------------------------------------------------

  /**
   * Case labels sharing statements ({@code case 1: case 2:} or {@code case 1, 2 ->}): the
   * condition that selects them (null for the group holding {@code default}), the case that
   * holds the statements and its path.
   */
  private record CaseGroup(Operand condition, CaseTree holder, TreePath path) {
    boolean isDefault() {
      return condition == null;
    }

    boolean isRule() {
      return holder.getCaseKind() == CaseTree.CaseKind.RULE;
    }

    /** The statements run when the group is selected, and the path of their parent. */
    List<? extends StatementTree> statements() {
      return statementsOf(holder);
    }

    TreePath statementsParent() {
      return isRule() && holder.getBody() instanceof BlockTree block
          ? new TreePath(path, block) : path;
    }
  }

  /**
   * The statements of a case: a group's statements, the statements of a rule's block, or a
   * rule's one statement; empty for a rule whose body is an expression (a switch expression).
   */
  private static List<? extends StatementTree> statementsOf(CaseTree c) {
    if (c.getCaseKind() == CaseTree.CaseKind.RULE) {
      Tree body = c.getBody();
      return body instanceof BlockTree block ? block.getStatements()
          : body instanceof StatementTree statement ? List.of(statement) : List.of();
    }
    return c.getStatements();
  }

  /** {@code statements} without a last unlabeled {@code break}, which ends the switch. */
  private static List<? extends StatementTree> withoutFinalBreak(
      List<? extends StatementTree> statements) {
    return endsInBreak(statements) ? statements.subList(0, statements.size() - 1) : statements;
  }

  private static boolean endsInBreak(List<? extends StatementTree> statements) {
    return !statements.isEmpty() && statements.get(statements.size() - 1) instanceof BreakTree b
        && b.getLabel() == null;
  }

  /**
   * Whether a switch statement lowers to if / else if / else with its branches merged, like an
   * if: every case group ends with {@code break} or is the last one (no fall-through from a
   * group with statements into the next), and nothing else in it leaves the switch (no other
   * break, no return, no continue). Any other switch is lowered with what follows it copied
   * into each branch, as an if that returns is ({@link #lowerSwitchWithJumps}).
   */
  static boolean isStructured(SwitchTree choice) {
    List<? extends CaseTree> cases = choice.getCases();
    for (int i = 0; i < cases.size(); i++) {
      CaseTree c = cases.get(i);
      List<? extends StatementTree> statements = statementsOf(c);
      if (c.getCaseKind() == CaseTree.CaseKind.STATEMENT && i < cases.size() - 1
          && !statements.isEmpty() && !endsInBreak(statements)) {
        return false; // falls through, or leaves by return, continue or throw
      }
      for (StatementTree statement : withoutFinalBreak(statements)) {
        if (jumps(statement, true, true, true)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The loop or switch statement an unlabeled {@code break} at {@code path} ends. */
  private static Tree breakTarget(TreePath path) {
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      if (isLoop(p.getLeaf()) || p.getLeaf().getKind() == Tree.Kind.SWITCH) {
        return p.getLeaf();
      }
    }
    return null;
  }

  /**
   * Checks the selector and the labels of a switch and emits the condition of each case group
   * ({@code k == 1 | k == 2}) into {@code out}, before any branch runs; the groups in source
   * order, or null after an error.
   */
  private List<CaseGroup> caseGroups(TreePath path, ExpressionTree selector,
      List<? extends CaseTree> cases, Env env, List<Stmt> out) {
    for (CaseTree c : cases) {
      Tree pattern = patternOrGuard(c);
      if (pattern != null) {
        error(pattern, Message.SWITCH, "a pattern or a guard in a case label",
            "use constant labels ('case 1, 2 ->') over an int value, or if / else if / else");
        return null;
      }
    }
    TreePath selectorPath = new TreePath(path, selector);
    TypeMirror selectorType = javac.typeOf(selectorPath);
    if (selectorType == null || selectorType.getKind() == TypeKind.ERROR) {
      incomplete = true;
      return null;
    }
    switch (selectorType.getKind()) {
      case INT, CHAR, SHORT, BYTE -> { }
      default -> {
        error(selector, Message.SWITCH, "a switch over a value of type " + selectorType,
            "switch over an int, char, short or byte value (a label, an index, a size), or use"
                + " if / else if / else");
        return null;
      }
    }
    Tree before = statement;
    statement = path.getLeaf();
    Operand value = lowerOperand(selectorPath, env, out);
    List<CaseGroup> groups = new ArrayList<>();
    List<CaseTree> labels = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      CaseTree c = cases.get(i);
      labels.add(c);
      if (c.getCaseKind() == CaseTree.CaseKind.STATEMENT && c.getStatements().isEmpty()
          && i < cases.size() - 1) {
        continue; // 'case 1: case 2: ...': one group
      }
      TreePath casePath = new TreePath(path, c);
      Operand condition = null;
      if (labels.stream().noneMatch(label -> label.getExpressions().isEmpty())) {
        for (CaseTree label : labels) {
          statement = label;
          TreePath labelPath = new TreePath(path, label);
          for (ExpressionTree constant : label.getExpressions()) {
            Origin origin = source.origin(label, constant);
            Operand k = lowerOperand(new TreePath(labelPath, constant), env, out);
            Var equal = new Var(names.numbered("c"), Type.BOOLEAN);
            out.add(new Assign(equal, new Binary(Binary.Op.EQ, value, k), origin));
            if (condition == null) {
              condition = equal;
            } else {
              Var either = new Var(names.numbered("c"), Type.BOOLEAN);
              out.add(new Assign(either, new Binary(Binary.Op.OR, condition, equal), origin));
              condition = either;
            }
          }
        }
      }
      groups.add(new CaseGroup(condition, c, casePath));
      labels.clear();
    }
    statement = before;
    return groups;
  }

  /** A pattern label or a guard ({@code case Integer i when ...}, Java 21), else null. */
  private static Tree patternOrGuard(CaseTree c) {
    try {
      if (CaseTree.class.getMethod("getGuard").invoke(c) instanceof Tree guard) {
        return guard;
      }
    } catch (ReflectiveOperationException | RuntimeException beforeJava21) {
      // no guards
    }
    try {
      if (CaseTree.class.getMethod("getLabels").invoke(c) instanceof List<?> labels) {
        for (Object label : labels) {
          if (label instanceof Tree tree && tree.getKind().name().contains("PATTERN")) {
            return tree;
          }
        }
      }
    } catch (ReflectiveOperationException | RuntimeException beforeJava17) {
      // constant labels only
    }
    return null;
  }

  /**
   * Appends if (c1) {b1} else if (c2) {b2} ... else {default} to {@code out}: the groups in
   * source order, the default group (or {@code none}) last, whatever its place in the source.
   */
  private void chain(List<CaseGroup> groups, List<List<Stmt>> branches, List<Stmt> none,
      List<Stmt> out) {
    List<Stmt> otherwise = none;
    for (int i = 0; i < groups.size(); i++) {
      if (groups.get(i).isDefault()) {
        otherwise = branches.get(i);
      }
    }
    for (int i = groups.size() - 1; i >= 0; i--) {
      CaseGroup group = groups.get(i);
      if (!group.isDefault()) {
        otherwise = List.of(new If(group.condition(), new Block(branches.get(i)),
            new Block(otherwise), source.origin(group.holder(), group.holder())));
      }
    }
    out.addAll(otherwise);
  }

  /**
   * A switch statement that {@link #isStructured} accepts: if / else if / else, each branch the
   * statements of one group without its final break, merged afterwards like an if.
   */
  private Env lowerSwitch(TreePath path, SwitchTree choice, Env env, List<Stmt> out) {
    List<CaseGroup> groups = caseGroups(path, choice.getExpression(), choice.getCases(), env,
        out);
    if (groups == null) {
      return env;
    }
    List<Env> ends = new ArrayList<>();
    List<List<Stmt>> branches = new ArrayList<>();
    for (CaseGroup group : groups) {
      forgetGroupLocals(groups);
      List<Stmt> branch = new ArrayList<>();
      Env end = lowerSequence(new Continuation(withoutFinalBreak(group.statements()), 0,
          group.statementsParent(), null), env.copy(), branch);
      if (end == null) {
        throw new IllegalStateException("a structured switch left early");
      }
      ends.add(end);
      branches.add(branch);
    }
    List<Stmt> none = new ArrayList<>();
    if (groups.stream().noneMatch(CaseGroup::isDefault)) {
      ends.add(env.copy());
      branches.add(none);
    }
    Env merged = merge(env, ends, branches, origin(choice), out);
    chain(groups, branches, none, out);
    return merged;
  }

  /**
   * A switch statement with fall-through, a break before the end of a case, a return or a
   * continue: like an if that returns, each branch is lowered with everything that follows it,
   * the groups after it in the source (fall-through) and then the statements after the switch
   * ({@code rest}), where a break inside the switch goes. Returns what lowering the rest
   * returned after an error, else null (the branches hold the rest).
   */
  private Env lowerSwitchWithJumps(TreePath path, SwitchTree choice, Env env, Continuation rest,
      List<Stmt> out) {
    List<CaseGroup> groups = caseGroups(path, choice.getExpression(), choice.getCases(), env,
        out);
    if (groups == null) {
      return lowerSequence(rest, env, out);
    }
    List<Continuation> entries = new ArrayList<>();
    Continuation next = rest;
    for (int i = groups.size() - 1; i >= 0; i--) {
      CaseGroup group = groups.get(i);
      next = new Continuation(group.statements(), 0, group.statementsParent(),
          group.isRule() ? rest : next);
      entries.add(0, next);
    }
    List<List<Stmt>> branches = new ArrayList<>();
    List<Stmt> none = new ArrayList<>();
    Continuation outer = switchExits.put(choice, rest);
    try {
      for (Continuation entry : entries) {
        forgetGroupLocals(groups);
        List<Stmt> branch = new ArrayList<>();
        endPath(lowerSequence(entry, env.copy(), branch));
        branches.add(branch);
      }
      if (groups.stream().noneMatch(CaseGroup::isDefault)) {
        endPath(lowerSequence(rest, env.copy(), none));
      }
    } finally {
      if (outer == null) {
        switchExits.remove(choice);
      } else {
        switchExits.put(choice, outer);
      }
    }
    chain(groups, branches, none, out);
    return null;
  }

  /**
   * A local declared in one case group is in scope in the groups after it, where it is
   * assigned before it is read: inside a loop, each branch gets its own variable for it, so
   * that no branch assigns a variable first declared in another one.
   */
  private void forgetGroupLocals(List<CaseGroup> groups) {
    for (CaseGroup group : groups) {
      if (group.isRule()) {
        continue; // a rule's block is its own scope
      }
      for (StatementTree s : group.statements()) {
        if (s instanceof VariableTree) {
          loopVariables.remove(javac.elementOf(new TreePath(group.path(), s)));
        }
      }
    }
  }

  /** A path lowered with what follows it ended in {@code end}: past the method's end if not null. */
  private void endPath(Env end) {
    if (end != null && loops.isEmpty()) {
      incomplete = true; // can fall off the end of the method: javac reports it
    }
  }

  /**
   * {@code switch (k) { case 0 -> a; default -> { ...; yield b; } }} into {@code target}: the
   * same if / else if / else, each branch assigning {@code target}; a case block yields as its
   * last statement only.
   */
  private void lowerSwitchExpression(TreePath path, Var target, Env env, List<Stmt> out) {
    SwitchExpressionTree choice = (SwitchExpressionTree) path.getLeaf();
    Tree before = statement;
    List<CaseGroup> groups = caseGroups(path, choice.getExpression(), choice.getCases(), env,
        out);
    if (groups == null) {
      return;
    }
    List<Env> ends = new ArrayList<>();
    List<List<Stmt>> branches = new ArrayList<>();
    for (CaseGroup group : groups) {
      forgetGroupLocals(groups);
      List<Stmt> branch = new ArrayList<>();
      ends.add(lowerYieldingCase(group, groups, target, env.copy(), branch));
      branches.add(branch);
      statement = before;
    }
    Origin origin = source.origin(statement, choice);
    Env merged = merge(env, ends, branches, origin, out);
    env.versions.putAll(merged.versions);
    out.add(new Declare(target));
    chain(groups, branches, List.of(), out);
  }

  /** One case of a switch expression: its statements, then its value into {@code target}. */
  private Env lowerYieldingCase(CaseGroup group, List<CaseGroup> groups, Var target, Env env,
      List<Stmt> out) {
    CaseTree holder = group.holder();
    statement = holder;
    if (group.isRule() && holder.getBody() instanceof ExpressionTree value) {
      lowerInto(new TreePath(group.path(), value), target, env, out);
      return env;
    }
    List<? extends StatementTree> statements = group.statements();
    StatementTree last = statements.isEmpty() ? null : statements.get(statements.size() - 1);
    if (!(last instanceof YieldTree yield)) {
      if (!group.isRule() && group != groups.get(groups.size() - 1)) {
        error(holder, Message.SWITCH, "falling through from one case into the next in a switch"
            + " expression", "end each case with yield, or use 'case 1, 2 ->' for labels that"
            + " share a value");
        return env;
      }
      // a throw (reported as such), or no value: javac reports it
      Env end = lowerSequence(new Continuation(statements, 0, group.statementsParent(), null),
          env, out);
      return end == null ? env : end;
    }
    List<? extends StatementTree> before = statements.subList(0, statements.size() - 1);
    for (StatementTree s : before) {
      if (containsYield(s)) {
        error(s, Message.SWITCH, "a yield before the end of its case",
            "assign the value to a local variable and yield it as the last statement of the"
                + " case");
        return env;
      }
      if (jumps(s, true, true, true)) {
        error(s, Message.SWITCH, "a switch statement with fall-through or a break before the"
            + " end of a case, inside a switch expression", "end each of its cases with break,"
            + " or move it out of the switch expression");
        return env;
      }
    }
    Env end = lowerSequence(new Continuation(before, 0, group.statementsParent(), null), env,
        out);
    if (end == null) {
      throw new IllegalStateException("a switch expression case left early");
    }
    statement = yield;
    lowerInto(new TreePath(new TreePath(group.statementsParent(), yield), yield.getValue()),
        target, end, out);
    return end;
  }

  /** A yield of the switch expression around {@code tree} (not of one nested in it). */
  private static boolean containsYield(Tree tree) {
    Boolean found = new TreeScanner<Boolean, Void>() {
      @Override
      public Boolean visitYield(YieldTree node, Void unused) {
        return true;
      }

      @Override
      public Boolean visitSwitchExpression(SwitchExpressionTree node, Void unused) {
        return false;
      }

      @Override
      public Boolean visitClass(com.sun.source.tree.ClassTree node, Void unused) {
        return false;
      }

      @Override
      public Boolean visitLambdaExpression(com.sun.source.tree.LambdaExpressionTree node,
          Void unused) {
        return false;
      }

      @Override
      public Boolean reduce(Boolean a, Boolean b) {
        return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
      }
    }.scan(tree, null);
    return Boolean.TRUE.equals(found);
  }

  // ---- loops -----------------------------------------------------------------------------

  private static boolean isLoop(Tree s) {
    return switch (s.getKind()) {
      case FOR_LOOP, ENHANCED_FOR_LOOP, WHILE_LOOP, DO_WHILE_LOOP -> true;
      default -> false;
    };
  }

  /**
   * Lowers a loop; the environment after it (loop-carried locals are mutable variables). The
   * variables of locals declared inside the loop are forgotten afterwards, so a copy of the same
   * loop on another path (an early return duplicates what follows it) gets its own.
   */
  private Env lowerLoop(TreePath path, StatementTree s, Env env, List<Stmt> out) {
    Set<Element> outer = new HashSet<>(env.versions.keySet());
    outer.addAll(loopVariables.keySet());
    try {
      return lowerLoopOnce(path, s, env, out);
    } finally {
      loopVariables.keySet().removeIf(local -> !outer.contains(local));
    }
  }

  private Env lowerLoopOnce(TreePath path, StatementTree s, Env env, List<Stmt> out) {
    Origin origin = origin(s);
    if (s instanceof EnhancedForLoopTree each) {
      return lowerForEach(path, each, env, out);
    }
    if (s instanceof ForLoopTree loop) {
      Loop counted = counted(path, loop, env, out);
      if (counted != null) {
        out.add(counted);
        return env;
      }
      for (StatementTree init : loop.getInitializer()) {
        statement = init;
        env = lowerStatement(new TreePath(path, init), init, env, out);
      }
    }
    makeLoopCarried(path, env, out);
    ExpressionTree condition = s instanceof ForLoopTree f ? f.getCondition()
        : s instanceof WhileLoopTree w ? w.getCondition()
        : ((DoWhileLoopTree) s).getCondition();
    statement = s;
    List<Stmt> header = new ArrayList<>();
    Operand test = condition == null ? Constants.of(true)
        : lowerOperand(new TreePath(path, condition), env, header);
    Continuation end = Continuation.end();
    Continuation next = s instanceof ForLoopTree f && !f.getUpdate().isEmpty()
        ? new Continuation(f.getUpdate(), 0, path, end) : end;
    StatementTree body = s instanceof ForLoopTree f ? f.getStatement()
        : s instanceof WhileLoopTree w ? w.getStatement() : ((DoWhileLoopTree) s).getStatement();
    Block lowered = lowerBody(new Continuation(List.of(body), 0, path, next), next, env);
    out.add(new Loop(new Block(header), test, lowered, s instanceof DoWhileLoopTree, null,
        origin));
    return env;
  }

  /** {@code for (double v : a)} and {@code for (double[] row : m)}: a counted loop. */
  private Env lowerForEach(TreePath path, EnhancedForLoopTree each, Env env, List<Stmt> out) {
    Origin origin = origin(each);
    statement = each;
    TreePath iterablePath = new TreePath(path, each.getExpression());
    Element iterated = javac.elementOf(iterablePath);
    RowAlias row = each.getExpression() instanceof ArrayAccessTree access
        ? rowOf(new TreePath(path, access), env, out)
        : iterated != null ? rowAliases.get(iterated) : null;
    Var array;
    List<Operand> rowIndex = new ArrayList<>();
    if (row != null) {
      array = row.matrix();
      rowIndex.add(row.index());
    } else {
      Operand iterable = lowerOperand(iterablePath, env, out);
      if (!(iterable instanceof Var v) || !v.type().isArray()) {
        return env;
      }
      array = v;
    }
    makeLoopCarried(path, env, out);
    Var length = new Var(names.numbered("n"), Type.INT);
    out.add(new Assign(length, new Length(array, rowIndex), origin));
    Var index = new Var(names.fresh("i"), Type.INT);
    boolean counted = !containsBreak(each.getStatement()) && !containsReturn(each.getStatement());
    Element element = javac.elementOf(new TreePath(path, each.getVariable()));
    List<Stmt> first = new ArrayList<>();
    if (array.type() == Type.DOUBLE_MATRIX && rowIndex.isEmpty()) {
      rowAliases.put(element, new RowAlias(array, index));
    } else {
      List<Operand> indices = new ArrayList<>(rowIndex);
      indices.add(index);
      Var v = loopVariable(element, array.type().element(indices.size()));
      first.add(new Assign(v, new Load(array, indices), origin));
      env.versions.put(element, v);
    }
    Continuation end = Continuation.end();
    if (counted) {
      Block body = lowerBody(new Continuation(List.of(each.getStatement()), 0, path, end), end,
          env);
      List<Stmt> statements = new ArrayList<>(first);
      statements.addAll(body.statements());
      out.add(new Loop(new Block(List.of()), null, new Block(statements), false,
          new Loop.Counted(index, Constants.of(0), length, false), origin));
      return env;
    }
    // it may leave early: an ordinary loop over a mutable index
    out.add(new Assign(index, new Copy(Constants.of(0)), origin));
    Continuation step = Continuation.generated(() -> List.of(
        new Assign(index, new Binary(Binary.Op.ADD, index, Constants.of(1)), origin)), end);
    Block body = lowerBody(new Continuation(List.of(each.getStatement()), 0, path, step), step,
        env);
    List<Stmt> statements = new ArrayList<>(first);
    statements.addAll(body.statements());
    Var test = new Var(names.numbered("c"), Type.BOOLEAN);
    out.add(new Loop(new Block(List.of(new Assign(test, new Binary(Binary.Op.LT, index, length),
        origin))), test, new Block(statements), false, null, origin));
    return env;
  }

  private Block lowerBody(Continuation body, Continuation continueTarget, Env env) {
    List<Stmt> out = new ArrayList<>();
    loops.push(new LoopContext(continueTarget));
    try {
      lowerSequence(body, env.copy(), out);
    } finally {
      loops.pop();
    }
    return new Block(out);
  }

  /**
   * {@code for (int i = a; i < b; i++)} whose body writes neither {@code i} nor what {@code b}
   * reads, and leaves only by its condition: the backward sweep runs it in reverse without
   * counting. Null for any other loop.
   */
  private Loop counted(TreePath path, ForLoopTree loop, Env env, List<Stmt> out) {
    if (loop.getInitializer().size() != 1
        || !(loop.getInitializer().get(0) instanceof VariableTree init)
        || init.getInitializer() == null || loop.getUpdate().size() != 1
        || !(loop.getCondition() instanceof BinaryTree condition)
        || !(condition.getKind() == Tree.Kind.LESS_THAN
            || condition.getKind() == Tree.Kind.LESS_THAN_EQUAL)
        || !(condition.getLeftOperand() instanceof IdentifierTree left)
        || !left.getName().contentEquals(init.getName())
        || !isIncrement(loop.getUpdate().get(0).getExpression(), init.getName())
        || containsReturn(loop) || containsBreak(loop.getStatement())) {
      return null;
    }
    TreePath initPath = new TreePath(path, init);
    Element index = javac.elementOf(initPath);
    if (index.asType().getKind() != TypeKind.INT) {
      return null;
    }
    Set<Element> written = assignedLocals(path);
    written.remove(index);
    Set<Element> assignedInBody = assignedLocals(new TreePath(path, loop.getStatement()));
    if (assignedInBody.contains(index) || !isInvariant(new TreePath(path, condition.getRightOperand()),
        written)) {
      return null;
    }
    statement = loop;
    Operand from = lowerOperand(new TreePath(initPath, init.getInitializer()), env, out);
    Operand to = lowerOperand(new TreePath(new TreePath(path, condition),
        condition.getRightOperand()), env, out);
    makeLoopCarried(path, env, out);
    Var i = loopVariable(index, Type.INT);
    env.versions.put(index, i);
    Continuation end = Continuation.end();
    Block body = lowerBody(new Continuation(List.of(loop.getStatement()), 0, path, end), end, env);
    return new Loop(new Block(List.of()), null, body, false,
        new Loop.Counted(i, from, to, condition.getKind() == Tree.Kind.LESS_THAN_EQUAL),
        origin(loop));
  }

  private static boolean isIncrement(ExpressionTree update, CharSequence name) {
    if (update instanceof UnaryTree step && (step.getKind() == Tree.Kind.POSTFIX_INCREMENT
        || step.getKind() == Tree.Kind.PREFIX_INCREMENT)) {
      return step.getExpression() instanceof IdentifierTree id && id.getName().contentEquals(name);
    }
    return update instanceof CompoundAssignmentTree add
        && add.getKind() == Tree.Kind.PLUS_ASSIGNMENT
        && add.getVariable() instanceof IdentifierTree id && id.getName().contentEquals(name)
        && add.getExpression() instanceof LiteralTree one && Integer.valueOf(1).equals(one.getValue());
  }

  /** Whether {@code bound} reads only locals outside {@code written}, fields and lengths. */
  private boolean isInvariant(TreePath bound, Set<Element> written) {
    boolean[] invariant = {true};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        invariant[0] &= !written.contains(javac.elementOf(getCurrentPath()));
        return null;
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        invariant[0] = false;
        return null;
      }

      @Override
      public Void visitArrayAccess(ArrayAccessTree node, Void unused) {
        Tree parent = getCurrentPath().getParentPath().getLeaf();
        if (parent instanceof MemberSelectTree select
            && select.getIdentifier().contentEquals("length")) {
          return super.visitArrayAccess(node, unused); // m[k].length: rows keep their length
        }
        invariant[0] = false; // an element the body may write
        return null;
      }
    }.scan(bound, null);
    return invariant[0];
  }

  /**
   * Locals declared before the loop at {@code path} and assigned in it become one mutable
   * variable each, initialized from their current version.
   */
  private void makeLoopCarried(TreePath path, Env env, List<Stmt> out) {
    for (Element local : assignedLocals(path)) {
      Var current = env.versions.get(local);
      if (current == null || current.equals(loopVariables.get(local))) {
        continue; // declared inside the loop, or already mutable in an enclosing loop
      }
      Var v = new Var(names.fresh(local.getSimpleName().toString()), current.type());
      if (current == UNASSIGNED) {
        out.add(new Declare(v));
      } else {
        out.add(new Assign(v, new Copy(current), origin(path.getLeaf())));
      }
      loopVariables.put(local, v);
      env.versions.put(local, v);
    }
  }

  /** The one variable of {@code local} inside loops. */
  private Var loopVariable(Element local, Type type) {
    return loopVariables.computeIfAbsent(local,
        l -> new Var(names.claim(l.getSimpleName().toString()), type));
  }

  private Var returnedFlag() {
    if (returned == null) {
      returned = new Var(names.fresh("returned"), Type.BOOLEAN);
    }
    return returned;
  }

  /** The locals assigned (=, op=, ++, --) anywhere under {@code path}. */
  private Set<Element> assignedLocals(TreePath path) {
    Set<Element> assigned = new java.util.LinkedHashSet<>();
    AssignmentTargets.forEach(path, (target, targetPath) -> {
      if (target instanceof IdentifierTree) {
        Element e = javac.elementOf(targetPath);
        if (e != null && (e.getKind() == ElementKind.LOCAL_VARIABLE
            || e.getKind() == ElementKind.PARAMETER)) {
          assigned.add(e);
        }
      }
    });
    return assigned;
  }

  // ---- arrays ----------------------------------------------------------------------------

  /** The row {@code m[i]} of a matrix, for a {@code double[]} alias; null after an error. */
  private RowAlias rowOf(TreePath path, Env env, List<Stmt> out) {
    ArrayAccessTree access = (ArrayAccessTree) path.getLeaf();
    Operand matrix = lowerOperand(new TreePath(path, access.getExpression()), env, out);
    Operand index = lowerOperand(new TreePath(path, access.getIndex()), env, out);
    if (!(matrix instanceof Var m) || m.type() != Type.DOUBLE_MATRIX) {
      error(access, Message.ARRAY, "indexing '" + access.getExpression() + "'",
          "index double[], double[][] and int[] variables");
      return null;
    }
    return new RowAlias(m, index);
  }

  /** The array and indices of an element access {@code a[i]}, {@code m[i][j]}, {@code row[j]}. */
  private Load load(TreePath path, Env env, List<Stmt> out) {
    ArrayAccessTree access = (ArrayAccessTree) path.getLeaf();
    ExpressionTree array = access.getExpression();
    List<Operand> indices = new ArrayList<>();
    Var base;
    if (array instanceof ArrayAccessTree row) {
      RowAlias alias = rowOf(new TreePath(path, row), env, out);
      if (alias == null) {
        return null;
      }
      base = alias.matrix();
      indices.add(alias.index());
    } else {
      Element element = javac.elementOf(new TreePath(path, array));
      RowAlias alias = element == null ? null : rowAliases.get(element);
      if (alias != null) {
        base = alias.matrix();
        indices.add(alias.index());
      } else {
        Operand operand = lowerOperand(new TreePath(path, array), env, out);
        if (!(operand instanceof Var v) || !v.type().isArray()) {
          return null;
        }
        base = v;
      }
    }
    indices.add(lowerOperand(new TreePath(path, access.getIndex()), env, out));
    if (base.type().element(indices.size()).isArray()) {
      error(access, Message.ARRAY, "a matrix row as a value ('" + access + "')",
          "index it, or declare 'double[] row = " + access + ";'");
      return null;
    }
    return new Load(base, indices);
  }

  /** {@code a[i] = value} or {@code a[i] op= value}: into a local array, never a parameter's. */
  private void store(TreePath path, Operand value, Binary.Op compound, Env env,
      List<Stmt> out) {
    Load target = load(path, env, out);
    if (target == null) {
      return;
    }
    Tree arrayTree = ((ArrayAccessTree) path.getLeaf()).getExpression();
    while (arrayTree instanceof ArrayAccessTree inner) {
      arrayTree = inner.getExpression();
    }
    if (parameterVars.contains(target.array())) {
      error(path.getLeaf(), Message.PARAMETER_WRITE, arrayTree);
      return;
    }
    if (fieldArrays.contains(target.array())) {
      error(path.getLeaf(), Message.FIELD_WRITE, arrayTree);
      return;
    }
    out.add(new Store(target.array(), target.indices(), value, compound,
        source.origin(statement, path.getLeaf())));
  }

  /**
   * A branch condition that a variable assigned elsewhere holds (a flag in a loop, the
   * early-return flag) is copied first: the backward sweep replays the branch from a value that
   * nothing overwrites, not from the variable, which the branch itself may change.
   */
  private Operand condition(Operand operand, List<Stmt> out, Origin origin) {
    if (operand instanceof Var v && (v.equals(returned) || loopVariables.containsValue(v))) {
      Var copy = new Var(names.numbered("c"), Type.BOOLEAN);
      out.add(new Assign(copy, new Copy(v), origin));
      return copy;
    }
    return operand;
  }

  private Origin origin(Tree s) {
    return source.origin(s, s);
  }

  // ---- expressions -----------------------------------------------------------------------

  /** Emits code that leaves the value of {@code path} in {@code target}. */
  private void lowerInto(TreePath path, Var target, Env env, List<Stmt> out) {
    ExpressionTree e = (ExpressionTree) path.getLeaf();
    Type type = typeOf(path);
    if (type == null) {
      return;
    }
    Origin origin = source.origin(statement, e);
    if (e instanceof NewArrayTree create && create.getInitializers() != null) {
      lowerInitializer(path, target, env, out);
      return;
    }
    if (type != target.type()) {
      Operand value = lowerOperand(path, env, out);
      Expr conversion = widens(type, target.type())
          ? new Copy(value) : new Cast(target.type(), value);
      out.add(new Assign(target, conversion, origin));
      return;
    }
    switch (e.getKind()) {
      case PARENTHESIZED -> lowerInto(
          new TreePath(path, ((ParenthesizedTree) e).getExpression()), target, env, out);
      case CONDITIONAL_EXPRESSION -> {
        ConditionalExpressionTree choice = (ConditionalExpressionTree) e;
        Operand condition = condition(
            lowerOperand(new TreePath(path, choice.getCondition()), env, out), out, origin);
        List<Stmt> then = new ArrayList<>();
        List<Stmt> otherwise = new ArrayList<>();
        lowerInto(new TreePath(path, choice.getTrueExpression()), target, env, then);
        lowerInto(new TreePath(path, choice.getFalseExpression()), target, env, otherwise);
        out.add(new Declare(target));
        out.add(new If(condition, new Block(then), new Block(otherwise), origin));
      }
      case SWITCH_EXPRESSION -> lowerSwitchExpression(path, target, env, out);
      case CONDITIONAL_AND, CONDITIONAL_OR -> {
        BinaryTree logical = (BinaryTree) e;
        boolean and = e.getKind() == Tree.Kind.CONDITIONAL_AND;
        Operand left = condition(
            lowerOperand(new TreePath(path, logical.getLeftOperand()), env, out), out, origin);
        List<Stmt> evaluate = new ArrayList<>();
        lowerInto(new TreePath(path, logical.getRightOperand()), target, env, evaluate);
        List<Stmt> shortCircuit =
            List.of(new Assign(target, new Copy(Constants.of(!and)), origin));
        out.add(new Declare(target));
        out.add(new If(left, new Block(and ? evaluate : shortCircuit),
            new Block(and ? shortCircuit : evaluate), origin));
      }
      default -> {
        Expr value = lowerExpr(path, env, out);
        if (value instanceof Copy copy && copy.a() instanceof Var other && other.type().isArray()
            && (parameterVars.contains(other) || fieldArrays.contains(other))) {
          error(e, Message.ARRAY_ALIAS, other.name(), "it is a parameter or a constant table,"
              + " which the generated code never writes through another name");
        } else if (value != null) {
          out.add(new Assign(target, value, origin));
        }
      }
    }
  }

  /** The operand holding the value of {@code path}: a variable or constant, else a temporary. */
  private Operand lowerOperand(TreePath path, Env env, List<Stmt> out) {
    ExpressionTree e = (ExpressionTree) path.getLeaf();
    switch (e.getKind()) {
      case PARENTHESIZED -> {
        return lowerOperand(new TreePath(path, ((ParenthesizedTree) e).getExpression()), env,
            out);
      }
      case IDENTIFIER, MEMBER_SELECT -> {
        if (isLength(path)) {
          break;
        }
        Element element = javac.elementOf(path);
        if (element != null && rowAliases.containsKey(element)) {
          error(e, Message.ARRAY_ALIAS, element.getSimpleName(), "it is a row of a matrix, which"
              + " can be indexed or passed to a call");
          return POISON;
        }
        if (element != null && (element.getKind() == ElementKind.LOCAL_VARIABLE
            || element.getKind() == ElementKind.PARAMETER)) {
          if (!element.asType().getKind().isPrimitive()
              && valueType(e, element.asType(), "'" + e + "'") == null) {
            return POISON;
          }
          return read(element, e, env);
        }
        return constantField(e, element);
      }
      case INT_LITERAL, LONG_LITERAL, FLOAT_LITERAL, DOUBLE_LITERAL, BOOLEAN_LITERAL,
          CHAR_LITERAL -> {
        return Constants.of(((LiteralTree) e).getValue());
      }
      case LAMBDA_EXPRESSION, MEMBER_REFERENCE -> {
        lowerExpr(path, env, out); // reports it as what it is, not as an object of some type
        return POISON;
      }
      case UNARY_MINUS -> {
        ExpressionTree operand = ((UnaryTree) e).getExpression();
        if (operand instanceof LiteralTree) {
          Constant negated = Constants.negate(
              (Constant) lowerOperand(new TreePath(path, operand), env, out));
          if (negated != null) {
            return negated;
          }
        }
      }
      default -> { }
    }
    Type type = typeOf(path);
    if (type == null) {
      return POISON;
    }
    String prefix = type == Type.BOOLEAN ? "c" : "t";
    if (e.getKind() == Tree.Kind.CONDITIONAL_EXPRESSION
        || e.getKind() == Tree.Kind.CONDITIONAL_AND || e.getKind() == Tree.Kind.CONDITIONAL_OR
        || e.getKind() == Tree.Kind.SWITCH_EXPRESSION) {
      Var temp = new Var(names.numbered(prefix), type);
      lowerInto(path, temp, env, out);
      return temp;
    }
    // Operands first, so temporaries are numbered in evaluation order.
    Expr value = lowerExpr(path, env, out);
    if (value == null) {
      return POISON;
    }
    Var temp = new Var(names.numbered(prefix), type);
    out.add(new Assign(temp, value, source.origin(statement, e)));
    return temp;
  }

  /** The operation computing {@code path} from operands, or null after reporting an error. */
  private Expr lowerExpr(TreePath path, Env env, List<Stmt> out) {
    ExpressionTree e = (ExpressionTree) path.getLeaf();
    if (e instanceof BinaryTree binary) {
      Binary.Op op = binaryOperator(e.getKind());
      Operand a = lowerOperand(new TreePath(path, binary.getLeftOperand()), env, out);
      Operand b = lowerOperand(new TreePath(path, binary.getRightOperand()), env, out);
      return op == null ? null : new Binary(op, a, b);
    }
    switch (e.getKind()) {
      case UNARY_MINUS, UNARY_PLUS, LOGICAL_COMPLEMENT, BITWISE_COMPLEMENT -> {
        Operand a = lowerOperand(new TreePath(path, ((UnaryTree) e).getExpression()), env, out);
        return switch (e.getKind()) {
          case UNARY_MINUS -> new Unary(Unary.Op.NEG, a);
          case LOGICAL_COMPLEMENT -> new Unary(Unary.Op.NOT, a);
          case BITWISE_COMPLEMENT -> new Unary(Unary.Op.BITWISE_NOT, a);
          default -> new Copy(a);
        };
      }
      case METHOD_INVOCATION -> {
        return lowerCall(path, (MethodInvocationTree) e, env, out);
      }
      case TYPE_CAST -> {
        TypeCastTree cast = (TypeCastTree) e;
        Operand a = lowerOperand(new TreePath(path, cast.getExpression()), env, out);
        Type to = typeOf(path);
        return to == null ? null : new Cast(to, a);
      }
      case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT ->
          error(e, Message.NESTED_ASSIGNMENT, "'" + e + "'");
      case ASSIGNMENT, PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT,
          REMAINDER_ASSIGNMENT, AND_ASSIGNMENT, OR_ASSIGNMENT, XOR_ASSIGNMENT,
          LEFT_SHIFT_ASSIGNMENT, RIGHT_SHIFT_ASSIGNMENT, UNSIGNED_RIGHT_SHIFT_ASSIGNMENT ->
          error(e, Message.NESTED_ASSIGNMENT, "an assignment");
      case ARRAY_ACCESS -> {
        return load(path, env, out);
      }
      case NEW_ARRAY -> {
        return newArray(path, env, out);
      }
      case NEW_CLASS -> error(e, Message.OBJECT, "creating an object", typeName(path));
      case LAMBDA_EXPRESSION -> error(e, Message.UNSUPPORTED, "a lambda",
          "write the computation inline, or as a @Differentiable method it calls");
      case MEMBER_REFERENCE -> error(e, Message.UNSUPPORTED, "a method reference",
          "call the method directly");
      case INSTANCE_OF -> error(e, Message.OBJECT, "instanceof on a value", typeName(
          new TreePath(path, ((com.sun.source.tree.InstanceOfTree) e).getExpression())));
      case STRING_LITERAL -> error(e, Message.OBJECT, "a string", "String");
      case NULL_LITERAL -> error(e, Message.OBJECT, "null", "null");
      case MEMBER_SELECT -> {
        if (isLength(path)) {
          MemberSelectTree select = (MemberSelectTree) e;
          TreePath arrayPath = new TreePath(path, select.getExpression());
          if (select.getExpression() instanceof ArrayAccessTree row) {
            RowAlias alias = rowOf(new TreePath(path, row), env, out);
            return alias == null ? null : new Length(alias.matrix(), List.of(alias.index()));
          }
          Element element = javac.elementOf(arrayPath);
          RowAlias alias = element == null ? null : rowAliases.get(element);
          if (alias != null) {
            return new Length(alias.matrix(), List.of(alias.index()));
          }
          Operand array = lowerOperand(arrayPath, env, out);
          return array instanceof Var v ? new Length(v, List.of()) : null;
        }
        return new Copy(lowerOperand(path, env, out));
      }
      default -> {
        return new Copy(lowerOperand(path, env, out));
      }
    }
    return null;
  }

  private boolean isLength(TreePath path) {
    return path.getLeaf() instanceof MemberSelectTree select
        && select.getIdentifier().contentEquals("length")
        && javac.typeOf(new TreePath(path, select.getExpression())) != null
        && javac.typeOf(new TreePath(path, select.getExpression())).getKind() == TypeKind.ARRAY;
  }

  /** {@code new double[n]}, {@code new double[m][n]}; initializers are lowered by lowerInto. */
  private Expr newArray(TreePath path, Env env, List<Stmt> out) {
    NewArrayTree create = (NewArrayTree) path.getLeaf();
    Type type = typeOf(path);
    if (type == null) {
      return null;
    }
    if (create.getInitializers() != null) {
      error(create, Message.ARRAY, "an array initializer inside an expression",
          "declare the array with it: 'double[] a = {...};'");
      return null;
    }
    List<Operand> dimensions = new ArrayList<>();
    for (ExpressionTree dimension : create.getDimensions()) {
      dimensions.add(lowerOperand(new TreePath(path, dimension), env, out));
    }
    if (dimensions.size() != (type == Type.DOUBLE_MATRIX ? 2 : 1)) {
      error(create, Message.ARRAY, "a matrix without its row length",
          "give both: 'new double[m][n]'");
      return null;
    }
    return new NewArray(type, dimensions);
  }

  /** {@code target = {a, b, c}} or {@code {{a, b}, {c, d}}}: zeros, then one store each. */
  private void lowerInitializer(TreePath path, Var target, Env env, List<Stmt> out) {
    NewArrayTree create = (NewArrayTree) path.getLeaf();
    Origin origin = source.origin(statement, create);
    List<? extends ExpressionTree> rows = create.getInitializers();
    if (target.type() == Type.DOUBLE_MATRIX) {
      int columns = -1;
      for (ExpressionTree row : rows) {
        if (!(row instanceof NewArrayTree r) || r.getInitializers() == null
            || (columns >= 0 && r.getInitializers().size() != columns)) {
          error(row, Message.ARRAY, "a ragged or computed row in a matrix initializer",
              "write every row as '{...}' with the same length");
          return;
        }
        columns = r.getInitializers().size();
      }
      out.add(new Assign(target, new NewArray(target.type(), List.of(
          Constants.of(rows.size()), Constants.of(Math.max(columns, 0)))), origin));
      for (int i = 0; i < rows.size(); i++) {
        TreePath rowPath = new TreePath(path, rows.get(i));
        List<? extends ExpressionTree> cells = ((NewArrayTree) rows.get(i)).getInitializers();
        for (int j = 0; j < cells.size(); j++) {
          Operand value = lowerOperand(new TreePath(rowPath, cells.get(j)), env, out);
          out.add(new Store(target, List.of(Constants.of(i), Constants.of(j)), value, origin));
        }
      }
      return;
    }
    out.add(new Assign(target, new NewArray(target.type(), List.of(Constants.of(rows.size()))),
        origin));
    for (int i = 0; i < rows.size(); i++) {
      Operand value = lowerOperand(new TreePath(path, rows.get(i)), env, out);
      out.add(new Store(target, List.of(Constants.of(i)), value, origin));
    }
  }

  private Expr lowerCall(TreePath path, MethodInvocationTree call, Env env, List<Stmt> out) {
    if (call.getMethodSelect() instanceof MemberSelectTree select
        && select.getIdentifier().contentEquals("clone") && call.getArguments().isEmpty()) {
      TreePath arrayPath = new TreePath(new TreePath(path, select), select.getExpression());
      Type type = typeOf(arrayPath);
      if (type == Type.DOUBLE_ARRAY || type == Type.INT_ARRAY) {
        Operand array = lowerOperand(arrayPath, env, out);
        return array instanceof Var v ? new CloneArray(v) : null;
      }
      if (type == Type.DOUBLE_MATRIX) {
        error(call, Message.ARRAY, "clone() of a matrix (it copies only the row references)",
            "copy it into 'new double[m][n]' element by element");
        return null;
      }
    }
    Element element = javac.elementOf(path);
    if (!(element instanceof ExecutableElement method)) {
      return null; // unresolved: javac reports it
    }
    TypeElement owner = (TypeElement) method.getEnclosingElement();
    String ownerName = owner.getQualifiedName().toString();
    boolean isGate = ownerName.equals("dev.adjoint.Gates")
        && DerivativeRules.isTabulated(method.getSimpleName().toString());
    boolean isMath = ownerName.equals("java.lang.Math") || ownerName.equals("java.lang.StrictMath")
        || isGate;
    String display = owner.getSimpleName() + "." + method.getSimpleName();
    if (ownerName.startsWith("java.util.stream.")) {
      error(call, Message.CALL, display, "streams and their lambdas cannot be differentiated;"
          + " write a for loop over the array");
      return null;
    }
    if (!method.getModifiers().contains(Modifier.STATIC)) {
      error(call, Message.CALL, display, "it is an instance method; make it static, or compute"
          + " the value before the @Differentiable method and pass it in");
      return null;
    }
    if (!isMath) {
      return lowerUserCall(path, call, method, owner, env, out);
    }
    List<Operand> args = new ArrayList<>();
    for (ExpressionTree arg : call.getArguments()) {
      args.add(lowerOperand(new TreePath(path, arg), env, out));
    }
    return new MathCall(isGate ? ownerName : owner.getSimpleName().toString(),
        method.getSimpleName().toString(), args);
  }

  /** A call to a static method of a user's (or a library's) class. */
  private Expr lowerUserCall(TreePath path, MethodInvocationTree call, ExecutableElement method,
      TypeElement owner, Env env, List<Stmt> out) {
    String display = owner.getSimpleName() + "." + method.getSimpleName();
    if (method.isVarArgs()) {
      error(call, Message.CALL, display, "it takes varargs; pass an array");
      return null;
    }
    if (!isAccessible(method)) {
      error(call, Message.CALL, display, "it is private, and the generated " + generatedClass
          + " cannot call it; make it package-private");
      return null;
    }
    List<Operand> args = new ArrayList<>();
    for (ExpressionTree arg : call.getArguments()) {
      TreePath argPath = new TreePath(path, arg);
      RowAlias row = rowArgument(argPath, env, out);
      if (row != null) {
        // a row m[i] passed on: the callee reads it in place, its adjoint is dm[i]
        Origin origin = source.origin(statement, arg);
        Var rowVar = new Var(names.numbered("row"), Type.DOUBLE_ARRAY);
        out.add(new Assign(rowVar, new Load(row.matrix(), List.of(row.index())), origin));
        if (!parameterVars.contains(row.matrix())) {
          Var copy = new Var(names.numbered("t"), Type.DOUBLE_ARRAY); // a local matrix changes
          out.add(new Assign(copy, new CloneArray(rowVar), origin));
          rowVar = copy;
        }
        args.add(rowVar);
        continue;
      }
      Operand operand = lowerOperand(argPath, env, out);
      Element local = arg instanceof IdentifierTree ? javac.elementOf(argPath) : null;
      if (operand instanceof Var array && array.type().isArray() && local != null
          && !parameterVars.contains(array) && writtenAfter(local, path)) {
        // the backward sweep calls the pullback with the values of this call: keep a copy
        Var copy = new Var(names.numbered("t"), array.type());
        out.add(new Assign(copy, new CloneArray(array), source.origin(statement, arg)));
        operand = copy;
      }
      args.add(operand);
    }
    String code = typeReference(owner) + "." + method.getSimpleName();
    return new dev.adjoint.processor.ir.Call(Callees.of(method, code, elements, types), args);
  }

  /** {@code x} or {@code this.x}: a field of the receiver. */
  private static boolean isOwn(ExpressionTree e) {
    return e instanceof IdentifierTree || (e instanceof MemberSelectTree select
        && select.getExpression() instanceof IdentifierTree id && id.getName().contentEquals("this"));
  }

  /** The row of a matrix an argument passes ({@code m[i]}, or a row alias), else null. */
  private RowAlias rowArgument(TreePath path, Env env, List<Stmt> out) {
    Tree arg = path.getLeaf();
    if (arg instanceof ArrayAccessTree access && typeOf(path) == Type.DOUBLE_ARRAY) {
      return rowOf(path, env, out);
    }
    if (arg instanceof IdentifierTree) {
      Element element = javac.elementOf(path);
      return element == null ? null : rowAliases.get(element);
    }
    return null;
  }

  private Operand constantField(ExpressionTree e, Element element) {
    if (!(element instanceof VariableElement field) || element.getKind() != ElementKind.FIELD) {
      if (element != null && element.getKind() == ElementKind.ENUM_CONSTANT) {
        error(e, Message.OBJECT, "enum constant '" + element.getSimpleName() + "'",
            element.asType());
      } else if (element != null) {
        error(e, Message.UNSUPPORTED, "'" + e + "'", "use local variables and parameters");
      }
      return POISON;
    }
    boolean instance = !field.getModifiers().contains(Modifier.STATIC);
    if (instance && (receiver == null || !isOwn(e))) {
      error(e, Message.INSTANCE_FIELD, field.getSimpleName());
      return POISON;
    }
    TypeMirror fieldType = field.asType();
    Type type = valueType(e, fieldType, "field '" + field.getSimpleName() + "'");
    if (type == null) {
      return POISON;
    }
    TypeElement owner = (TypeElement) field.getEnclosingElement();
    String reference = (instance ? receiver.name() : typeReference(owner)) + "."
        + field.getSimpleName();
    if (type.isArray()) {
      if (!isAccessible(field)) {
        error(e, Message.FIELD_READ, field.getSimpleName(), generatedClass);
        return POISON;
      }
      // a table of constants: read in place, never written, never differentiated
      Var table = new Var(reference, type);
      fieldArrays.add(table);
      return table;
    }
    if (instance) {
      if (isAccessible(field)) {
        return new Constant(type, reference);
      }
      Constant value = Constants.of(field.getConstantValue());
      if (value == null) {
        error(e, Message.FIELD_READ, field.getSimpleName(), generatedClass);
        return POISON;
      }
      return value;
    }
    if (isAccessible(field)) {
      return new Constant(type, typeReference(owner) + "." + field.getSimpleName());
    }
    Constant value = Constants.of(field.getConstantValue());
    if (value == null) {
      error(e, Message.FIELD_READ, field.getSimpleName(), generatedClass);
      return POISON;
    }
    return value;
  }

  // ---- helpers ---------------------------------------------------------------------------

  private Var read(Element local, Tree at, Env env) {
    Var v = env.versions.get(local);
    if (v == null || v == UNASSIGNED) {
      incomplete = true; // not definitely assigned: javac reports it
      return new Var(local.getSimpleName().toString(), Type.DOUBLE);
    }
    return v;
  }

  private Var newVersion(Element local) {
    Type type = Types.of(local.asType());
    if (!loops.isEmpty()) {
      return loopVariable(local, type);
    }
    return new Var(names.fresh(local.getSimpleName().toString()), type);
  }

  /** The local variable or parameter assigned by {@code path}, or null after an error. */
  private Element assignedLocal(TreePath path) {
    Tree target = path.getLeaf();
    Element element = javac.elementOf(path);
    if (target.getKind() == Tree.Kind.ARRAY_ACCESS) {
      error(target, Message.ARRAY, "assigning '" + target + "'", "assign array elements");
      return null;
    }
    if (element == null) {
      incomplete = true;
      return null;
    }
    if (element.getKind() == ElementKind.FIELD) {
      error(target, Message.FIELD_WRITE, element.getSimpleName());
      return null;
    }
    if (element.asType().getKind() == TypeKind.ARRAY && element.getKind() != ElementKind.LOCAL_VARIABLE) {
      error(target, Message.ARRAY_ALIAS, element.getSimpleName(),
          "it is a parameter; assign a local array variable instead");
      return null;
    }
    if (!element.asType().getKind().isPrimitive() && Types.of(element.asType()) == null) {
      error(target, Message.OBJECT, "'" + element.getSimpleName() + "'", element.asType());
      return null;
    }
    return element;
  }

  private Type typeOf(TreePath path) {
    TypeMirror type = javac.typeOf(path);
    if (type == null || type.getKind() == TypeKind.ERROR) {
      incomplete = true;
      return null;
    }
    return valueType(path.getLeaf(), type, "'" + path.getLeaf() + "'");
  }

  /** The IR type of a primitive, {@code double[]}, {@code double[][]} or {@code int[]}. */
  private Type valueType(Tree at, TypeMirror type, String what) {
    Type known = Types.of(type);
    if (known != null) {
      return known;
    }
    if (type.getKind() == TypeKind.ERROR) {
      incomplete = true;
    } else if (type.getKind() == TypeKind.ARRAY) {
      error(at, Message.ARRAY, what + " of type " + type,
          "use double[], double[][] (differentiated) or int[] (constants)");
    } else {
      error(at, Message.OBJECT, what, type);
    }
    return null;
  }

  private String typeName(TreePath path) {
    TypeMirror type = javac.typeOf(path);
    return type == null ? "?" : type.toString();
  }

  /** Whether the generated class, in {@link #generatedPackage}, can name {@code member}. */
  private boolean isAccessible(Element member) {
    for (Element e = member; e instanceof VariableElement || e instanceof TypeElement
        || e instanceof ExecutableElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        return false;
      }
      if (!e.getModifiers().contains(Modifier.PUBLIC)
          && !elements.getPackageOf(e).equals(generatedPackage)) {
        return false;
      }
    }
    return true;
  }

  private String typeReference(TypeElement type) {
    String qualified = type.getQualifiedName().toString();
    if (qualified.startsWith("java.lang.") && qualified.indexOf('.', 10) < 0) {
      return type.getSimpleName().toString();
    }
    String pkg = elements.getPackageOf(type).getQualifiedName().toString();
    return pkg.equals(generatedPackage.getQualifiedName().toString()) && !pkg.isEmpty()
        ? qualified.substring(pkg.length() + 1) : qualified;
  }

  private static boolean widens(Type from, Type to) {
    if (from == Type.BOOLEAN || to == Type.BOOLEAN) {
      return false;
    }
    List<Type> order = List.of(Type.BYTE, Type.SHORT, Type.INT, Type.LONG, Type.FLOAT,
        Type.DOUBLE);
    if (from == Type.CHAR) {
      return order.indexOf(to) >= order.indexOf(Type.INT);
    }
    return to != Type.CHAR && order.indexOf(from) <= order.indexOf(to);
  }

  private static Binary.Op binaryOperator(Tree.Kind kind) {
    return switch (kind) {
      case PLUS -> Binary.Op.ADD;
      case MINUS -> Binary.Op.SUB;
      case MULTIPLY -> Binary.Op.MUL;
      case DIVIDE -> Binary.Op.DIV;
      case REMAINDER -> Binary.Op.REM;
      case LESS_THAN -> Binary.Op.LT;
      case LESS_THAN_EQUAL -> Binary.Op.LE;
      case GREATER_THAN -> Binary.Op.GT;
      case GREATER_THAN_EQUAL -> Binary.Op.GE;
      case EQUAL_TO -> Binary.Op.EQ;
      case NOT_EQUAL_TO -> Binary.Op.NE;
      case AND -> Binary.Op.AND;
      case OR -> Binary.Op.OR;
      case XOR -> Binary.Op.XOR;
      case LEFT_SHIFT -> Binary.Op.SHL;
      case RIGHT_SHIFT -> Binary.Op.SHR;
      case UNSIGNED_RIGHT_SHIFT -> Binary.Op.USHR;
      default -> null;
    };
  }

  private static Binary.Op compoundOperator(Tree.Kind kind) {
    return switch (kind) {
      case PLUS_ASSIGNMENT -> Binary.Op.ADD;
      case MINUS_ASSIGNMENT -> Binary.Op.SUB;
      case MULTIPLY_ASSIGNMENT -> Binary.Op.MUL;
      case DIVIDE_ASSIGNMENT -> Binary.Op.DIV;
      case REMAINDER_ASSIGNMENT -> Binary.Op.REM;
      case AND_ASSIGNMENT -> Binary.Op.AND;
      case OR_ASSIGNMENT -> Binary.Op.OR;
      case XOR_ASSIGNMENT -> Binary.Op.XOR;
      case LEFT_SHIFT_ASSIGNMENT -> Binary.Op.SHL;
      case RIGHT_SHIFT_ASSIGNMENT -> Binary.Op.SHR;
      case UNSIGNED_RIGHT_SHIFT_ASSIGNMENT -> Binary.Op.USHR;
      default -> null;
    };
  }

  private static boolean containsReturn(Tree tree) {
    return jumps(tree, true, false, false);
  }

  /** A break or continue that leaves the loop whose body is {@code tree}. */
  private static boolean containsBreak(Tree tree) {
    return jumps(tree, false, true, false);
  }

  /**
   * A return, break or continue that leaves {@code tree}, or a switch inside it that needs the
   * statements after it lowered into its branches: then so does {@code tree}.
   */
  private static boolean containsJump(Tree tree) {
    return jumps(tree, true, true, true);
  }

  /**
   * Whether {@code tree} holds a return (if {@code returns}) or a break or continue that leaves
   * {@code tree} (if {@code loopJumps}; a break inside a switch in {@code tree} ends that
   * switch and leaves nothing), or, if {@code unstructured}, a switch statement that needs what
   * follows it in each branch (see {@link #isStructured}); local classes and lambdas aside.
   */
  private static boolean jumps(Tree tree, boolean returns, boolean loopJumps,
      boolean unstructured) {
    /** Loops and switch statements around the visited tree, inside {@code tree}. */
    record Depth(int loops, int switches) {
      Depth inLoop() {
        return new Depth(loops + 1, switches);
      }

      Depth inSwitch() {
        return new Depth(loops, switches + 1);
      }
    }
    Boolean found = new TreeScanner<Boolean, Depth>() {
      @Override
      public Boolean visitReturn(ReturnTree node, Depth depth) {
        return returns;
      }

      @Override
      public Boolean visitBreak(BreakTree node, Depth depth) {
        return loopJumps && depth.loops() == 0 && depth.switches() == 0;
      }

      @Override
      public Boolean visitContinue(ContinueTree node, Depth depth) {
        return loopJumps && depth.loops() == 0;
      }

      @Override
      public Boolean visitForLoop(ForLoopTree node, Depth depth) {
        return super.visitForLoop(node, depth.inLoop());
      }

      @Override
      public Boolean visitEnhancedForLoop(EnhancedForLoopTree node, Depth depth) {
        return super.visitEnhancedForLoop(node, depth.inLoop());
      }

      @Override
      public Boolean visitWhileLoop(WhileLoopTree node, Depth depth) {
        return super.visitWhileLoop(node, depth.inLoop());
      }

      @Override
      public Boolean visitDoWhileLoop(DoWhileLoopTree node, Depth depth) {
        return super.visitDoWhileLoop(node, depth.inLoop());
      }

      @Override
      public Boolean visitSwitch(SwitchTree node, Depth depth) {
        if (unstructured && !isStructured(node)) {
          return true;
        }
        return super.visitSwitch(node, depth.inSwitch());
      }

      @Override
      public Boolean visitClass(com.sun.source.tree.ClassTree node, Depth depth) {
        return false; // a return in a local class is not this method's
      }

      @Override
      public Boolean visitLambdaExpression(com.sun.source.tree.LambdaExpressionTree node,
          Depth depth) {
        return false;
      }

      @Override
      public Boolean reduce(Boolean a, Boolean b) {
        return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
      }
    }.scan(tree, new Depth(0, 0));
    return Boolean.TRUE.equals(found);
  }

  private static String kindName(Tree tree) {
    return tree.getKind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  private Expr error(Tree at, Message message, Object... args) {
    errors++;
    reporter.error(trees, unit, at, message, args);
    return null;
  }
}
