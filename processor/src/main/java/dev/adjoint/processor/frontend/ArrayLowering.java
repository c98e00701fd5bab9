package dev.adjoint.processor.frontend;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.util.TreePathScanner;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.lang.model.element.Element;

/**
 * Lowers array elements read and written ({@code a[i]}, {@code m[i][j]}, {@code row[j]}), array
 * creation and initializers, lengths, and rows of matrices: a {@code double[] row = m[i]} is no
 * variable but another name for row {@code i} of {@code m}. Knows which arrays the generated
 * code must never write (parameters, constant tables) and which arrays the method writes.
 */
final class ArrayLowering {
  private final LoweringContext context;
  private final Operands operands;
  private final RecordReads records;
  /** The JDK's array copies and fills, lowered to loops. */
  private final ArrayCopies copies;
  /** Parameters, whose arrays the generated code must never write. */
  private final Set<Var> parameterVars = new HashSet<>();
  /** Static array fields read as constant tables. */
  private final Set<Var> fieldArrays = new HashSet<>();
  /**
   * {@code double[] row = m[i]}, {@code double[][] seq = t[b]}, {@code for (double[] row : m)}:
   * rows (and slices of rank-3 data) by element.
   */
  private final Map<Element, RowAlias> rowAliases = new HashMap<>();
  /** The method body, searched for element writes. */
  private TreePath body;

  /**
   * A local standing for {@code array[i]} or {@code array[i][j]} (the {@code indices}): a row of a
   * matrix, or a matrix or row of a {@code double[][][]}.
   */
  record RowAlias(Var array, List<Operand> indices) {
    RowAlias {
      indices = List.copyOf(indices);
    }

    /** This slice's type: {@code double[]} or {@code double[][]}. */
    Type type() {
      return array.type().element(indices.size());
    }

    /** The slice's element (or row) {@code index}: its array and all its indices. */
    List<Operand> and(Operand index) {
      List<Operand> all = new ArrayList<>(indices);
      all.add(index);
      return all;
    }
  }

  ArrayLowering(LoweringContext context, Operands operands, RecordReads records) {
    this.context = context;
    this.operands = operands;
    this.records = records;
    this.copies = new ArrayCopies(context, operands, this);
  }

  /** Starts the method {@code body}, whose {@code parameters} are never written. */
  void enterBody(TreePath body, Collection<Var> parameters) {
    this.body = body;
    parameterVars.addAll(parameters);
  }

  boolean isParameter(Var array) {
    return parameterVars.contains(array);
  }

  /** Whether {@code array} is a parameter or a constant table, which nothing may write. */
  boolean isReadOnly(Var array) {
    return parameterVars.contains(array) || fieldArrays.contains(array);
  }

  /** {@code table}, a static array field, is read in place as a table of constants. */
  void addTable(Var table) {
    fieldArrays.add(table);
  }

  /** The row a local stands for, or null if it stands for none. */
  RowAlias rowAlias(Element local) {
    return rowAliases.get(local);
  }

  void addRowAlias(Element local, RowAlias row) {
    rowAliases.put(local, row);
  }

  /**
   * Declares a {@code double[]} or {@code double[][]} local that makes no variable: a row of a
   * matrix ({@code m[i]}), another name for a row, or a clone of a matrix that is only read.
   * Whether it was one of these, lowered (or reported).
   */
  boolean declareAlias(TreePath path, Element local, Type type, ExpressionTree init, Env env,
      List<Stmt> out) {
    if (type.isArray() && init instanceof ArrayAccessTree row) {
      RowAlias alias = rowOf(new TreePath(path, row), env, out);
      if (alias != null) {
        rowAliases.put(local, alias);
      }
      return true;
    }
    if (type.isArray() && (init.getKind() == Tree.Kind.IDENTIFIER
        || init.getKind() == Tree.Kind.MEMBER_SELECT)) {
      Element other = context.javac.elementOf(new TreePath(path, init));
      if (other != null && rowAliases.containsKey(other)) {
        rowAliases.put(local, rowAliases.get(other)); // another name for the same row
        return true;
      }
    }
    Var component = type.isArray() ? records.leaf(new TreePath(path, init)) : null;
    if (component != null && !elementsWritten(local) && !reassigned(local)) {
      env.versions.put(local, component); // another name for a record's array, only read
      return true;
    }
    if (type == Type.DOUBLE_MATRIX && isClone(init)) {
      // m.clone() shares m's rows: fine for reading a parameter (never written) through a
      // copy that is never written either
      MemberSelectTree select = (MemberSelectTree) ((MethodInvocationTree) init).getMethodSelect();
      Operand source = operands.lower(new TreePath(new TreePath(new TreePath(path, init),
          select), select.getExpression()), env, out);
      if (!(source instanceof Var matrix && parameterVars.contains(matrix)
          && !elementsWritten(local))) {
        context.error(init, Message.ARRAY, "clone() of a matrix that is written (clone copies"
            + " only the row references)", "copy it into 'new double[m][n]' element by element");
      }
      if (source instanceof Var matrix) {
        env.versions.put(local, matrix); // read as the matrix (after an error: no more errors)
      }
      return true;
    }
    return false;
  }

  static boolean isClone(ExpressionTree e) {
    return e instanceof MethodInvocationTree call && call.getArguments().isEmpty()
        && call.getMethodSelect() instanceof MemberSelectTree select
        && select.getIdentifier().contentEquals("clone");
  }

  /** Whether the method assigns {@code local} after its declaration. */
  boolean reassigned(Element local) {
    boolean[] assigned = {false};
    AssignmentTargets.forEach(body, (target, path) ->
        assigned[0] |= target instanceof IdentifierTree
            && local.equals(context.javac.elementOf(path)));
    return assigned[0];
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
  boolean writtenAfter(Element local, TreePath call) {
    long end = context.end(call.getLeaf());
    Set<Tree> loopsAround = new HashSet<>();
    for (TreePath p = call; p != null; p = p.getParentPath()) {
      if (Jumps.isLoop(p.getLeaf())) {
        loopsAround.add(p.getLeaf());
      }
    }
    // an array made anew by its declaration inside a loop: the next iteration writes another
    TreePath declaration = freshDeclaration(local);
    for (TreePath p = declaration; p != null; p = p.getParentPath()) {
      loopsAround.remove(p.getLeaf());
    }
    boolean[] written = {false};
    forEachElementWrite(local, path -> {
      boolean inLoopAround = false;
      for (TreePath p = path; p != null; p = p.getParentPath()) {
        inLoopAround |= loopsAround.contains(p.getLeaf());
      }
      written[0] |= inLoopAround || context.start(path.getLeaf()) > end;
    });
    return written[0];
  }

  /**
   * The declaration of {@code local} if it makes a new array ({@code new double[n]},
   * {@code {...}}, {@code x.clone()}) and nothing assigns the local again; else null.
   */
  private TreePath freshDeclaration(Element local) {
    if (reassigned(local)) {
      return null;
    }
    TreePath[] found = {null};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        if (local.equals(context.javac.elementOf(getCurrentPath()))
            && (node.getInitializer() instanceof NewArrayTree
                || isClone(node.getInitializer()))) {
          found[0] = getCurrentPath();
        }
        return super.visitVariable(node, unused);
      }
    }.scan(body, null);
    return found[0];
  }

  /**
   * {@code h = x} where {@code x} is a parameter or a constant table and nothing writes through
   * {@code local}: {@code x}, to be copied ({@code h = x.clone()} reads the same values, and the
   * generated code keeps one name per array it differentiates); else null, and the alias is
   * refused where it is lowered.
   */
  Var readOnlySource(TreePath value, Element local, Env env) {
    ExpressionTree e = (ExpressionTree) value.getLeaf();
    while (e instanceof com.sun.source.tree.ParenthesizedTree p) {
      e = p.getExpression();
      value = new TreePath(value, e);
    }
    if (local == null) {
      return null;
    }
    Var source = records.leaf(value);
    if (source == null && e instanceof IdentifierTree) {
      source = env.versions.get(context.javac.elementOf(value));
    }
    if (source == null || !source.type().isArray() || !isReadOnly(source)) {
      return null;
    }
    boolean[] written = {false};
    forEachElementWrite(local, path -> written[0] = true);
    return written[0] ? null : source;
  }

  /**
   * Calls {@code action} with the path of each write of an element of array {@code local}: an
   * assignment to one ({@code a[i] = ...}, {@code a[i]++}), or a fill or copy into the array.
   */
  private void forEachElementWrite(Element local, Consumer<TreePath> action) {
    AssignmentTargets.forEach(body, (target, path) -> {
      if (target instanceof ArrayAccessTree && isThrough(local, target, path)) {
        action.accept(path);
      }
    });
    copies.forEachWritten(body, (target, path) -> {
      if (isThrough(local, target, path)) {
        action.accept(path);
      }
    });
  }

  /** Whether {@code array}, at {@code path}, is {@code local} or an element or row of it. */
  private boolean isThrough(Element local, ExpressionTree array, TreePath path) {
    ExpressionTree root = array;
    TreePath rootPath = path;
    while (root instanceof ArrayAccessTree access) {
      root = access.getExpression();
      rootPath = new TreePath(rootPath, root);
    }
    return root instanceof IdentifierTree && local.equals(context.javac.elementOf(rootPath));
  }

  ArrayCopies copies() {
    return copies;
  }

  /**
   * The row {@code m[i]} of a matrix, or the slice {@code t[i]} or {@code t[i][j]} of a
   * {@code double[][][]} (through slices named before), for an alias; null after an error.
   */
  RowAlias rowOf(TreePath path, Env env, List<Stmt> out) {
    ArrayAccessTree access = (ArrayAccessTree) path.getLeaf();
    RowAlias outer = slice(new TreePath(path, access.getExpression()), env, out);
    Operand index = operands.lower(new TreePath(path, access.getIndex()), env, out);
    if (outer == null && access.getExpression() instanceof ArrayAccessTree) {
      return null; // reported
    }
    RowAlias row = outer == null ? null : new RowAlias(outer.array(), outer.and(index));
    if (row == null || !row.type().isArray()) {
      context.error(access, Message.ARRAY, "indexing '" + access.getExpression() + "'",
          "index double[], double[][], double[][][], int[] and boolean[] variables");
      return null;
    }
    return row;
  }

  /**
   * The array {@code path} names, as a slice: a variable with no indices, a slice alias, or a
   * row {@code m[i]} itself; null if it names no array (reported if it is a row).
   */
  private RowAlias slice(TreePath path, Env env, List<Stmt> out) {
    if (path.getLeaf() instanceof ArrayAccessTree) {
      return rowOf(path, env, out);
    }
    Element element = context.javac.elementOf(path);
    RowAlias alias = element == null ? null : rowAliases.get(element);
    if (alias != null) {
      return alias;
    }
    Operand operand = operands.lower(path, env, out);
    return operand instanceof Var v && v.type().isArray() ? new RowAlias(v, List.of()) : null;
  }

  /** The array and indices of an element access {@code a[i]}, {@code m[i][j]}, {@code row[j]}. */
  Load load(TreePath path, Env env, List<Stmt> out) {
    ArrayAccessTree access = (ArrayAccessTree) path.getLeaf();
    RowAlias outer = slice(new TreePath(path, access.getExpression()), env, out);
    if (outer == null) {
      return null;
    }
    Var base = outer.array();
    List<Operand> indices = outer.and(
        operands.lower(new TreePath(path, access.getIndex()), env, out));
    Type element = base.type().element(indices.size());
    if (element.isArray()) {
      context.error(access, Message.ARRAY, "a matrix row as a value ('" + access + "')",
          "index it, or declare '" + element.javaName() + " row = " + access + ";'");
      return null;
    }
    return new Load(base, indices);
  }

  /** {@code a[i] = value} or {@code a[i] op= value}: into a local array, never a parameter's. */
  void store(TreePath path, Operand value, Binary.Op compound, Env env,
      List<Stmt> out) {
    Type type = context.typeOf(path);
    if (type != null && type.isArray()) {
      Tree row = path.getLeaf();
      context.error(row, Message.ARRAY, "assigning a whole row of a matrix ('" + row + " = ...')",
          "make the matrix with both lengths ('new double[m][n]') and write the row's elements,"
              + " '" + row + "[j] = ...'");
      return;
    }
    Load target = load(path, env, out);
    if (target == null) {
      return;
    }
    Tree arrayTree = ((ArrayAccessTree) path.getLeaf()).getExpression();
    if (!writable(target.array(), path.getLeaf(), arrayTree)) {
      return;
    }
    out.add(new Store(target.array(), target.indices(), value, compound,
        context.originInStatement(path.getLeaf())));
  }

  /**
   * Whether the method may write elements of {@code array}: not a parameter's, nor a constant
   * field's (then reported at {@code at}, naming the array {@code arrayTree} writes through).
   */
  boolean writable(Var array, Tree at, Tree arrayTree) {
    while (arrayTree instanceof ArrayAccessTree inner) {
      arrayTree = inner.getExpression();
    }
    if (parameterVars.contains(array)) {
      context.error(at, Message.PARAMETER_WRITE, arrayTree);
      return false;
    }
    if (fieldArrays.contains(array)) {
      context.error(at, Message.FIELD_WRITE, arrayTree);
      return false;
    }
    return true;
  }

  /** {@code new double[n]}, {@code new double[m][n]}; initializers are lowered by {@link
   * #lowerInitializer}. */
  Expr newArray(TreePath path, Env env, List<Stmt> out) {
    NewArrayTree create = (NewArrayTree) path.getLeaf();
    Type type = context.typeOf(path);
    if (type == null) {
      return null;
    }
    if (create.getInitializers() != null) {
      context.error(create, Message.ARRAY, "an array initializer inside an expression",
          "declare the array with it: 'double[] a = {...};'");
      return null;
    }
    if (type == Type.DOUBLE_TENSOR) {
      context.error(create, Message.ARRAY, "a double[][][] made in the method ('" + create + "')",
          "take rank-3 data as a @NoDerivative parameter, or keep a double[][] per channel");
      return null;
    }
    List<Operand> dimensions = new ArrayList<>();
    for (ExpressionTree dimension : create.getDimensions()) {
      dimensions.add(operands.lower(new TreePath(path, dimension), env, out));
    }
    if (dimensions.size() != (type == Type.DOUBLE_MATRIX ? 2 : 1)) {
      context.error(create, Message.ARRAY, "a matrix without its row length",
          "give both: 'new double[m][n]'");
      return null;
    }
    return new NewArray(type, dimensions);
  }

  /** {@code target = {a, b, c}} or {@code {{a, b}, {c, d}}}: zeros, then one store each. */
  void lowerInitializer(TreePath path, Var target, Env env, List<Stmt> out) {
    NewArrayTree create = (NewArrayTree) path.getLeaf();
    Origin origin = context.originInStatement(create);
    List<? extends ExpressionTree> rows = create.getInitializers();
    if (target.type() == Type.DOUBLE_MATRIX) {
      int columns = -1;
      for (ExpressionTree row : rows) {
        if (!(row instanceof NewArrayTree r) || r.getInitializers() == null
            || (columns >= 0 && r.getInitializers().size() != columns)) {
          context.error(row, Message.ARRAY, "a ragged or computed row in a matrix initializer",
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
          Operand value = operands.lower(new TreePath(rowPath, cells.get(j)), env, out);
          out.add(new Store(target, List.of(Constants.of(i), Constants.of(j)), value, origin));
        }
      }
      return;
    }
    out.add(new Assign(target, new NewArray(target.type(), List.of(Constants.of(rows.size()))),
        origin));
    for (int i = 0; i < rows.size(); i++) {
      Operand value = operands.lower(new TreePath(path, rows.get(i)), env, out);
      out.add(new Store(target, List.of(Constants.of(i)), value, origin));
    }
  }

  /** The row of a matrix an argument passes ({@code m[i]}, or a row alias), else null. */
  RowAlias rowArgument(TreePath path, Env env, List<Stmt> out) {
    Tree arg = path.getLeaf();
    Type type = context.typeOf(path);
    if (arg instanceof ArrayAccessTree && type != null && type.isDoubleArray()) {
      return rowOf(path, env, out);
    }
    if (arg instanceof IdentifierTree) {
      Element element = context.javac.elementOf(path);
      return element == null ? null : rowAliases.get(element);
    }
    return null;
  }

  /** {@code a.length}, {@code m[i].length} or {@code row.length}; null after an error. */
  Expr length(TreePath path, Env env, List<Stmt> out) {
    MemberSelectTree select = (MemberSelectTree) path.getLeaf();
    TreePath arrayPath = new TreePath(path, select.getExpression());
    RowAlias array = slice(arrayPath, env, out);
    return array == null ? null : new Length(array.array(), array.indices());
  }
}
