package dev.adjoint.processor.frontend;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Reporter;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Cast;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** The statements still to lower: the rest of one statement list, then what follows it. */
  private record Continuation(List<? extends StatementTree> statements, int from, TreePath parent,
      Continuation next) {
    Continuation rest() {
      return new Continuation(statements, from + 1, parent, next);
    }
  }

  /** Stops lowering a method whose early returns expand past {@link #MAX_STATEMENTS}. */
  private static final class TooManyPaths extends RuntimeException {
    TooManyPaths() {
      super(null, null, false, false);
    }
  }

  BodyLowering(Trees trees, CompilationUnitTree unit, JavacAttribution javac, Elements elements,
      Reporter reporter, NameScope names, Var result, String methodName, String generatedClass,
      PackageElement generatedPackage) {
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

  /** The body as IR, or null if it had errors or is incomplete (javac reports the latter). */
  Block lower(TreePath body, Map<Element, Var> parameters) {
    List<Stmt> out = new ArrayList<>();
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
    if (errors > 0 || incomplete) {
      return null;
    }
    if (!(out.get(out.size() - 1) instanceof Assign last && last.target().equals(result))) {
      out.add(0, new Declare(result)); // returns inside branches assign the result
    }
    return new Block(out);
  }

  // ---- statements ------------------------------------------------------------------------

  /** Lowers {@code k}; the environment where control falls off its end, or null if it returns. */
  private Env lowerSequence(Continuation k, Env env, List<Stmt> out) {
    Continuation c = k;
    while (c != null) {
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
        return null;
      } else if (s instanceof IfTree branch && containsReturn(branch)) {
        lowerIfWithReturn(path, branch, env, c.rest(), out);
        return null;
      } else {
        env = lowerStatement(path, s, env, out);
        c = c.rest();
      }
    }
    return env;
  }

  /** An if that returns on some path: the rest of the method moves into both sides. */
  private void lowerIfWithReturn(TreePath path, IfTree branch, Env env, Continuation rest,
      List<Stmt> out) {
    Operand condition = lowerOperand(new TreePath(path, branch.getCondition()), env, out);
    Origin origin = source.origin(branch, branch.getCondition());
    List<Stmt> then = new ArrayList<>();
    List<Stmt> otherwise = new ArrayList<>();
    Env thenEnd = lowerSequence(
        new Continuation(List.of(branch.getThenStatement()), 0, path, rest), env.copy(), then);
    Env elseEnd = branch.getElseStatement() == null
        ? lowerSequence(rest, env.copy(), otherwise)
        : lowerSequence(new Continuation(List.of(branch.getElseStatement()), 0, path, rest),
            env.copy(), otherwise);
    if (thenEnd != null || elseEnd != null) {
      incomplete = true;
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
      case FOR_LOOP -> error(s, Message.LOOP, "for");
      case ENHANCED_FOR_LOOP -> error(s, Message.LOOP, "enhanced for");
      case WHILE_LOOP -> error(s, Message.LOOP, "while");
      case DO_WHILE_LOOP -> error(s, Message.LOOP, "do-while");
      case TRY -> error(s, Message.EXCEPTION, "try");
      case THROW -> error(s, Message.EXCEPTION, "throw");
      case SWITCH -> error(s, Message.SWITCH);
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
    Type type = primitive(declaration, local.asType(), "local variable '" + declaration.getName()
        + "'");
    if (type == null) {
      return;
    }
    if (declaration.getInitializer() == null) {
      env.versions.put(local, UNASSIGNED);
      return;
    }
    Var v = new Var(names.claim(declaration.getName().toString()), type);
    lowerInto(new TreePath(path, declaration.getInitializer()), v, env, out);
    env.versions.put(local, v);
  }

  private void lowerExpressionStatement(TreePath path, Env env, List<Stmt> out) {
    ExpressionTree e = (ExpressionTree) path.getLeaf();
    switch (e.getKind()) {
      case ASSIGNMENT -> {
        AssignmentTree assignment = (AssignmentTree) e;
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
    Operand condition = lowerOperand(new TreePath(path, branch.getCondition()), env, out);
    Origin origin = source.origin(branch, branch.getCondition());
    List<Stmt> then = new ArrayList<>();
    List<Stmt> otherwise = new ArrayList<>();
    Env thenEnd = lowerSequence(
        new Continuation(List.of(branch.getThenStatement()), 0, path, null), env.copy(), then);
    Env elseEnd = branch.getElseStatement() == null ? env.copy() : lowerSequence(
        new Continuation(List.of(branch.getElseStatement()), 0, path, null), env.copy(),
        otherwise);
    Env merged = env.copy();
    for (Element local : env.versions.keySet()) {
      Var a = thenEnd.versions.get(local);
      Var b = elseEnd.versions.get(local);
      if (a == b) {
        merged.versions.put(local, a);
      } else if (a == UNASSIGNED || b == UNASSIGNED) {
        merged.versions.put(local, UNASSIGNED);
      } else {
        Var m = newVersion(local);
        out.add(new Declare(m));
        then.add(new Assign(m, new Copy(a), origin));
        otherwise.add(new Assign(m, new Copy(b), origin));
        merged.versions.put(local, m);
      }
    }
    out.add(new If(condition, new Block(then), new Block(otherwise), origin));
    return merged;
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
        Operand condition = lowerOperand(new TreePath(path, choice.getCondition()), env, out);
        List<Stmt> then = new ArrayList<>();
        List<Stmt> otherwise = new ArrayList<>();
        lowerInto(new TreePath(path, choice.getTrueExpression()), target, env, then);
        lowerInto(new TreePath(path, choice.getFalseExpression()), target, env, otherwise);
        out.add(new Declare(target));
        out.add(new If(condition, new Block(then), new Block(otherwise), origin));
      }
      case CONDITIONAL_AND, CONDITIONAL_OR -> {
        BinaryTree logical = (BinaryTree) e;
        boolean and = e.getKind() == Tree.Kind.CONDITIONAL_AND;
        Operand left = lowerOperand(new TreePath(path, logical.getLeftOperand()), env, out);
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
        if (value != null) {
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
        Element element = javac.elementOf(path);
        if (element != null && (element.getKind() == ElementKind.LOCAL_VARIABLE
            || element.getKind() == ElementKind.PARAMETER)) {
          if (!element.asType().getKind().isPrimitive()) {
            error(e, element.asType().getKind() == TypeKind.ARRAY ? Message.ARRAY : Message.OBJECT,
                "'" + e + "'", element.asType());
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
        || e.getKind() == Tree.Kind.CONDITIONAL_AND || e.getKind() == Tree.Kind.CONDITIONAL_OR) {
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
      case ARRAY_ACCESS -> error(e, Message.ARRAY, "'" + e + "'");
      case NEW_ARRAY -> error(e, Message.ARRAY, "a new array");
      case NEW_CLASS -> error(e, Message.OBJECT, "creating an object", typeName(path));
      case LAMBDA_EXPRESSION -> error(e, Message.UNSUPPORTED, "a lambda",
          "write the computation inline");
      case MEMBER_REFERENCE -> error(e, Message.UNSUPPORTED, "a method reference",
          "write the computation inline");
      case SWITCH_EXPRESSION -> error(e, Message.SWITCH);
      case INSTANCE_OF -> error(e, Message.OBJECT, "instanceof on a value", typeName(path));
      case STRING_LITERAL -> error(e, Message.OBJECT, "a string", "String");
      case NULL_LITERAL -> error(e, Message.OBJECT, "null", "null");
      default -> {
        return new Copy(lowerOperand(path, env, out));
      }
    }
    return null;
  }

  private Expr lowerCall(TreePath path, MethodInvocationTree call, Env env, List<Stmt> out) {
    Element element = javac.elementOf(path);
    if (!(element instanceof ExecutableElement method)) {
      return null; // unresolved: javac reports it
    }
    TypeElement owner = (TypeElement) method.getEnclosingElement();
    String ownerName = owner.getQualifiedName().toString();
    boolean isMath = ownerName.equals("java.lang.Math") || ownerName.equals("java.lang.StrictMath");
    if (!isMath || !method.getModifiers().contains(Modifier.STATIC)
        || !method.getReturnType().getKind().isPrimitive()) {
      error(call, Message.CALL, owner.getSimpleName() + "." + method.getSimpleName());
      return null;
    }
    List<Operand> args = new ArrayList<>();
    for (ExpressionTree arg : call.getArguments()) {
      args.add(lowerOperand(new TreePath(path, arg), env, out));
    }
    return new MathCall(owner.getSimpleName().toString(), method.getSimpleName().toString(),
        args);
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
    if (!field.getModifiers().contains(Modifier.STATIC)) {
      error(e, Message.INSTANCE_FIELD, field.getSimpleName());
      return POISON;
    }
    TypeMirror fieldType = field.asType();
    if (!fieldType.getKind().isPrimitive()) {
      error(e, fieldType.getKind() == TypeKind.ARRAY ? Message.ARRAY : Message.OBJECT,
          fieldType.getKind() == TypeKind.ARRAY ? "field '" + field.getSimpleName() + "'"
              : "field '" + field.getSimpleName() + "'", fieldType);
      return POISON;
    }
    Type type = Type.valueOf(fieldType.getKind().name());
    TypeElement owner = (TypeElement) field.getEnclosingElement();
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
    Type type = Type.valueOf(local.asType().getKind().name());
    return new Var(names.fresh(local.getSimpleName().toString()), type);
  }

  /** The local variable or parameter assigned by {@code path}, or null after an error. */
  private Element assignedLocal(TreePath path) {
    Tree target = path.getLeaf();
    Element element = javac.elementOf(path);
    if (target.getKind() == Tree.Kind.ARRAY_ACCESS) {
      error(target, Message.ARRAY, "'" + target + "'");
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
    if (!element.asType().getKind().isPrimitive()) {
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
    return primitive(path.getLeaf(), type, "'" + path.getLeaf() + "'");
  }

  private Type primitive(Tree at, TypeMirror type, String what) {
    if (type.getKind().isPrimitive()) {
      return Type.valueOf(type.getKind().name());
    }
    if (type.getKind() == TypeKind.ERROR) {
      incomplete = true;
    } else if (type.getKind() == TypeKind.ARRAY) {
      error(at, Message.ARRAY, what);
    } else {
      error(at, Message.OBJECT, what, type);
    }
    return null;
  }

  private String typeName(TreePath path) {
    TypeMirror type = javac.typeOf(path);
    return type == null ? "?" : type.toString();
  }

  /** Whether the generated class, in {@link #generatedPackage}, can name {@code field}. */
  private boolean isAccessible(VariableElement field) {
    for (Element e = field; e instanceof VariableElement || e instanceof TypeElement;
        e = e.getEnclosingElement()) {
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
    Boolean found = new TreeScanner<Boolean, Void>() {
      @Override
      public Boolean visitReturn(ReturnTree node, Void unused) {
        return true;
      }

      @Override
      public Boolean visitClass(com.sun.source.tree.ClassTree node, Void unused) {
        return false; // a return in a local class is not this method's
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

  private static String kindName(Tree tree) {
    return tree.getKind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  private Expr error(Tree at, Message message, Object... args) {
    errors++;
    reporter.error(trees, unit, at, message, args);
    return null;
  }
}
