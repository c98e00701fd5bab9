package dev.adjoint.processor.frontend;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * The JDK's array copies and fills, lowered to the loops they run, which the sweeps then
 * differentiate as any other loop: a copy of a matrix's row ({@code m[i].clone()}, or
 * {@code row.clone()} of a row alias), {@code Arrays.copyOf(a, n)},
 * {@code Arrays.copyOfRange(a, from, to)} (after the JDK's checks, {@code Shapes.rangeLength}),
 * {@code Arrays.fill(a, v)},
 * {@code Arrays.fill(a, from, to, v)} and {@code System.arraycopy(src, srcPos, dest, destPos,
 * length)} (which copies as if through a temporary array when source and destination are one
 * array: backward when the destination starts after the source), of {@code double[]},
 * {@code int[]} and {@code boolean[]}.
 */
final class ArrayCopies {
  /** An array or a matrix's row: {@code array[row...][j]} reads its elements. */
  private record Ref(Var array, List<Operand> row) {
    Type elementType() {
      return array.type().element(row.size() + 1);
    }
  }

  /** The JDK's checks of {@code Arrays.copyOfRange}, and the copy's length. */
  private static final Callee RANGE_LENGTH = Callee.runtimeHelper(
      "dev.adjoint.Shapes.rangeLength", "Arrays.copyOfRange",
      List.of(Type.INT, Type.INT, Type.INT));

  private final LoweringContext context;
  private final Operands operands;
  private final ArrayLowering arrays;

  ArrayCopies(LoweringContext context, Operands operands, ArrayLowering arrays) {
    this.context = context;
    this.operands = operands;
    this.arrays = arrays;
  }

  // ---- copies into a new array ------------------------------------------------------------

  /** Whether {@code path} is a copy this class makes into a new array. */
  boolean isCopy(TreePath path) {
    if (isRowClone(path)) {
      return true;
    }
    if (!isCall(path, "java.util.Arrays", "copyOf", 2)
        && !isCall(path, "java.util.Arrays", "copyOfRange", 3)) {
      return false;
    }
    Type type = context.typeOf(path);
    return type != null && type.isVector();
  }

  /** Lowers the copy at {@code path} ({@link #isCopy}) into {@code target}. */
  void lowerCopy(TreePath path, Var target, Env env, List<Stmt> out) {
    Origin origin = context.originInStatement((ExpressionTree) path.getLeaf());
    Ref source;
    Operand length;
    Operand sourceFrom = Constant.integer(0);
    Operand count;
    if (isRowClone(path)) {
      TreePath rowPath = cloned(path);
      source = ref(rowPath, env, out);
      if (source == null) {
        return;
      }
      length = intTemp(new Length(source.array(), source.row()), origin, out);
      count = length;
    } else if (isCall(path, "java.util.Arrays", "copyOfRange", 3)) {
      List<? extends ExpressionTree> args = ((MethodInvocationTree) path.getLeaf()).getArguments();
      source = ref(new TreePath(path, args.get(0)), env, out);
      sourceFrom = operands.lower(new TreePath(path, args.get(1)), env, out);
      Operand to = operands.lower(new TreePath(path, args.get(2)), env, out);
      if (source == null) {
        return;
      }
      // the JDK's checks and exceptions, then to - from; zeros past the source's end
      Operand sourceLength = intTemp(new Length(source.array(), source.row()), origin, out);
      length = intTemp(new Call(RANGE_LENGTH, List.of(sourceFrom, to, sourceLength)), origin,
          out);
      Operand available = difference(sourceLength, sourceFrom, origin, out);
      Var shorter = new Var(context.names.numbered("c"), Type.BOOLEAN);
      out.add(new Assign(shorter, new Binary(Binary.Op.LT, length, available), origin));
      count = intTemp(new Select(shorter, length, available), origin, out);
    } else {
      List<? extends ExpressionTree> args = ((MethodInvocationTree) path.getLeaf()).getArguments();
      source = ref(new TreePath(path, args.get(0)), env, out);
      length = operands.lower(new TreePath(path, args.get(1)), env, out);
      if (source == null) {
        return;
      }
      // Arrays.copyOf pads with zeros past the source's end
      Operand sourceLength = intTemp(new Length(source.array(), source.row()), origin, out);
      Var shorter = new Var(context.names.numbered("c"), Type.BOOLEAN);
      out.add(new Assign(shorter, new Binary(Binary.Op.LT, length, sourceLength), origin));
      count = intTemp(new Select(shorter, length, sourceLength), origin, out);
    }
    out.add(new Assign(target, new NewArray(target.type(), List.of(length)), origin));
    copyLoop(new Ref(target, List.of()), Constant.integer(0), source, sourceFrom, count, false,
        origin, out);
  }

  /** Whether {@code path} is {@code m[i].clone()} or {@code row.clone()} of a row alias. */
  private boolean isRowClone(TreePath path) {
    if (!ArrayLowering.isClone((ExpressionTree) path.getLeaf())) {
      return false;
    }
    TreePath rowPath = cloned(path);
    if (rowPath.getLeaf() instanceof ArrayAccessTree) {
      Type type = context.typeOf(rowPath);
      return type == Type.DOUBLE_ARRAY;
    }
    Element element = context.javac.elementOf(rowPath);
    return element != null && arrays.rowAlias(element) != null;
  }

  /** The array {@code a.clone()} at {@code path} clones. */
  private static TreePath cloned(TreePath path) {
    MemberSelectTree select = (MemberSelectTree) ((MethodInvocationTree) path.getLeaf())
        .getMethodSelect();
    return new TreePath(new TreePath(path, select), select.getExpression());
  }

  // ---- writes into an array ---------------------------------------------------------------

  /** Whether the call statement at {@code path} is a fill or a copy into an existing array. */
  boolean isWrite(TreePath path) {
    return written(path) != null;
  }

  /** Lowers the fill or copy at {@code path} ({@link #isWrite}). */
  void lowerWrite(TreePath path, Env env, List<Stmt> out) {
    MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
    Origin origin = context.originInStatement(call);
    List<Operand> args = new ArrayList<>();
    List<Ref> refs = new ArrayList<>();
    for (ExpressionTree arg : call.getArguments()) {
      TreePath argPath = new TreePath(path, arg);
      Type type = context.typeOf(argPath);
      if (type != null && type.isArray()) {
        Ref ref = ref(argPath, env, out);
        if (ref == null) {
          return;
        }
        refs.add(ref);
        args.add(ref.array());
      } else {
        args.add(operands.lower(argPath, env, out));
      }
    }
    Ref dest = refs.get(refs.size() - 1);
    if (!arrays.writable(dest.array(), call, written(path))) {
      return;
    }
    if (refs.size() == 2) { // System.arraycopy(src, srcPos, dest, destPos, length)
      Ref source = refs.get(0);
      Operand from = args.get(1);
      Operand to = args.get(3);
      Operand count = args.get(4);
      if (from instanceof Constant a && to instanceof Constant b && a.value() != null
          && b.value() != null && b.value() <= a.value()) {
        copyLoop(dest, to, source, from, count, false, origin, out);
        return;
      }
      // the destination after the source in one array: copy from the end, as the JDK does
      Var later = new Var(context.names.numbered("c"), Type.BOOLEAN);
      out.add(new Assign(later, new Binary(Binary.Op.GT, to, from), origin));
      List<Stmt> backward = new ArrayList<>();
      List<Stmt> forward = new ArrayList<>();
      copyLoop(dest, to, source, from, count, true, origin, backward);
      copyLoop(dest, to, source, from, count, false, origin, forward);
      out.add(new If(later, new Block(backward), new Block(forward), origin));
      return;
    }
    // Arrays.fill(a, v) or Arrays.fill(a, from, to, v)
    Operand value = args.get(args.size() - 1);
    if (value.type() != dest.elementType()) {
      Var widened = new Var(context.names.numbered("t"), dest.elementType());
      out.add(new Assign(widened, new Copy(value), origin));
      value = widened;
    }
    Operand from = args.size() == 4 ? args.get(1) : Constant.integer(0);
    Operand count = args.size() == 4 ? difference(args.get(2), from, origin, out)
        : intTemp(new Length(dest.array(), dest.row()), origin, out);
    out.add(fillLoop(dest, from, value, count, origin));
  }

  /**
   * Calls {@code action} with each array argument a fill or copy under {@code root} writes
   * into, and its path: what the analyses of element writes count besides assignments.
   */
  void forEachWritten(TreePath root, BiConsumer<ExpressionTree, TreePath> action) {
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        ExpressionTree written = written(getCurrentPath());
        if (written != null) {
          action.accept(written, new TreePath(getCurrentPath(), written));
        }
        return super.visitMethodInvocation(node, unused);
      }
    }.scan(root, null);
  }

  /** The array argument the fill or copy at {@code path} writes into, or null. */
  private ExpressionTree written(TreePath path) {
    if (!(path.getLeaf() instanceof MethodInvocationTree call)) {
      return null;
    }
    boolean fill = isCall(path, "java.util.Arrays", "fill", 2)
        || isCall(path, "java.util.Arrays", "fill", 4);
    boolean copy = isCall(path, "java.lang.System", "arraycopy", 5);
    if (!fill && !copy) {
      return null;
    }
    ExpressionTree dest = call.getArguments().get(copy ? 2 : 0);
    Type type = context.typeOf(new TreePath(path, dest));
    boolean sameType = !copy
        || context.typeOf(new TreePath(path, call.getArguments().get(0))) == type;
    return type != null && type.isVector() && sameType ? dest : null;
  }

  // ---- shared pieces ----------------------------------------------------------------------

  /** Whether {@code path} calls {@code owner.name} with {@code arity} arguments. */
  private boolean isCall(TreePath path, String owner, String name, int arity) {
    if (!(path.getLeaf() instanceof MethodInvocationTree call)
        || call.getArguments().size() != arity) {
      return false;
    }
    Element element = context.javac.elementOf(path);
    return element instanceof ExecutableElement method
        && method.getSimpleName().contentEquals(name)
        && ((TypeElement) method.getEnclosingElement()).getQualifiedName().contentEquals(owner);
  }

  /** The array or matrix row an argument names; null after an error. */
  private Ref ref(TreePath path, Env env, List<Stmt> out) {
    ArrayLowering.RowAlias row = arrays.rowArgument(path, env, out);
    if (row != null) {
      return new Ref(row.array(), row.indices());
    }
    Operand array = operands.lower(path, env, out);
    return array instanceof Var v && v.type().isVector() ? new Ref(v, List.of()) : null;
  }

  /** {@code to - from}: a constant when both are, {@code to} from 0, else computed. */
  private Operand difference(Operand to, Operand from, Origin origin, List<Stmt> out) {
    if (from instanceof Constant b && b.is(0)) {
      return to;
    }
    return to instanceof Constant a && from instanceof Constant b && a.value() != null
        && b.value() != null ? Constant.integer((int) (a.value() - b.value()))
        : intTemp(new Binary(Binary.Op.SUB, to, from), origin, out);
  }

  private Var intTemp(Expr value, Origin origin, List<Stmt> out) {
    Var temp = new Var(context.names.numbered("n"), Type.INT);
    out.add(new Assign(temp, value, origin));
    return temp;
  }

  /**
   * {@code for (k = 0; k < count; k++) dest[destFrom + k] = source[sourceFrom + k];} into
   * {@code out}, or from {@code count - 1} down to 0 when {@code downward}.
   */
  private void copyLoop(Ref dest, Operand destFrom, Ref source, Operand sourceFrom,
      Operand count, boolean downward, Origin origin, List<Stmt> out) {
    Var k = new Var(context.names.fresh("k"), Type.INT);
    List<Stmt> body = new ArrayList<>();
    Var value = new Var(context.names.numbered("t"), source.elementType());
    body.add(new Assign(value, new Load(source.array(), indices(source, sourceFrom, k, body,
        origin)), origin));
    body.add(new Store(dest.array(), indices(dest, destFrom, k, body, origin), value, origin));
    Loop.Counted counted = downward
        ? new Loop.Counted(k, intTemp(new Binary(Binary.Op.SUB, count, Constant.integer(1)),
            origin, out), Constant.integer(0), true, -1)
        : new Loop.Counted(k, Constant.integer(0), count, false);
    out.add(new Loop(new Block(List.of()), null, new Block(body), false, counted, origin));
  }

  /** {@code for (k = 0; k < count; k++) dest[from + k] = value;}. */
  private Loop fillLoop(Ref dest, Operand from, Operand value, Operand count, Origin origin) {
    Var k = new Var(context.names.fresh("k"), Type.INT);
    List<Stmt> body = new ArrayList<>();
    body.add(new Store(dest.array(), indices(dest, from, k, body, origin), value, origin));
    return new Loop(new Block(List.of()), null, new Block(body), false,
        new Loop.Counted(k, Constant.integer(0), count, false), origin);
  }

  /** The indices of element {@code from + k} of {@code ref}, the sum computed into {@code out}. */
  private List<Operand> indices(Ref ref, Operand from, Var k, List<Stmt> out, Origin origin) {
    List<Operand> indices = new ArrayList<>(ref.row());
    if (from instanceof Constant c && c.is(0)) {
      indices.add(k);
    } else {
      indices.add(intTemp(new Binary(Binary.Op.ADD, from, k), origin, out));
    }
    return indices;
  }
}
