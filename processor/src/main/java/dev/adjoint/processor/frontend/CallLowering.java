package dev.adjoint.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.util.TreePath;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.rules.DerivativeRules;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Lowers method calls: {@code clone()} of an array, {@code Math} and {@code StrictMath}
 * functions and the tabulated {@code Gates} (differentiated by the rules table), and calls to
 * static methods of the user's classes (differentiated through their pullbacks), whose array
 * arguments are copied when the method writes them afterwards.
 */
final class CallLowering {
  private final LoweringContext context;
  private final Operands operands;
  private final ArrayLowering arrays;
  private final RecordReads records;
  private final Visibility visibility;
  private final Elements elements;
  private final Types types;
  private final String generatedClass;

  CallLowering(LoweringContext context, Operands operands, ArrayLowering arrays,
      RecordReads records, Visibility visibility, Elements elements, Types types,
      String generatedClass) {
    this.context = context;
    this.operands = operands;
    this.arrays = arrays;
    this.records = records;
    this.visibility = visibility;
    this.elements = elements;
    this.types = types;
    this.generatedClass = generatedClass;
  }

  /** The call at {@code path}; null after an error, or if javac did not resolve it. */
  Expr lowerCall(TreePath path, MethodInvocationTree call, Env env, List<Stmt> out) {
    if (call.getMethodSelect() instanceof MemberSelectTree select
        && select.getIdentifier().contentEquals("clone") && call.getArguments().isEmpty()) {
      TreePath arrayPath = new TreePath(new TreePath(path, select), select.getExpression());
      Type type = context.typeOf(arrayPath);
      if (type != null && type.isVector()) {
        Operand array = operands.lower(arrayPath, env, out);
        return array instanceof Var v ? new CloneArray(v) : null;
      }
      if (type == Type.DOUBLE_MATRIX) {
        context.error(call, Message.ARRAY,
            "clone() of a matrix (it copies only the row references)",
            "copy it into 'new double[m][n]' element by element");
        return null;
      }
    }
    Element element = context.javac.elementOf(path);
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
      context.error(call, Message.CALL, display, "streams and their lambdas cannot be"
          + " differentiated; write a for loop over the array");
      return null;
    }
    RecordValue receiver = null;
    if (!method.getModifiers().contains(Modifier.STATIC)) {
      receiver = recordReceiver(path, call, owner);
      if (receiver == null) {
        context.error(call, Message.CALL, display, "it is an instance method; make it static, or"
            + " compute the value before the @Differentiable method and pass it in (instance"
            + " methods of a record parameter can be called)");
        return null;
      }
    }
    if (!isMath) {
      return lowerUserCall(path, call, method, owner, receiver, env, out);
    }
    List<Operand> args = new ArrayList<>();
    for (ExpressionTree arg : call.getArguments()) {
      args.add(operands.lower(new TreePath(path, arg), env, out));
    }
    return new MathCall(isGate ? ownerName : owner.getSimpleName().toString(),
        method.getSimpleName().toString(), args);
  }

  /** The record whose instance method {@code call} calls, or null if it is none we know. */
  private RecordValue recordReceiver(TreePath path, MethodInvocationTree call, TypeElement owner) {
    if (owner.getKind() != javax.lang.model.element.ElementKind.RECORD) {
      return null;
    }
    if (call.getMethodSelect() instanceof MemberSelectTree select) {
      RecordValue.Component base = records.resolve(new TreePath(
          new TreePath(path, select), select.getExpression()));
      return base == null ? null : base.nested();
    }
    return context.receiver;
  }

  /**
   * A call to a static method of a user's (or a library's) class, or to an instance method of a
   * record ({@code receiver}, passed component by component before the arguments).
   */
  private Expr lowerUserCall(TreePath path, MethodInvocationTree call, ExecutableElement method,
      TypeElement owner, RecordValue receiver, Env env, List<Stmt> out) {
    String display = owner.getSimpleName() + "." + method.getSimpleName();
    if (method.isVarArgs()) {
      context.error(call, Message.CALL, display, "it takes varargs; pass an array");
      return null;
    }
    if (!visibility.isAccessible(method)) {
      context.error(call, Message.CALL, display, "it is private, and the generated "
          + generatedClass + " cannot call it; make it package-private");
      return null;
    }
    boolean takesRecords = receiver != null || method.getParameters().stream()
        .anyMatch(p -> Parameters.isRecord(p.asType()));
    if (takesRecords && Callees.annotation(method, Callees.DIFFERENTIABLE) == null) {
      context.error(call, Message.CALL, display, "it takes a record (or is a method of one) and"
          + " is not @Differentiable; mark it @Differentiable, or pass the components it reads");
      return null;
    }
    List<Operand> args = new ArrayList<>();
    if (receiver != null) {
      args.addAll(receiver.leaves());
    }
    for (int i = 0; i < call.getArguments().size(); i++) {
      ExpressionTree arg = call.getArguments().get(i);
      TreePath argPath = new TreePath(path, arg);
      if (Parameters.isRecord(method.getParameters().get(i).asType())) {
        RecordValue record = records.value(argPath);
        if (record == null) {
          return null;
        }
        args.addAll(record.leaves()); // a record's components, never written: passed as they are
        continue;
      }
      if (Parameters.isRecord(context.javac.typeOf(argPath))) {
        records.reportAsValue(argPath);
        return null;
      }
      ArrayLowering.RowAlias row = arrays.rowArgument(argPath, env, out);
      if (row != null) {
        // a row m[i] passed on: the callee reads it in place, its adjoint is dm[i]
        Origin origin = context.originInStatement(arg);
        Var rowVar = new Var(context.names.numbered("row"), row.type());
        out.add(new Assign(rowVar, new Load(row.array(), row.indices()), origin));
        if (!arrays.isParameter(row.array())) {
          // a local matrix changes
          Var copy = new Var(context.names.numbered("t"), Type.DOUBLE_ARRAY);
          out.add(new Assign(copy, new CloneArray(rowVar), origin));
          rowVar = copy;
        }
        args.add(rowVar);
        continue;
      }
      Operand operand = operands.lower(argPath, env, out);
      Element local = arg instanceof IdentifierTree ? context.javac.elementOf(argPath) : null;
      if (operand instanceof Var array && array.type().isArray() && local != null
          && !arrays.isParameter(array) && arrays.writtenAfter(local, path)) {
        // the backward sweep calls the pullback with the values of this call: keep a copy
        Var copy = new Var(context.names.numbered("t"), array.type());
        out.add(new Assign(copy, new CloneArray(array), context.originInStatement(arg)));
        operand = copy;
      }
      args.add(operand);
    }
    String code = visibility.typeReference(owner) + "." + method.getSimpleName();
    return new Call(Callees.of(method, code, elements, types), args);
  }
}
