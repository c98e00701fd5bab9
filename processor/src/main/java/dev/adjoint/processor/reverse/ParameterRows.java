package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A loop that reads a row of a parameter matrix the loop does not move through,
 * {@code centres[c][k]} in a loop over {@code k}, reads it through the row taken once before the
 * loop, as a person writes {@code double[] centre = centres[c]}:
 * {@code double[] centresRow = t4 < t5 ? centres[c] : null; for (k) { ... centresRow[k] ... }}.
 * The JIT does not do it itself in short loops: k-means over 4-D points runs twice as fast with
 * the rows taken once. Parameters only, which the method never writes nor replaces rows of;
 * the row index must not change in the loop. The row is taken only if the loop runs (one that
 * never ran never read the row, whose index may then be out of bounds), and only for reads
 * outside the loop's branches (a branch not taken never read it). Applied to the
 * printed pullback, outermost loops first, so a row goes before the outermost loop that keeps
 * it.
 */
public final class ParameterRows {
  private final NameScope names;
  private final Set<Var> matrices = new HashSet<>();

  private ParameterRows(Pullback pullback) {
    this.names = pullback.primal().names();
    pullback.primal().params().forEach(p -> {
      if (p.var().type() == Type.DOUBLE_MATRIX) {
        matrices.add(p.var());
      }
    });
  }

  public static Pullback of(Pullback pullback) {
    ParameterRows pass = new ParameterRows(pullback);
    return pass.matrices.isEmpty() ? pullback : pullback.withBody(pass.block(pullback.body()));
  }

  private Block block(Block block) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof Loop loop && loop.counted() != null) {
        Block body = rowsOf(loop, loop.body(), BackStmts.runs(loop.counted()), out);
        out.add(loop.withBody(block(body)));
      } else if (stmt instanceof ReverseLoop loop && loop.loop().counted() != null
          && loop.trips() == null) {
        Block body = rowsOf(loop, loop.body(), BackStmts.runs(loop), out);
        out.add(loop.withBody(block(body)));
      } else {
        out.add(Statements.mapBlocks(stmt, this::block));
      }
    }
    return new Block(out);
  }

  /**
   * Declares in {@code out} the rows {@code body} reads at indices {@code loop} does not change,
   * taken if {@code runs}; {@code body} reading them through those rows.
   */
  private Block rowsOf(Stmt loop, Block body, Operand runs, List<Stmt> out) {
    Set<Var> changed = new HashSet<>();
    Statements.forEach(loop, stmt -> {
      changed.addAll(BackStmts.assigned(stmt));
      if (stmt instanceof Loop inner && inner.counted() != null) {
        changed.add(inner.counted().index());
      } else if (stmt instanceof ReverseLoop inner && inner.loop().counted() != null) {
        changed.add(inner.loop().counted().index());
      }
    });
    Map<Load, Var> rows = new LinkedHashMap<>();
    List<Stmt> unconditional = new ArrayList<>();
    outsideBranches(body, unconditional);
    unconditional.forEach(stmt -> Statements.operands(stmt).forEach(o -> {
      if (o instanceof Nested) {
        Exprs.forEachNested(o, e -> note(e, changed, rows));
      }
    }));
    unconditional.forEach(stmt -> {
      Expr value = stmt instanceof Declare declare ? declare.init()
          : stmt instanceof Assign assign ? assign.value() : null;
      if (value != null) {
        note(value, changed, rows);
      }
    });
    if (rows.isEmpty()) {
      return body;
    }
    out.add(new Comment("the rows the loop reads, taken once before it"));
    rows.forEach((row, v) -> out.add(new Declare(v, new Select(runs,
        new Nested(row, Type.DOUBLE_ARRAY), new Constant(Type.DOUBLE_ARRAY, "null")),
        null)));
    return reading(body, rows);
  }

  /**
   * The statements of {@code block} and of the loops in it, but none inside a branch: a row
   * read only where a condition holds may be out of range where it does not (a row index that
   * is -1 until the iteration that reads it), so it is not taken before the loop.
   */
  private static void outsideBranches(Block block, List<Stmt> out) {
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof If) {
        continue;
      }
      out.add(stmt);
      if (stmt instanceof Loop inner) {
        outsideBranches(inner.body(), out);
      } else if (stmt instanceof ReverseLoop inner) {
        outsideBranches(inner.body(), out);
      }
    }
  }

  /** Notes the row {@code e} loads an element of, if a parameter's at an unchanged index. */
  private void note(Expr e, Set<Var> changed, Map<Load, Var> rows) {
    if (e instanceof Load load && matrices.contains(load.array()) && load.indices().size() == 2
        && (load.indices().get(0) instanceof Constant
            || load.indices().get(0) instanceof Var i && !changed.contains(i))) {
      Load row = new Load(load.array(), List.of(load.indices().get(0)));
      rows.computeIfAbsent(row, r -> new Var(names.fresh(load.array().name() + "Row"),
          Type.DOUBLE_ARRAY));
    }
  }

  /** {@code block} loading the elements of {@code rows} through them. */
  private static Block reading(Block block, Map<Load, Var> rows) {
    UnaryOperator<Operand> operands = new UnaryOperator<>() {
      @Override
      public Operand apply(Operand o) {
        return o instanceof Nested nested
            ? new Nested(through(Exprs.map(nested.expr(), this), rows), nested.type()) : o;
      }
    };
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      out.add(read(Statements.mapBlocks(stmt, b -> reading(b, rows)), operands, rows));
    }
    return new Block(out);
  }

  private static Stmt read(Stmt stmt, UnaryOperator<Operand> f, Map<Load, Var> rows) {
    if (stmt instanceof If branch) {
      return new If(f.apply(branch.condition()), branch.then(), branch.otherwise(),
          branch.origin());
    }
    return BackStmts.mapped(stmt, f, e -> through(e, rows));
  }

  /** {@code e}, an element of one of {@code rows}, loaded through it. */
  private static Expr through(Expr e, Map<Load, Var> rows) {
    if (e instanceof Load load && load.indices().size() == 2) {
      Var row = rows.get(new Load(load.array(), List.of(load.indices().get(0))));
      if (row != null) {
        return new Load(row, List.of(load.indices().get(1)));
      }
    }
    return e;
  }
}
