package dev.adjoint.processor.oracle;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import javax.lang.model.element.Modifier;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.hipparchus.analysis.differentiation.Gradient;

/**
 * Independent test oracle: interprets a subset of Java source (parsed with the javac Tree API,
 * never attributed) over Hipparchus forward-mode {@link Gradient}s. It shares no code with the
 * Adjoint processor.
 *
 * <p>Values are carried dynamically: {@link Gradient} for {@code double}, {@link Integer},
 * {@link Long} and {@link Boolean} for the rest; declared types drive the conversions. Every
 * double value is reset to exactly what the JDK computes ({@code withValue(Math.f(v))}), so
 * values and branch decisions match the compiled method bit for bit while Hipparchus supplies
 * the derivatives.
 */
public final class HipparchusOracle {

  /** Value of the method and its gradient with respect to the differentiated parameters. */
  public record Result(double value, double[] gradient) {}

  /** Static types of the supported subset. */
  private enum T { DOUBLE, LONG, INT, BOOLEAN }

  /** A typed variable slot (parameter, local or constant). */
  private static final class Var {
    final T type;
    Object value;

    Var(T type, Object value) {
      this.type = type;
      this.value = value;
    }
  }

  /** How a statement completed; BREAK/CONTINUE (with a label field) slot in here for loops. */
  private enum Flow { NORMAL, RETURN }

  private final ClassTree clazz;
  private final int free;
  private final Map<String, VariableTree> constantDecls = new HashMap<>();
  private final Map<String, Var> constants = new HashMap<>();
  private final Set<String> evaluatingConstants = new HashSet<>();
  private final Deque<Map<String, Var>> scopes = new ArrayDeque<>();
  private Object returned;

  private HipparchusOracle(ClassTree clazz, int free) {
    this.clazz = clazz;
    this.free = free;
    for (Tree member : clazz.getMembers()) {
      if (member instanceof VariableTree v
          && v.getModifiers().getFlags().containsAll(Set.of(Modifier.STATIC, Modifier.FINAL))
          && v.getInitializer() != null) {
        constantDecls.put(v.getName().toString(), v);
      }
    }
  }

  /**
   * Evaluates static method {@code methodName} of the single top-level class in {@code source}
   * at {@code args} (boxed: Double, Integer, Long, Boolean), differentiating with respect to
   * every {@code double} parameter, or the ones named by {@code @Differentiable(wrt = ...)}, in
   * declaration order.
   */
  public static Result evaluate(String source, String methodName, Object... args) {
    ClassTree clazz = parseClass(source);
    MethodTree method = null;
    for (Tree member : clazz.getMembers()) {
      if (member instanceof MethodTree m
          && m.getName().contentEquals(methodName)
          && m.getModifiers().getFlags().contains(Modifier.STATIC)
          && m.getParameters().size() == args.length) {
        method = m;
        break;
      }
    }
    if (method == null) {
      throw new IllegalArgumentException(
          "no static method " + methodName + " with " + args.length + " parameters");
    }
    List<? extends VariableTree> params = method.getParameters();
    Set<String> wrt = wrtNames(method);
    List<Integer> differentiated = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      String name = params.get(i).getName().toString();
      boolean isDouble = typeOf(params.get(i).getType()) == T.DOUBLE;
      if (wrt == null ? isDouble : wrt.remove(name)) {
        if (!isDouble) {
          throw new IllegalArgumentException("wrt names non-double parameter " + name);
        }
        differentiated.add(i);
      }
    }
    if (wrt != null && !wrt.isEmpty()) {
      throw new IllegalArgumentException("wrt names unknown parameters " + wrt);
    }

    HipparchusOracle oracle = new HipparchusOracle(clazz, differentiated.size());
    Map<String, Var> frame = new HashMap<>();
    for (int i = 0; i < params.size(); i++) {
      T type = typeOf(params.get(i).getType());
      Object value;
      int index = differentiated.indexOf(i);
      if (index >= 0) {
        value = Gradient.variable(oracle.free, index, ((Number) args[i]).doubleValue());
      } else {
        value = switch (type) {
          case DOUBLE -> Gradient.constant(oracle.free, ((Number) args[i]).doubleValue());
          case LONG -> ((Number) args[i]).longValue();
          case INT -> (Integer) args[i];
          case BOOLEAN -> (Boolean) args[i];
        };
      }
      frame.put(params.get(i).getName().toString(), new Var(type, value));
    }
    oracle.scopes.push(frame);

    if (oracle.exec(method.getBody()) != Flow.RETURN) {
      throw new IllegalStateException(methodName + " completed without returning a value");
    }
    T returnType = typeOf(method.getReturnType());
    if (returnType == T.BOOLEAN) {
      throw new UnsupportedOperationException("boolean return type of " + methodName);
    }
    Gradient result = oracle.toGradient(oracle.convert(oracle.returned, returnType));
    return new Result(result.getValue(), result.getGradient());
  }

  // ---------------------------------------------------------------- parsing and declarations

  private static ClassTree parseClass(String source) {
    URI uri = URI.create("string:///OracleInput.java");
    JavaFileObject file = new SimpleJavaFileObject(uri, JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavacTask task = (JavacTask) ToolProvider.getSystemJavaCompiler()
        .getTask(null, null, diagnostics, List.of("-proc:none"), null, List.of(file));
    Iterable<? extends CompilationUnitTree> units;
    try {
      units = task.parse();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        throw new IllegalArgumentException("syntax error at line " + d.getLineNumber() + ": "
            + d.getMessage(null));
      }
    }
    for (CompilationUnitTree unit : units) {
      for (Tree type : unit.getTypeDecls()) {
        if (type instanceof ClassTree c) {
          return c;
        }
      }
    }
    throw new IllegalArgumentException("no top-level class in source");
  }

  /** The names in {@code @Differentiable(wrt = ...)}, or null if every double is differentiated. */
  private static Set<String> wrtNames(MethodTree method) {
    for (AnnotationTree a : method.getModifiers().getAnnotations()) {
      String name = a.getAnnotationType().toString();
      if (!name.equals("Differentiable") && !name.endsWith(".Differentiable")) {
        continue;
      }
      for (ExpressionTree arg : a.getArguments()) {
        if (arg instanceof AssignmentTree as && as.getVariable().toString().equals("wrt")) {
          Set<String> names = new HashSet<>();
          List<? extends ExpressionTree> values = as.getExpression() instanceof NewArrayTree array
              ? array.getInitializers() : List.of(as.getExpression());
          for (ExpressionTree v : values) {
            if (!(v instanceof LiteralTree literal
                && literal.getValue() instanceof String element)) {
              throw unsupported(v, "wrt element");
            }
            names.add(element);
          }
          return names.isEmpty() ? null : names;
        }
      }
    }
    return null;
  }

  private static T typeOf(Tree type) {
    if (type instanceof PrimitiveTypeTree p) {
      switch (p.getPrimitiveTypeKind()) {
        case DOUBLE: return T.DOUBLE;
        case INT: return T.INT;
        case LONG: return T.LONG;
        case BOOLEAN: return T.BOOLEAN;
        default: break;
      }
    }
    throw unsupported(type, "type");
  }

  private static UnsupportedOperationException unsupported(Tree tree, String what) {
    return new UnsupportedOperationException(
        "unsupported " + what + " " + tree.getKind() + ": " + tree);
  }

  // ---------------------------------------------------------------- statements

  private Flow exec(StatementTree s) {
    switch (s.getKind()) {
      case BLOCK: {
        scopes.push(new HashMap<>());
        try {
          for (StatementTree inner : ((BlockTree) s).getStatements()) {
            Flow flow = exec(inner);
            if (flow != Flow.NORMAL) {
              return flow;
            }
          }
          return Flow.NORMAL;
        } finally {
          scopes.pop();
        }
      }
      case VARIABLE: {
        VariableTree v = (VariableTree) s;
        ExpressionTree init = v.getInitializer();
        Object value = init == null ? null : eval(init);
        boolean inferred = v.getType() == null // the parser leaves no type tree for 'var'
            || v.getType() instanceof IdentifierTree id && id.getName().contentEquals("var");
        T type = inferred ? typeOfValue(value) : typeOf(v.getType());
        Object converted = value == null ? null : convert(value, type);
        scopes.peek().put(v.getName().toString(), new Var(type, converted));
        return Flow.NORMAL;
      }
      case EXPRESSION_STATEMENT:
        eval(((ExpressionStatementTree) s).getExpression());
        return Flow.NORMAL;
      case IF: {
        IfTree i = (IfTree) s;
        if ((Boolean) eval(i.getCondition())) {
          return exec(i.getThenStatement());
        }
        return i.getElseStatement() == null ? Flow.NORMAL : exec(i.getElseStatement());
      }
      case RETURN: {
        ExpressionTree e = ((ReturnTree) s).getExpression();
        if (e == null) {
          throw unsupported(s, "void return");
        }
        returned = eval(e);
        return Flow.RETURN;
      }
      case EMPTY_STATEMENT:
        return Flow.NORMAL;
      default:
        throw unsupported(s, "statement");
    }
  }

  // ---------------------------------------------------------------- expressions

  private Object eval(ExpressionTree e) {
    switch (e.getKind()) {
      case INT_LITERAL:
      case LONG_LITERAL:
      case BOOLEAN_LITERAL:
        return ((LiteralTree) e).getValue();
      case DOUBLE_LITERAL:
        return Gradient.constant(free, (Double) ((LiteralTree) e).getValue());
      case PARENTHESIZED:
        return eval(((ParenthesizedTree) e).getExpression());
      case IDENTIFIER:
      case MEMBER_SELECT: {
        Var v = variable(e);
        if (v.value == null) {
          throw new IllegalStateException("variable " + e + " read before assignment");
        }
        return v.value;
      }
      case UNARY_PLUS:
        return eval(((UnaryTree) e).getExpression());
      case UNARY_MINUS:
        return negate(eval(((UnaryTree) e).getExpression()));
      case LOGICAL_COMPLEMENT:
        return !(Boolean) eval(((UnaryTree) e).getExpression());
      case PREFIX_INCREMENT:
      case PREFIX_DECREMENT:
      case POSTFIX_INCREMENT:
      case POSTFIX_DECREMENT: {
        Var v = variable(((UnaryTree) e).getExpression());
        Object old = v.value;
        Tree.Kind k = e.getKind();
        boolean inc = k == Tree.Kind.PREFIX_INCREMENT || k == Tree.Kind.POSTFIX_INCREMENT;
        v.value = convert(arithmetic(inc ? Tree.Kind.PLUS : Tree.Kind.MINUS, old, 1), v.type);
        boolean prefix = k == Tree.Kind.PREFIX_INCREMENT || k == Tree.Kind.PREFIX_DECREMENT;
        return prefix ? v.value : old;
      }
      case PLUS:
      case MINUS:
      case MULTIPLY:
      case DIVIDE:
      case REMAINDER: {
        BinaryTree b = (BinaryTree) e;
        return arithmetic(e.getKind(), eval(b.getLeftOperand()), eval(b.getRightOperand()));
      }
      case LESS_THAN:
      case LESS_THAN_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_EQUAL:
      case EQUAL_TO:
      case NOT_EQUAL_TO: {
        BinaryTree b = (BinaryTree) e;
        return compare(e.getKind(), eval(b.getLeftOperand()), eval(b.getRightOperand()));
      }
      case AND:
      case OR:
      case XOR: {
        BinaryTree b = (BinaryTree) e;
        Object left = eval(b.getLeftOperand());
        Object right = eval(b.getRightOperand());
        if (!(left instanceof Boolean l) || !(right instanceof Boolean r)) {
          throw new UnsupportedOperationException("bitwise " + e.getKind() + " on numbers");
        }
        return e.getKind() == Tree.Kind.AND ? l & r : e.getKind() == Tree.Kind.OR ? l | r : l ^ r;
      }
      case CONDITIONAL_AND:
      case CONDITIONAL_OR: {
        BinaryTree b = (BinaryTree) e;
        boolean left = (Boolean) eval(b.getLeftOperand());
        if (left == (e.getKind() == Tree.Kind.CONDITIONAL_OR)) {
          return left; // short circuit: the right operand is not evaluated
        }
        return (Boolean) eval(b.getRightOperand());
      }
      case CONDITIONAL_EXPRESSION: {
        ConditionalExpressionTree c = (ConditionalExpressionTree) e;
        Object chosen = (Boolean) eval(c.getCondition())
            ? eval(c.getTrueExpression()) : eval(c.getFalseExpression());
        return convert(chosen, staticType(e)); // numeric promotion of both branches
      }
      case TYPE_CAST: {
        TypeCastTree c = (TypeCastTree) e;
        return convert(eval(c.getExpression()), typeOf(c.getType()));
      }
      case ASSIGNMENT: {
        AssignmentTree a = (AssignmentTree) e;
        Var v = variable(a.getVariable());
        v.value = convert(eval(a.getExpression()), v.type);
        return v.value;
      }
      case PLUS_ASSIGNMENT:
      case MINUS_ASSIGNMENT:
      case MULTIPLY_ASSIGNMENT:
      case DIVIDE_ASSIGNMENT:
      case REMAINDER_ASSIGNMENT: {
        CompoundAssignmentTree a = (CompoundAssignmentTree) e;
        Var v = variable(a.getVariable());
        Object rhs = eval(a.getExpression());
        // JLS 15.26.2: E1 op= E2 is E1 = (T) ((E1) op (E2)), including the narrowing cast.
        v.value = convert(arithmetic(binaryOf(e.getKind()), v.value, rhs), v.type);
        return v.value;
      }
      case METHOD_INVOCATION:
        return call((MethodInvocationTree) e);
      default:
        throw unsupported(e, "expression");
    }
  }

  private static Tree.Kind binaryOf(Tree.Kind compound) {
    switch (compound) {
      case PLUS_ASSIGNMENT: return Tree.Kind.PLUS;
      case MINUS_ASSIGNMENT: return Tree.Kind.MINUS;
      case MULTIPLY_ASSIGNMENT: return Tree.Kind.MULTIPLY;
      case DIVIDE_ASSIGNMENT: return Tree.Kind.DIVIDE;
      default: return Tree.Kind.REMAINDER;
    }
  }

  /** Resolves an identifier or {@code Owner.NAME} to its slot: locals, params, constants, Math. */
  private Var variable(ExpressionTree e) {
    if (e instanceof ParenthesizedTree p) {
      return variable(p.getExpression());
    }
    String name;
    if (e instanceof IdentifierTree id) {
      name = id.getName().toString();
      for (Map<String, Var> scope : scopes) {
        Var v = scope.get(name);
        if (v != null) {
          return v;
        }
      }
    } else if (e instanceof MemberSelectTree m) {
      String owner = m.getExpression().toString();
      name = m.getIdentifier().toString();
      if (isMath(owner) && (name.equals("PI") || name.equals("E"))) {
        return new Var(T.DOUBLE, Gradient.constant(free, name.equals("PI") ? Math.PI : Math.E));
      }
      if (!owner.equals(clazz.getSimpleName().toString())) {
        throw unsupported(e, "member select");
      }
    } else {
      throw unsupported(e, "assignment target");
    }
    Var constant = constant(name);
    if (constant == null) {
      throw unsupported(e, "name (not a parameter, local or static final constant of the class)");
    }
    return constant;
  }

  private Var constant(String name) {
    Var v = constants.get(name);
    if (v != null || !constantDecls.containsKey(name)) {
      return v;
    }
    if (!evaluatingConstants.add(name)) {
      throw new IllegalStateException("cyclic constant " + name);
    }
    VariableTree decl = constantDecls.get(name);
    Deque<Map<String, Var>> saved = new ArrayDeque<>(scopes);
    scopes.clear(); // initializers see only other constants
    try {
      T type = typeOf(decl.getType());
      v = new Var(type, convert(eval(decl.getInitializer()), type));
    } finally {
      scopes.addAll(saved);
      evaluatingConstants.remove(name);
    }
    constants.put(name, v);
    return v;
  }

  private static boolean isMath(String owner) {
    return owner.equals("Math") || owner.equals("StrictMath")
        || owner.equals("java.lang.Math") || owner.equals("java.lang.StrictMath");
  }

  // ---------------------------------------------------------------- types and conversions

  private static T typeOfValue(Object v) {
    if (v instanceof Gradient) return T.DOUBLE;
    if (v instanceof Long) return T.LONG;
    if (v instanceof Integer) return T.INT;
    if (v instanceof Boolean) return T.BOOLEAN;
    throw new IllegalStateException("unexpected value " + v);
  }

  /** Binary numeric promotion (JLS 5.6): int -> long -> double. */
  private static T promote(T a, T b) {
    if (a == T.BOOLEAN || b == T.BOOLEAN) {
      return a == b ? T.BOOLEAN : null;
    }
    return a.ordinal() <= b.ordinal() ? a : b;
  }

  /** Casting conversion to {@code type} (widening, or narrowing as by a cast). */
  private Object convert(Object v, T type) {
    if (v instanceof Boolean || type == T.BOOLEAN) {
      if (v instanceof Boolean && type == T.BOOLEAN) return v;
      throw new IllegalStateException("cannot convert " + v + " to " + type);
    }
    switch (type) {
      case DOUBLE:
        return toGradient(v);
      case LONG:
        return v instanceof Gradient g ? (long) g.getValue() : ((Number) v).longValue();
      default:
        return v instanceof Gradient g ? (int) g.getValue() : ((Number) v).intValue();
    }
  }

  private Gradient toGradient(Object v) {
    if (v instanceof Gradient g) {
      return g;
    }
    if (v instanceof Integer || v instanceof Long) {
      return Gradient.constant(free, ((Number) v).doubleValue());
    }
    throw new IllegalStateException("not numeric: " + v);
  }

  /** The static type of an expression, needed where Java types both branches of {@code ?:}. */
  private T staticType(ExpressionTree e) {
    switch (e.getKind()) {
      case INT_LITERAL: return T.INT;
      case LONG_LITERAL: return T.LONG;
      case DOUBLE_LITERAL: return T.DOUBLE;
      case BOOLEAN_LITERAL:
      case LOGICAL_COMPLEMENT:
      case LESS_THAN: case LESS_THAN_EQUAL: case GREATER_THAN: case GREATER_THAN_EQUAL:
      case EQUAL_TO: case NOT_EQUAL_TO: case CONDITIONAL_AND: case CONDITIONAL_OR:
      case AND: case OR: case XOR:
        return T.BOOLEAN;
      case PARENTHESIZED:
        return staticType(((ParenthesizedTree) e).getExpression());
      case IDENTIFIER:
      case MEMBER_SELECT:
        return variable(e).type;
      case UNARY_PLUS: case UNARY_MINUS:
      case PREFIX_INCREMENT: case PREFIX_DECREMENT: case POSTFIX_INCREMENT: case POSTFIX_DECREMENT:
        return staticType(((UnaryTree) e).getExpression());
      case PLUS: case MINUS: case MULTIPLY: case DIVIDE: case REMAINDER: {
        BinaryTree b = (BinaryTree) e;
        return promote(staticType(b.getLeftOperand()), staticType(b.getRightOperand()));
      }
      case CONDITIONAL_EXPRESSION: {
        ConditionalExpressionTree c = (ConditionalExpressionTree) e;
        return promote(staticType(c.getTrueExpression()), staticType(c.getFalseExpression()));
      }
      case TYPE_CAST:
        return typeOf(((TypeCastTree) e).getType());
      case ASSIGNMENT:
        return staticType(((AssignmentTree) e).getVariable());
      case PLUS_ASSIGNMENT: case MINUS_ASSIGNMENT: case MULTIPLY_ASSIGNMENT:
      case DIVIDE_ASSIGNMENT: case REMAINDER_ASSIGNMENT:
        return staticType(((CompoundAssignmentTree) e).getVariable());
      case METHOD_INVOCATION: {
        MethodInvocationTree m = (MethodInvocationTree) e;
        String name = m.getMethodSelect() instanceof MemberSelectTree s
            ? s.getIdentifier().toString() : "";
        T arg = m.getArguments().isEmpty() ? T.DOUBLE : staticType(m.getArguments().get(0));
        for (ExpressionTree a : m.getArguments()) {
          arg = promote(arg, staticType(a));
        }
        switch (name) {
          case "abs": case "max": case "min": return arg;
          case "round": return arg == T.DOUBLE ? T.LONG : T.INT;
          default: return T.DOUBLE;
        }
      }
      default:
        throw unsupported(e, "expression");
    }
  }

  // ---------------------------------------------------------------- operators

  private Object negate(Object v) {
    if (v instanceof Gradient g) return g.negate();
    if (v instanceof Long l) return -l;
    if (v instanceof Integer i) return -i;
    throw new IllegalStateException("cannot negate " + v);
  }

  private Object arithmetic(Tree.Kind op, Object l, Object r) {
    T type = promote(typeOfValue(l), typeOfValue(r));
    if (type == T.DOUBLE) {
      Gradient a = toGradient(l);
      Gradient b = toGradient(r);
      double x = a.getValue();
      double y = b.getValue();
      switch (op) {
        case PLUS: return a.add(b).withValue(x + y);
        case MINUS: return a.subtract(b).withValue(x - y);
        case MULTIPLY: return a.multiply(b).withValue(x * y);
        case DIVIDE: return a.divide(b).withValue(x / y);
        case REMAINDER: {
          // Java's % truncates (fmod): x % y = x - q*y with q = trunc(x / y), constant locally.
          double value = x % y;
          double q = Math.rint((x - value) / y);
          return a.subtract(b.multiply(q)).withValue(value);
        }
        default: throw new IllegalStateException(op.toString());
      }
    }
    if (type == T.LONG) {
      long a = ((Number) l).longValue();
      long b = ((Number) r).longValue();
      switch (op) {
        case PLUS: return a + b;
        case MINUS: return a - b;
        case MULTIPLY: return a * b;
        case DIVIDE: return a / b;
        case REMAINDER: return a % b;
        default: throw new IllegalStateException(op.toString());
      }
    }
    if (type == T.INT) {
      int a = (Integer) l;
      int b = (Integer) r;
      switch (op) {
        case PLUS: return a + b;
        case MINUS: return a - b;
        case MULTIPLY: return a * b;
        case DIVIDE: return a / b;
        case REMAINDER: return a % b;
        default: throw new IllegalStateException(op.toString());
      }
    }
    throw new IllegalStateException("non-numeric operands " + l + " " + op + " " + r);
  }

  private Object compare(Tree.Kind op, Object l, Object r) {
    T type = promote(typeOfValue(l), typeOfValue(r));
    if (type == T.BOOLEAN) {
      switch (op) {
        case EQUAL_TO: return l.equals(r);
        case NOT_EQUAL_TO: return !l.equals(r);
        default: throw new IllegalStateException(op + " on booleans");
      }
    }
    int c;
    boolean nan = false;
    if (type == T.DOUBLE) {
      double a = toGradient(l).getValue();
      double b = toGradient(r).getValue();
      nan = Double.isNaN(a) || Double.isNaN(b);
      c = a < b ? -1 : a > b ? 1 : 0; // == treats -0.0 and 0.0 as equal, like Java
    } else {
      c = Long.compare(((Number) l).longValue(), ((Number) r).longValue());
    }
    if (nan) {
      return op == Tree.Kind.NOT_EQUAL_TO;
    }
    switch (op) {
      case LESS_THAN: return c < 0;
      case LESS_THAN_EQUAL: return c <= 0;
      case GREATER_THAN: return c > 0;
      case GREATER_THAN_EQUAL: return c >= 0;
      case EQUAL_TO: return c == 0;
      default: return c != 0;
    }
  }

  // ---------------------------------------------------------------- Math calls

  private Object call(MethodInvocationTree call) {
    if (!(call.getMethodSelect() instanceof MemberSelectTree select)
        || !isMath(select.getExpression().toString())) {
      throw unsupported(call, "method invocation");
    }
    boolean strict = select.getExpression().toString().endsWith("StrictMath");
    String name = select.getIdentifier().toString();
    List<Object> args = new ArrayList<>();
    for (ExpressionTree a : call.getArguments()) {
      args.add(eval(a));
    }
    int arity = switch (name) {
      case "pow", "atan2", "max", "min", "hypot" -> 2;
      default -> 1;
    };
    if (args.size() != arity) {
      throw unsupported(call, "arity of");
    }
    Object a0 = args.get(0);
    T type = typeOfValue(a0);
    for (Object a : args) {
      type = promote(type, typeOfValue(a));
    }
    switch (name) {
      case "exp": return unary(a0, Gradient::exp, strict ? StrictMath::exp : Math::exp);
      case "log": return unary(a0, Gradient::log, strict ? StrictMath::log : Math::log);
      case "log10": return unary(a0, Gradient::log10, strict ? StrictMath::log10 : Math::log10);
      case "log1p": return unary(a0, Gradient::log1p, strict ? StrictMath::log1p : Math::log1p);
      case "expm1": return unary(a0, Gradient::expm1, strict ? StrictMath::expm1 : Math::expm1);
      case "sqrt": return unary(a0, Gradient::sqrt, strict ? StrictMath::sqrt : Math::sqrt);
      case "cbrt": return unary(a0, Gradient::cbrt, strict ? StrictMath::cbrt : Math::cbrt);
      case "sin": return unary(a0, Gradient::sin, strict ? StrictMath::sin : Math::sin);
      case "cos": return unary(a0, Gradient::cos, strict ? StrictMath::cos : Math::cos);
      case "tan": return unary(a0, Gradient::tan, strict ? StrictMath::tan : Math::tan);
      case "asin": return unary(a0, Gradient::asin, strict ? StrictMath::asin : Math::asin);
      case "acos": return unary(a0, Gradient::acos, strict ? StrictMath::acos : Math::acos);
      case "atan": return unary(a0, Gradient::atan, strict ? StrictMath::atan : Math::atan);
      case "sinh": return unary(a0, Gradient::sinh, strict ? StrictMath::sinh : Math::sinh);
      case "cosh": return unary(a0, Gradient::cosh, strict ? StrictMath::cosh : Math::cosh);
      case "tanh": return unary(a0, Gradient::tanh, strict ? StrictMath::tanh : Math::tanh);
      case "toRadians":
        return unary(a0, Gradient::toRadians, strict ? StrictMath::toRadians : Math::toRadians);
      case "toDegrees":
        return unary(a0, Gradient::toDegrees, strict ? StrictMath::toDegrees : Math::toDegrees);
      // Piecewise constant: derivative 0.
      case "floor": return step(a0, strict ? StrictMath::floor : Math::floor);
      case "ceil": return step(a0, strict ? StrictMath::ceil : Math::ceil);
      case "rint": return step(a0, strict ? StrictMath::rint : Math::rint);
      case "signum": return step(a0, strict ? StrictMath::signum : Math::signum);
      case "round":
        // round(double) -> long; an int/long argument widens to float: round(float) -> int.
        return a0 instanceof Gradient g ? (Object) Math.round(g.getValue())
            : (Object) Math.round(((Number) a0).floatValue());
      case "pow": {
        Gradient x = toGradient(a0);
        Gradient y = toGradient(args.get(1));
        double value = strict ? StrictMath.pow(x.getValue(), y.getValue())
            : Math.pow(x.getValue(), y.getValue());
        Gradient r;
        if (isConstant(y)) {
          // Constant exponent: d/dx x^c = c x^(c-1), also valid for a negative base.
          double c = y.getValue();
          r = c == Math.rint(c) && Math.abs(c) < 1 << 30 ? x.pow((int) c) : x.pow(c);
        } else if (isConstant(x)) {
          r = Gradient.pow(x.getValue(), y);
        } else {
          r = x.pow(y);
        }
        return r.withValue(value);
      }
      case "atan2": {
        Gradient y = toGradient(a0);
        Gradient x = toGradient(args.get(1));
        double value = strict ? StrictMath.atan2(y.getValue(), x.getValue())
            : Math.atan2(y.getValue(), x.getValue());
        return y.atan2(x).withValue(value);
      }
      case "hypot": {
        Gradient x = toGradient(a0);
        Gradient y = toGradient(args.get(1));
        double value = strict ? StrictMath.hypot(x.getValue(), y.getValue())
            : Math.hypot(x.getValue(), y.getValue());
        return x.hypot(y).withValue(value);
      }
      case "abs":
        if (type == T.DOUBLE) {
          Gradient x = toGradient(a0);
          double v = x.getValue();
          // Adjoint convention: d|x|/dx = signum(x), so 0 at x == 0.
          return v == 0 ? Gradient.constant(free, 0.0) : x.abs().withValue(Math.abs(v));
        }
        return type == T.LONG ? (Object) Math.abs(((Number) a0).longValue())
            : (Object) Math.abs((Integer) a0);
      case "max":
      case "min": {
        boolean max = name.equals("max");
        Object b0 = args.get(1);
        if (type == T.DOUBLE) {
          Gradient a = toGradient(a0);
          Gradient b = toGradient(b0);
          double x = a.getValue();
          double y = b.getValue();
          // Adjoint convention: ties route the gradient to the first argument.
          Gradient chosen = (max ? x >= y : x <= y) ? a : b;
          return chosen.withValue(max ? Math.max(x, y) : Math.min(x, y));
        }
        if (type == T.LONG) {
          long x = ((Number) a0).longValue();
          long y = ((Number) b0).longValue();
          return max ? Math.max(x, y) : Math.min(x, y);
        }
        return max ? Math.max((Integer) a0, (Integer) b0) : Math.min((Integer) a0, (Integer) b0);
      }
      default:
        throw unsupported(call, "Math function " + name + " in");
    }
  }

  private Gradient unary(Object arg, UnaryOperator<Gradient> derivative,
      DoubleUnaryOperator value) {
    Gradient x = toGradient(arg);
    return derivative.apply(x).withValue(value.applyAsDouble(x.getValue()));
  }

  private Gradient step(Object arg, DoubleUnaryOperator value) {
    return Gradient.constant(free, value.applyAsDouble(toGradient(arg).getValue()));
  }

  private static boolean isConstant(Gradient g) {
    for (double d : g.getGradient()) {
      if (d != 0) {
        return false;
      }
    }
    return true;
  }
}
