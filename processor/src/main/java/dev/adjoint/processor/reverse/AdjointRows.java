package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.Push;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.ZeroFill;
import dev.adjoint.processor.ir.Zeros;
import java.util.ArrayList;
import java.util.List;

/**
 * A local matrix that one loop uses row by row keeps one row: when every use of
 * {@code dz} is {@code dz[i][...]} inside the loop over {@code i} (the batch loop of a fused
 * forward and backward pass, or a backward loop; also one nested in the only top-level statement
 * that uses the matrix, as GMM's loop over components in its fused loop over points), its
 * iterations never share an element, so one
 * row, cleared at the start of each iteration, does the work of the whole matrix:
 * {@code double[] dzRow = new double[H]} before the loop and {@code Arrays.fill(dzRow, 0.0)} in
 * it, as a person keeps one {@code dz} row per example instead of an {@code n x H} matrix of
 * zeros. Only the allocation and the memory touched change: each iteration sees zeros, as
 * before. The matrix must be made once, rectangular ({@code new double[n][H]}, its width a
 * constant or a variable set once before the adjoint is declared), and none of its rows replaced.
 *
 * <p>The same holds for a matrix the primal makes ({@code double[][] z = new double[n][H]}) once
 * the batch loop's backward pass is fused into it: then every read of {@code z[i][h]}, forward
 * and backward, is in iteration {@code i}, and cs231n's per-example activations need one row, as
 * in the hand-written gradient, not an {@code n x H} matrix. (Not for the matrix returned.)
 */
public final class AdjointRows {
  private final NameScope names;
  private final Block body;

  private AdjointRows(Block body, NameScope names) {
    this.names = names;
    this.body = body;
  }

  /**
   * {@code pullback} with each local matrix a loop uses one row per iteration kept as a row:
   * the adjoints first, whose zeros name their matrix until they are rows.
   */
  public static Pullback of(Pullback pullback) {
    return pullback.withBody(
        of(pullback.body(), pullback.primal().names(), pullback.returned()));
  }

  /**
   * {@code body} with each local matrix a loop uses one row per iteration kept as a row: a
   * pullback's, or an HVP's, whose tangents of those matrices and of their adjoints are local
   * matrices used so too.
   *
   * @param returned the matrix the function returns, which stays whole (null for none)
   */
  public static Block of(Block body, NameScope names, Var returned) {
    AdjointRows pass = new AdjointRows(body, names);
    List<Stmt> top = body.statements();
    for (boolean adjoints : new boolean[] {true, false}) {
      for (int at = 0; at < top.size(); at++) {
        Var shape = top.get(at) instanceof Declare declare
            && declare.var().type() == Type.DOUBLE_MATRIX
            ? adjoints ? adjointShape(declare) : ownMatrix(declare, returned) : null;
        Operand width = shape == null ? null : pass.width(shape, at);
        if (width != null) {
          body = pass.keepRow(body, (Declare) body.statements().get(at), width);
        }
      }
    }
    return body;
  }

  /** The matrix whose adjoint {@code declare} makes as zeros of its shape, or null. */
  private static Var adjointShape(Declare declare) {
    return declare.init() instanceof Zeros zeros && zeros.reuse() == null ? zeros.shape() : null;
  }

  /** The matrix {@code declare} makes, cs231n's {@code z = new double[n][H]}, if not returned. */
  private static Var ownMatrix(Declare declare, Var returned) {
    return declare.init() instanceof NewArray && !declare.var().equals(returned)
        ? declare.var() : null;
  }

  /**
   * The width of {@code shape}, if one statement makes it, as {@code new double[n][width]},
   * none of its rows is replaced, and {@code width} is known before top-level statement
   * {@code at}; else null.
   */
  private Operand width(Var shape, int at) {
    boolean[] rowReplaced = {false};
    Statements.forEach(body, stmt -> rowReplaced[0] |= stmt instanceof Store store
        && store.array().equals(shape) && store.indices().size() < shape.type().rank());
    List<Expr> made = AdjointScratch.valuesOf(body, shape);
    if (rowReplaced[0] || made.size() != 1 || !(made.get(0) instanceof NewArray create)
        || create.dimensions().size() != 2) {
      return null;
    }
    return AdjointScratch.knownBefore(body, create.dimensions().get(1), at);
  }

  /**
   * {@code block} with {@code declare}'s matrix kept as a row of {@code width}, if exactly one
   * top-level statement after it, a counted loop or its backward loop, uses it, and only by
   * its own rows; else {@code block} unchanged.
   */
  private Block keepRow(Block block, Declare declare, Operand width) {
    Var matrix = declare.var();
    List<Stmt> statements = block.statements();
    int at = statements.indexOf(declare);
    int user = -1;
    for (int k = 0; k < statements.size(); k++) {
      if (k != at && Statements.mentioned(statements.get(k)).contains(matrix)) {
        if (user >= 0 || k < at) {
          return block;
        }
        user = k;
      }
    }
    if (user < 0) {
      return block;
    }
    Var row = new Var(matrix.name() + "Row", Type.DOUBLE_ARRAY);
    Stmt kept = withRow(statements.get(user), matrix, row, width);
    if (kept == null) {
      return block;
    }
    row = new Var(names.fresh(row.name()), Type.DOUBLE_ARRAY);
    kept = withRow(statements.get(user), matrix, row, width);
    List<Stmt> out = new ArrayList<>(statements);
    out.set(at, new Declare(row, new NewArray(Type.DOUBLE_ARRAY, List.of(width)),
        declare.origin()));
    out.set(user, kept);
    return new Block(out);
  }

  /**
   * {@code stmt} with {@code matrix} kept as {@code row} in the loop whose counter indexes every
   * use of it: {@code stmt} itself, or the one statement nested in it that names the matrix,
   * at any depth (a component loop's backward pass inside the fused loop over points); null if
   * there is no such loop.
   */
  private static Stmt withRow(Stmt stmt, Var matrix, Var row, Operand width) {
    Var index = counter(stmt);
    if (index != null) {
      Stmt loop = Statements.mapBlocks(stmt, b -> rows(b, matrix, index, row));
      if (!Statements.mentioned(loop).contains(matrix)) {
        return writtenBeforeRead(loop, row, width) ? loop
            : startingWith(loop, List.of(new ZeroFill(row)));
      }
    }
    if (Statements.vars(stmt).contains(matrix)) {
      return null; // a use of its own: a bound, a condition
    }
    List<Stmt> users = new ArrayList<>();
    Statements.mapBlocks(stmt, b -> {
      b.statements().stream().filter(s -> Statements.mentioned(s).contains(matrix))
          .forEach(users::add);
      return b;
    });
    Stmt inner = users.size() == 1 ? withRow(users.get(0), matrix, row, width) : null;
    if (inner == null) {
      return null;
    }
    return Statements.mapBlocks(stmt, b -> new Block(b.statements().stream()
        .map(s -> s == users.get(0) ? inner : s).toList()));
  }

  /**
   * True if each iteration of {@code loop} writes every element of {@code row} before anything
   * reads it: the first statement of its body that names the row is a counted loop over
   * {@code 0 <= j < width} storing {@code row[j] = v} directly in its body, and reading none of
   * it ({@code z[i][h] = b1[h]} for every {@code h} first). Then clearing it is not needed.
   */
  private static boolean writtenBeforeRead(Stmt loop, Var row, Operand width) {
    Block body = loop instanceof Loop forward ? forward.body() : ((ReverseLoop) loop).body();
    for (Stmt stmt : body.statements()) {
      if (!Statements.mentioned(stmt).contains(row)) {
        continue;
      }
      if (!(stmt instanceof Loop fill) || fill.counted() == null
          || !fill.counted().unitFromZero() || !fill.counted().to().equals(width)) {
        return false;
      }
      Var j = fill.counted().index();
      boolean[] stores = {false};
      boolean[] reads = {false};
      Statements.forEach(fill.body(), s -> {
        if (s instanceof Store store && store.array().equals(row)) {
          stores[0] |= store.compound() == null && store.indices().equals(List.of(j))
              && fill.body().statements().contains(s);
          reads[0] |= store.compound() != null;
        } else if (!(s instanceof Loop || s instanceof If)) {
          reads[0] |= Statements.vars(s).contains(row);
        }
      });
      return stores[0] && !reads[0];
    }
    return true;
  }

  /** {@code loop} with {@code start} before its body's statements. */
  private static Stmt startingWith(Stmt loop, List<Stmt> start) {
    if (loop instanceof Loop forward) {
      return new Loop(forward.header(), forward.test(), prepend(start, forward.body()),
          forward.testAtEnd(), forward.counted(), forward.origin());
    }
    ReverseLoop back = (ReverseLoop) loop;
    return back.withBody(prepend(start, back.body()));
  }

  private static Block prepend(List<Stmt> start, Block block) {
    List<Stmt> all = new ArrayList<>(start);
    all.addAll(block.statements());
    return new Block(all);
  }

  /** The counter of a counted loop or of a counted loop's backward loop, else null. */
  private static Var counter(Stmt stmt) {
    Loop loop = stmt instanceof Loop l ? l : stmt instanceof ReverseLoop back ? back.loop() : null;
    return loop == null || loop.counted() == null ? null : loop.counted().index();
  }

  /** {@code block} with {@code matrix[index][j]} read and written as {@code row[j]}. */
  private static Block rows(Block block, Var matrix, Var index, Var row) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      out.add(Statements.mapBlocks(row(stmt, matrix, index, row),
          b -> rows(b, matrix, index, row)));
    }
    return new Block(out);
  }

  private static Stmt row(Stmt stmt, Var matrix, Var index, Var row) {
    RowOf f = new RowOf(matrix, index, row);
    if (stmt instanceof Assign assign) {
      return new Assign(assign.target(), f.expr(assign.value()), assign.origin());
    }
    if (stmt instanceof Declare declare && declare.init() != null) {
      return new Declare(declare.var(), f.expr(declare.init()), declare.origin());
    }
    if (stmt instanceof Store store) {
      List<Operand> indices = f.all(store.indices());
      boolean inRow = f.isRowElement(store.array(), indices);
      return new Store(inRow ? row : store.array(), inRow ? f.rest(indices) : indices,
          f.operand(store.value()), store.compound(), store.origin());
    }
    if (stmt instanceof Accumulate add) {
      List<Operand> indices = f.all(add.indices());
      boolean inRow = f.isRowElement(add.target(), indices);
      return new Accumulate(inRow ? row : add.target(), inRow ? f.rest(indices) : indices,
          f.operand(add.value()), add.declares(), add.origin());
    }
    if (stmt instanceof Push push) {
      return new Push(f.operand(push.value()), push.origin());
    }
    if (stmt instanceof Pop pop) {
      return new Pop(pop.target(), f.all(pop.indices()));
    }
    if (stmt instanceof DerivativeCall call) {
      return new DerivativeCall(call.method(), f.all(call.arguments()), call.callee(),
          call.origin());
    }
    if (stmt instanceof If branch) {
      return new If(f.operand(branch.condition()), branch.then(), branch.otherwise(),
          branch.origin());
    }
    return stmt;
  }

  /** Rewrites {@code matrix[index][j]} as {@code row[j]} in operands and expressions. */
  private record RowOf(Var matrix, Var index, Var row) {
    boolean isRowElement(Var array, List<Operand> indices) {
      return array.equals(matrix) && indices.size() == 2 && indices.get(0).equals(index);
    }

    /** The indices after the row's: {@code [j]} of {@code [i, j]}. */
    List<Operand> rest(List<Operand> indices) {
      return indices.subList(1, indices.size());
    }

    Expr expr(Expr expr) {
      Expr mapped = Exprs.map(expr, this::operand);
      if (mapped instanceof Load load && isRowElement(load.array(), load.indices())) {
        return new Load(row, rest(load.indices()));
      }
      return mapped;
    }

    Operand operand(Operand operand) {
      return operand instanceof Nested nested
          ? new Nested(expr(nested.expr()), nested.type()) : operand;
    }

    List<Operand> all(List<Operand> operands) {
      return operands.stream().map(this::operand).toList();
    }
  }
}
