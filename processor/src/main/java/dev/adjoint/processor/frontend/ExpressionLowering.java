package dev.adjoint.processor.frontend;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.InstanceOfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.TreePath;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Cast;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Lowers expressions to three-address form: every intermediate value into a temporary, in
 * evaluation order; {@code ?:}, {@code &&} and {@code ||} into if / else. Hands array elements
 * and lengths to {@link ArrayLowering}, calls to {@link CallLowering}, fields to {@link
 * FieldReads} and switch expressions back to the statement lowering.
 */
final class ExpressionLowering {
  /** The operand of an expression that was reported: lowering goes on to find more errors. */
  static final Constant POISON = new Constant(Type.DOUBLE, "0.0");

  private final LoweringContext context;
  private final LoopNest nest;
  private final ArrayLowering arrays;
  private final CallLowering calls;
  private final FieldReads fields;
  private final RecordReads records;
  private final SwitchExpressions switches;
  private final Increments increments;

  /** Lowers a switch expression into {@code target} ({@link SwitchLowering#lowerExpression}). */
  @FunctionalInterface
  interface SwitchExpressions {
    void lower(TreePath path, Var target, Env env, List<Stmt> out);
  }

  /** Lowers {@code k++} inside an expression ({@link AssignmentLowering#increment}). */
  @FunctionalInterface
  interface Increments {
    Var lower(TreePath path, Env env, List<Stmt> out);
  }

  ExpressionLowering(LoweringContext context, LoopNest nest, ArrayLowering arrays,
      CallLowering calls, FieldReads fields, RecordReads records, SwitchExpressions switches,
      Increments increments) {
    this.context = context;
    this.nest = nest;
    this.arrays = arrays;
    this.calls = calls;
    this.fields = fields;
    this.records = records;
    this.switches = switches;
    this.increments = increments;
  }

  /** Emits code that leaves the value of {@code path} in {@code target}. */
  void lowerInto(TreePath path, Var target, Env env, List<Stmt> out) {
    ExpressionTree e = (ExpressionTree) path.getLeaf();
    Type type = context.typeOf(path);
    if (type == null) {
      return;
    }
    Origin origin = context.originInStatement(e);
    if (e instanceof NewArrayTree create && create.getInitializers() != null) {
      arrays.lowerInitializer(path, target, env, out);
      return;
    }
    if (type == target.type() && arrays.copies().isCopy(path)) {
      arrays.copies().lowerCopy(path, target, env, out);
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
        Operand condition = nest.condition(
            lowerOperand(new TreePath(path, choice.getCondition()), env, out), out, origin);
        List<Stmt> then = new ArrayList<>();
        List<Stmt> otherwise = new ArrayList<>();
        lowerInto(new TreePath(path, choice.getTrueExpression()), target, env, then);
        lowerInto(new TreePath(path, choice.getFalseExpression()), target, env, otherwise);
        out.add(new Declare(target));
        out.add(new If(condition, new Block(then), new Block(otherwise), origin));
      }
      case SWITCH_EXPRESSION -> switches.lower(path, target, env, out);
      case CONDITIONAL_AND, CONDITIONAL_OR -> {
        BinaryTree logical = (BinaryTree) e;
        boolean and = e.getKind() == Tree.Kind.CONDITIONAL_AND;
        Operand left = nest.condition(
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
            && arrays.isReadOnly(other)) {
          context.error(e, Message.ARRAY_ALIAS, other.name(), "it is a parameter or a constant"
              + " table, which the generated code never writes through another name");
        } else if (value != null) {
          out.add(new Assign(target, value, origin));
        }
      }
    }
  }

  /** The operand holding the value of {@code path}: a variable or constant, else a temporary. */
  Operand lowerOperand(TreePath path, Env env, List<Stmt> out) {
    ExpressionTree e = (ExpressionTree) path.getLeaf();
    switch (e.getKind()) {
      case PARENTHESIZED -> {
        return lowerOperand(new TreePath(path, ((ParenthesizedTree) e).getExpression()), env,
            out);
      }
      case IDENTIFIER, MEMBER_SELECT, METHOD_INVOCATION -> {
        if (isLength(path)) {
          break;
        }
        RecordValue.Component component = records.resolve(path);
        if (component != null) {
          return recordRead(path, component);
        }
        if (e.getKind() == Tree.Kind.METHOD_INVOCATION) {
          break;
        }
        Element element = context.javac.elementOf(path);
        if (element != null && arrays.rowAlias(element) != null) {
          context.error(e, Message.ARRAY_ALIAS, element.getSimpleName(), "it is a row of a matrix,"
              + " which can be indexed or passed to a call");
          return POISON;
        }
        if (element != null && (element.getKind() == ElementKind.LOCAL_VARIABLE
            || element.getKind() == ElementKind.PARAMETER)) {
          if (!element.asType().getKind().isPrimitive()
              && context.valueType(e, element.asType(), "'" + e + "'") == null) {
            return POISON;
          }
          return read(element, env);
        }
        return fields.read(e, element);
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
    Type type = context.typeOf(path);
    if (type == null) {
      return POISON;
    }
    String prefix = type == Type.BOOLEAN ? "c" : "t";
    if (e.getKind() == Tree.Kind.CONDITIONAL_EXPRESSION
        || e.getKind() == Tree.Kind.CONDITIONAL_AND || e.getKind() == Tree.Kind.CONDITIONAL_OR
        || e.getKind() == Tree.Kind.SWITCH_EXPRESSION || arrays.copies().isCopy(path)) {
      Var temp = new Var(context.names.numbered(prefix), type);
      lowerInto(path, temp, env, out);
      return temp;
    }
    // Operands first, so temporaries are numbered in evaluation order.
    Expr value = lowerExpr(path, env, out);
    if (value == null) {
      return POISON;
    }
    Var temp = new Var(context.names.numbered(prefix), type);
    out.add(new Assign(temp, value, context.originInStatement(e)));
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
        RecordValue.Component component = records.resolve(path);
        if (component != null) {
          Operand read = recordRead(path, component);
          return read == POISON ? null : new Copy(read);
        }
        return calls.lowerCall(path, (MethodInvocationTree) e, env, out);
      }
      case TYPE_CAST -> {
        TypeCastTree cast = (TypeCastTree) e;
        Operand a = lowerOperand(new TreePath(path, cast.getExpression()), env, out);
        Type to = context.typeOf(path);
        return to == null ? null : new Cast(to, a);
      }
      case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> {
        Var value = increments.lower(path, env, out);
        return value == null ? null : new Copy(value);
      }
      case ASSIGNMENT, PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT,
          REMAINDER_ASSIGNMENT, AND_ASSIGNMENT, OR_ASSIGNMENT, XOR_ASSIGNMENT,
          LEFT_SHIFT_ASSIGNMENT, RIGHT_SHIFT_ASSIGNMENT, UNSIGNED_RIGHT_SHIFT_ASSIGNMENT ->
          context.error(e, Message.NESTED_ASSIGNMENT, "an assignment inside an expression");
      case ARRAY_ACCESS -> {
        return arrays.load(path, env, out);
      }
      case NEW_ARRAY -> {
        return arrays.newArray(path, env, out);
      }
      case NEW_CLASS ->
          context.error(e, Message.OBJECT, "creating an object", context.typeName(path));
      case LAMBDA_EXPRESSION -> context.error(e, Message.UNSUPPORTED, "a lambda",
          "write the computation inline, or as a @Differentiable method it calls");
      case MEMBER_REFERENCE -> context.error(e, Message.UNSUPPORTED, "a method reference",
          "call the method directly");
      case INSTANCE_OF -> context.error(e, Message.OBJECT, "instanceof on a value",
          context.typeName(new TreePath(path, ((InstanceOfTree) e).getExpression())));
      case STRING_LITERAL -> context.error(e, Message.OBJECT, "a string", "String");
      case NULL_LITERAL -> context.error(e, Message.OBJECT, "null", "null");
      case MEMBER_SELECT -> {
        if (isLength(path)) {
          return arrays.length(path, env, out);
        }
        return new Copy(lowerOperand(path, env, out));
      }
      default -> {
        return new Copy(lowerOperand(path, env, out));
      }
    }
    return null;
  }

  /** A component of a record read by {@code path}: its parameter; POISON for a whole record. */
  private Operand recordRead(TreePath path, RecordValue.Component component) {
    if (component.leaf() == null) {
      records.reportAsValue(path);
      return POISON;
    }
    if (component.leaf().type() == Type.OBJECT) {
      context.valueType(path.getLeaf(), context.javac.typeOf(path), "'" + path.getLeaf() + "'");
      return POISON;
    }
    return component.leaf();
  }

  /** Whether {@code path} is the {@code length} of an array. */
  private boolean isLength(TreePath path) {
    if (!(path.getLeaf() instanceof MemberSelectTree select
        && select.getIdentifier().contentEquals("length"))) {
      return false;
    }
    TypeMirror array = context.javac.typeOf(new TreePath(path, select.getExpression()));
    return array != null && array.getKind() == TypeKind.ARRAY;
  }

  /** The current version of {@code local}, which the code reads. */
  Var read(Element local, Env env) {
    Var v = env.versions.get(local);
    if (v == null || v == Env.UNASSIGNED) {
      context.incomplete = true; // not definitely assigned: javac reports it
      return new Var(local.getSimpleName().toString(), Type.DOUBLE);
    }
    return v;
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
}
