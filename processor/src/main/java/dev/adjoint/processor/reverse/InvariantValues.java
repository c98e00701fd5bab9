package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.AddArray;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.ZeroFill;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A value a backward loop computes again in every iteration though nothing it reads changes in
 * the loop is computed once before it, as a person reads {@code a[i][h]} once per unit and not
 * once per class: {@code for (c) { double t7 = aRow[h4]; ... dW2[h4][c] += t7 * ds; }} becomes
 * {@code double t7 = aRow[h4]; for (c) { ... }}. The JIT does not do it itself: it cannot prove
 * that the stores into {@code dW2} leave {@code aRow} alone. So too a forward loop's load of a
 * parameter's element (which the method never writes), as a person reads {@code x[i]} once per
 * point of a sum over pairs whose fused backward pass stores into {@code dx[j]}.
 *
 * <p>A declaration at the top level of a counted backward loop's body moves when it is the only
 * assignment of its variable in the loop, reads neither the counter nor anything the loop
 * assigns, and loads only from arrays the loop does not write (nor may write: a loop that calls
 * keeps its loads). A value that loads an element or divides integers is computed only if the
 * loop runs ({@code b2.length - 1 >= 0 ? aRow[h4] : 0.0}): a loop that never ran never read the
 * element, whose index may then be out of bounds. Not when another declaration of the same name
 * follows in the block, which Java would reject.
 */
public final class InvariantValues {
  private InvariantValues() {}

  public static Pullback of(Pullback pullback) {
    Set<Var> parameters = new HashSet<>();
    pullback.primal().params().forEach(p -> parameters.add(p.var()));
    return pullback.withBody(block(pullback.body(), parameters));
  }

  /**
   * {@code block} with its loops' invariant values hoisted; a forward loop's loads only from
   * {@code parameters}, which the method never writes (a local array may be another's alias,
   * and the forward sweep writes local arrays).
   */
  private static Block block(Block block, Set<Var> parameters) {
    List<Stmt> statements = block.statements();
    List<Stmt> out = new ArrayList<>();
    for (int i = 0; i < statements.size(); i++) {
      Stmt stmt = Statements.mapBlocks(statements.get(i), b -> block(b, parameters));
      List<Stmt> after = statements.subList(i + 1, statements.size());
      if (stmt instanceof ReverseLoop loop && loop.loop().counted() != null
          && loop.trips() == null) {
        hoist(loop.body(), loop.loop().counted().index(), BackStmts.runs(loop), null, after,
            out, loop::withBody);
      } else if (stmt instanceof Loop loop && loop.counted() != null) {
        hoist(loop.body(), loop.counted().index(), BackStmts.runs(loop.counted()), parameters,
            after, out,
            loop::withBody);
      } else {
        out.add(stmt);
      }
    }
    return new Block(out);
  }

  /**
   * Adds to {@code out} the declarations a loop with {@code body}, {@code counter} and
   * {@code runs} (true if it runs at least once) need not repeat, loading only from
   * {@code loadable} arrays (null: any the loop does not write), then the loop with what is
   * left of its body ({@code withBody}).
   */
  private static void hoist(Block body, Var counter, Operand runs, Set<Var> loadable,
      List<Stmt> after, List<Stmt> out, Function<Block, Stmt> withBody) {
    Set<Var> changed = new HashSet<>(List.of(counter));
    Set<Var> writtenArrays = new HashSet<>();
    boolean calls = false;
    List<Stmt> all = new ArrayList<>();
    Statements.forEach(body, all::add);
    for (Stmt stmt : all) {
      changed.addAll(BackStmts.assigned(stmt));
      writtenArrays.addAll(arraysWritten(stmt));
      calls |= callsOut(stmt);
    }
    List<Stmt> statements = body.statements();
    List<Stmt> kept = new ArrayList<>();
    List<Var> moved = new ArrayList<>();
    Set<Stmt> gone = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Stmt stmt : statements) {
      if (stmt instanceof Declare declare && declare.init() != null
          && movable(declare, all, after, changed, moved, writtenArrays, calls)
          && (loadable == null || loaded(declare, loadable))) {
        if (moved.isEmpty()) {
          out.add(new Comment("values every iteration reads, computed once before the loop"));
        }
        moved.add(declare.var());
        gone.add(stmt);
        out.add(new Declare(declare.var(), guarded(declare, runs), declare.origin()));
      }
    }
    if (moved.isEmpty()) {
      out.add(withBody.apply(body));
      return;
    }
    for (int j = 0; j < statements.size(); j++) {
      if (!gone.contains(statements.get(j)) && !(statements.get(j) instanceof Comment
          && introducesOnly(statements, j, gone))) {
        kept.add(statements.get(j));
      }
    }
    out.add(withBody.apply(new Block(kept)));
  }

  /**
   * Whether {@code declare} loads an element, and only from {@code loadable} arrays: what a
   * forward loop hoists (the JIT hoists the rest itself, lengths and arithmetic, but not a load
   * past stores it cannot tell apart).
   */
  private static boolean loaded(Declare declare, Set<Var> loadable) {
    Set<Var> arrays = BackStmts.elementsRead(declare);
    return !arrays.isEmpty() && loadable.containsAll(arrays);
  }



  /**
   * Whether the comment at {@code j} introduces a run of recomputed values (declarations
   * without a source line) that have all moved.
   */
  private static boolean introducesOnly(List<Stmt> statements, int j, Set<Stmt> gone) {
    int k = j + 1;
    while (k < statements.size() && statements.get(k) instanceof Declare declare
        && declare.origin() == null) {
      if (!gone.contains(declare)) {
        return false;
      }
      k++;
    }
    return k > j + 1;
  }

  private static boolean movable(Declare declare, List<Stmt> inLoop, List<Stmt> after,
      Set<Var> changed, List<Var> moved, Set<Var> writtenArrays, boolean calls) {
    Var v = declare.var();
    if (v.type() != Type.DOUBLE && v.type() != Type.INT && v.type() != Type.BOOLEAN) {
      return false;
    }
    Set<Var> read = Exprs.vars(declare.init().operands());
    for (Var r : read) {
      if (changed.contains(r) && !moved.contains(r)) {
        return false;
      }
    }
    Set<Var> arrays = BackStmts.elementsRead(declare);
    if (!arrays.isEmpty() && (calls || arrays.stream().anyMatch(writtenArrays::contains))) {
      return false;
    }
    int assignments = 0;
    for (Stmt stmt : inLoop) {
      if (BackStmts.assigned(stmt).contains(v)) {
        assignments++;
      }
    }
    if (assignments != 1) {
      return false;
    }
    boolean[] clash = {false};
    Statements.forEach(after, stmt -> clash[0] |= v.equals(BackStmts.declared(stmt)));
    return !clash[0];
  }

  /** The arrays whose elements {@code stmt} may write. */
  private static Set<Var> arraysWritten(Stmt stmt) {
    if (stmt instanceof Store store) {
      return Set.of(store.array());
    }
    if (stmt instanceof Accumulate add && add.intoElement()) {
      return Set.of(add.target());
    }
    if (stmt instanceof Pop pop) {
      return Set.of(pop.target());
    }
    if (stmt instanceof AddArray || stmt instanceof ZeroFill) {
      return Statements.mentioned(stmt);
    }
    return Set.of();
  }

  /** Whether {@code stmt} calls a method, which may write any array it is given. */
  private static boolean callsOut(Stmt stmt) {
    if (stmt instanceof DerivativeCall) {
      return true;
    }
    boolean[] found = {false};
    Statements.operands(stmt).forEach(o -> Exprs.forEachNested(o,
        e -> found[0] |= e instanceof Call));
    Expr value = stmt instanceof Declare declare ? declare.init()
        : stmt instanceof Assign assign ? assign.value() : null;
    return found[0] || value instanceof Call;
  }

  /**
   * The declaration's value, computed only if {@code loop} runs when it loads an element or
   * divides integers (either may throw where the loop never went).
   */
  private static Expr guarded(Declare declare, Operand runs) {
    boolean[] divides = {integerDivision(declare.init())};
    declare.init().operands().forEach(o -> Exprs.forEachNested(o,
        e -> divides[0] |= integerDivision(e)));
    if (BackStmts.elementsRead(declare).isEmpty() && !divides[0]) {
      return declare.init();
    }
    Type type = declare.var().type(); // the loop never reads the default value
    return new Select(runs, new Nested(declare.init(), type),
        new Constant(type, type.zero()));
  }

  /** An integer division or remainder by anything but a nonzero constant: it may throw. */
  private static boolean integerDivision(Expr expr) {
    return expr instanceof Binary binary
        && (binary.op() == Binary.Op.DIV || binary.op() == Binary.Op.REM)
        && binary.a().type() != Type.DOUBLE && binary.b().type() != Type.DOUBLE
        && !(binary.b() instanceof Constant c && c.value() != null && c.value() != 0.0);
  }
}
