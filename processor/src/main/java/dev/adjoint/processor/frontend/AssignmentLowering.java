package dev.adjoint.processor.frontend;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Cast;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.type.TypeKind;

/**
 * Lowers expression statements: assignments to locals (a new SSA version, or the local's
 * variable inside loops) and to array elements, compound assignments ({@code op=}), {@code ++}
 * and {@code --}; reports any other expression used as a statement.
 */
final class AssignmentLowering {
  private final LoweringContext context;
  private final ExpressionLowering expressions;
  private final ArrayLowering arrays;
  private final LoopNest nest;

  AssignmentLowering(LoweringContext context, ExpressionLowering expressions,
      ArrayLowering arrays, LoopNest nest) {
    this.context = context;
    this.expressions = expressions;
    this.arrays = arrays;
    this.nest = nest;
  }

  /** The expression statement whose expression is at {@code path}. */
  void lower(TreePath path, Env env, List<Stmt> out) {
    ExpressionTree e = (ExpressionTree) path.getLeaf();
    switch (e.getKind()) {
      case ASSIGNMENT -> {
        AssignmentTree assignment = (AssignmentTree) e;
        if (assignment.getVariable() instanceof ArrayAccessTree element) {
          Operand value =
              expressions.lowerOperand(new TreePath(path, assignment.getExpression()), env, out);
          arrays.store(new TreePath(path, element), value, null, env, out);
          return;
        }
        Element target = assignedLocal(new TreePath(path, assignment.getVariable()));
        if (target != null) {
          Var v = nest.newVersion(target);
          TreePath value = new TreePath(path, assignment.getExpression());
          Var readOnly = arrays.readOnlySource(value, target, env);
          if (readOnly != null) {
            out.add(new Assign(v, new CloneArray(readOnly), context.originInStatement(e)));
          } else {
            expressions.lowerInto(value, v, env, out);
          }
          env.versions.put(target, v);
        }
      }
      case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> {
        UnaryTree step = (UnaryTree) e;
        boolean up = e.getKind() == Tree.Kind.PREFIX_INCREMENT
            || e.getKind() == Tree.Kind.POSTFIX_INCREMENT;
        update(path, step.getExpression(), up ? Binary.Op.ADD : Binary.Op.SUB,
            Constant.integer(1), env, out);
      }
      case METHOD_INVOCATION -> {
        if (arrays.copies().isWrite(path)) {
          arrays.copies().lowerWrite(path, env, out);
        } else {
          context.error(e, Message.UNSUPPORTED, "a call whose result is not used",
              "a @Differentiable method computes a value only");
        }
      }
      default -> {
        Binary.Op op = compoundOperator(e.getKind());
        if (op == null) {
          context.unsupportedStatement(e);
          return;
        }
        CompoundAssignmentTree compound = (CompoundAssignmentTree) e;
        Operand rhs =
            expressions.lowerOperand(new TreePath(path, compound.getExpression()), env, out);
        update(path, compound.getVariable(), op, rhs, env, out);
      }
    }
  }

  /**
   * {@code k++}, {@code ++k}, {@code k--} or {@code --k} inside an expression, as in
   * {@code w[k++]}: the update as a statement of its own, where Java evaluates it, and a copy of
   * the value the expression has (the old {@code k} after a postfix, the new one after a
   * prefix). Null after an error where more than that order would matter: an update of anything
   * but an {@code int} or {@code long} local, one in a statement that also reads the variable
   * elsewhere ({@code w[k] + w[k++]}), in a condition evaluated only sometimes ({@code &&},
   * {@code ||}, {@code ?:}), an if's condition or a for loop's initializer or update (a loop's
   * test may step: {@code for (int i = n; i-- > 0; )}).
   */
  Var increment(TreePath path, Env env, List<Stmt> out) {
    UnaryTree step = (UnaryTree) path.getLeaf();
    TreePath variable = new TreePath(path, step.getExpression());
    Element target = step.getExpression() instanceof IdentifierTree
        ? context.javac.elementOf(variable) : null;
    String problem = nestedUpdateProblem(path, target);
    if (problem != null) {
      context.error(step, Message.NESTED_ASSIGNMENT, problem);
      return null;
    }
    Tree.Kind kind = step.getKind();
    boolean postfix = kind == Tree.Kind.POSTFIX_INCREMENT || kind == Tree.Kind.POSTFIX_DECREMENT;
    boolean up = kind == Tree.Kind.POSTFIX_INCREMENT || kind == Tree.Kind.PREFIX_INCREMENT;
    Origin origin = context.originInStatement(step);
    Var before = expressions.read(target, env);
    Var value = new Var(context.names.numbered("t"), before.type());
    if (postfix) {
      out.add(new Assign(value, new Copy(before), origin));
    }
    update(path, step.getExpression(), up ? Binary.Op.ADD : Binary.Op.SUB, Constant.integer(1),
        env, out);
    if (!postfix) {
      out.add(new Assign(value, new Copy(expressions.read(target, env)), origin));
    }
    return value;
  }

  /** Why the update at {@code path} of {@code target} cannot sit in its expression, or null. */
  private String nestedUpdateProblem(TreePath path, Element target) {
    String update = "'" + path.getLeaf() + "'";
    if (target == null || !(target.getKind() == ElementKind.LOCAL_VARIABLE
        || target.getKind() == ElementKind.PARAMETER)
        || !(target.asType().getKind() == TypeKind.INT
            || target.asType().getKind() == TypeKind.LONG)) {
      return update + " inside an expression (only an int or long local may be updated there)";
    }
    TreePath statement = path.getParentPath();
    while (statement.getLeaf() instanceof ExpressionTree e) {
      if (e.getKind() == Tree.Kind.CONDITIONAL_AND || e.getKind() == Tree.Kind.CONDITIONAL_OR
          || e.getKind() == Tree.Kind.CONDITIONAL_EXPRESSION
          || e.getKind() == Tree.Kind.LAMBDA_EXPRESSION
          || e.getKind() == Tree.Kind.SWITCH_EXPRESSION) {
        return update + " inside a condition or choice evaluated only sometimes";
      }
      statement = statement.getParentPath();
    }
    Tree.Kind kind = statement.getLeaf().getKind();
    // a loop's test (the only expression whose statement is a loop) runs as statements of the
    // body (LoopLowering.lowerSteppingTest)
    ExpressionTree test = statement.getLeaf() instanceof WhileLoopTree loop ? loop.getCondition()
        : statement.getLeaf() instanceof DoWhileLoopTree loop ? loop.getCondition()
        : statement.getLeaf() instanceof ForLoopTree loop ? loop.getCondition() : null;
    TreePath scope = test != null ? new TreePath(statement, test) : statement;
    if (scope == statement && (kind != Tree.Kind.EXPRESSION_STATEMENT
        && kind != Tree.Kind.VARIABLE && kind != Tree.Kind.RETURN
        || statement.getParentPath().getLeaf().getKind() == Tree.Kind.FOR_LOOP)) {
      return update + " inside a condition or a loop's header";
    }
    int[] reads = {0};
    int[] updates = {0};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        if (target.equals(context.javac.elementOf(getCurrentPath()))) {
          reads[0]++;
          Tree parent = getCurrentPath().getParentPath().getLeaf();
          updates[0] += parent instanceof UnaryTree u && u.getExpression() == node
              && isUpdate(u.getKind()) ? 1 : 0;
        }
        return null;
      }
    }.scan(scope, null);
    return reads[0] > updates[0] ? update + " in a statement that also reads '"
        + target.getSimpleName() + "' elsewhere (the order would matter)" : null;
  }

  static boolean isUpdate(Tree.Kind kind) {
    return kind == Tree.Kind.PREFIX_INCREMENT || kind == Tree.Kind.POSTFIX_INCREMENT
        || kind == Tree.Kind.PREFIX_DECREMENT || kind == Tree.Kind.POSTFIX_DECREMENT;
  }

  /** {@code v op= rhs}: a new version of {@code v} from the old one, cast back to its type. */
  private void update(TreePath path, ExpressionTree variable, Binary.Op op, Operand rhs, Env env,
      List<Stmt> out) {
    if (variable instanceof ArrayAccessTree element) {
      TreePath elementPath = new TreePath(path, element);
      Load old = arrays.load(elementPath, env, out);
      Type type = context.typeOf(elementPath);
      if (old == null || type == null) {
        return;
      }
      Origin origin = context.originInStatement(variable);
      if (type == Type.DOUBLE && (op == Binary.Op.ADD || op == Binary.Op.SUB)) {
        arrays.store(elementPath, rhs, op, env, out); // a[i] += x: linear, nothing to save
        return;
      }
      Var value = new Var(context.names.numbered("t"), type);
      out.add(new Assign(value, old, origin));
      Type operation = Type.promote(type, rhs.type());
      Var updated = new Var(context.names.numbered("t"), operation);
      out.add(new Assign(updated, new Binary(op, value, rhs), origin));
      Operand stored = updated;
      if (operation != type) {
        Var narrowed = new Var(context.names.numbered("t"), type);
        out.add(new Assign(narrowed, new Cast(type, updated), origin));
        stored = narrowed;
      }
      arrays.store(elementPath, stored, null, env, out);
      return;
    }
    Element target = assignedLocal(new TreePath(path, variable));
    if (target == null) {
      return;
    }
    Var old = expressions.read(target, env);
    Var v = nest.newVersion(target);
    Type operation = Type.promote(old.type(), rhs.type());
    if (op.ordinal() >= Binary.Op.AND.ordinal() && old.type() == Type.BOOLEAN) {
      operation = Type.BOOLEAN;
    }
    Origin origin = context.originInStatement(variable);
    if (operation == v.type()) {
      out.add(new Assign(v, new Binary(op, old, rhs), origin));
    } else {
      Var wide = new Var(context.names.numbered("t"), operation);
      out.add(new Assign(wide, new Binary(op, old, rhs), origin));
      out.add(new Assign(v, new Cast(v.type(), wide), origin));
    }
    env.versions.put(target, v);
  }

  /** The local variable or parameter assigned by {@code path}, or null after an error. */
  private Element assignedLocal(TreePath path) {
    Tree target = path.getLeaf();
    Element element = context.javac.elementOf(path);
    if (target.getKind() == Tree.Kind.ARRAY_ACCESS) {
      context.error(target, Message.ARRAY, "assigning '" + target + "'", "assign array elements");
      return null;
    }
    if (element == null) {
      context.incomplete = true;
      return null;
    }
    if (element.getKind() == ElementKind.FIELD) {
      context.error(target, Message.FIELD_WRITE, element.getSimpleName());
      return null;
    }
    if (element.asType().getKind() == TypeKind.ARRAY
        && element.getKind() != ElementKind.LOCAL_VARIABLE) {
      context.error(target, Message.ARRAY_ALIAS, element.getSimpleName(),
          "it is a parameter; assign a local array variable instead");
      return null;
    }
    if (!element.asType().getKind().isPrimitive() && Types.of(element.asType()) == null) {
      context.error(target, Message.OBJECT, "'" + element.getSimpleName() + "'", element.asType());
      return null;
    }
    return element;
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
}
