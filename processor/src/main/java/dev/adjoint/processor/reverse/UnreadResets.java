package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A reset of an adjoint that nothing reads afterwards, {@code dt7 = 0.0;} where {@code dt7} is
 * named no more before the block declaring it ends (a branch of a fused iteration, whose
 * adjoints are its own), is dropped: the zero is written for no one. Not across a loop's
 * boundary (its next iteration may read the zero), and not for the method's own variables; a
 * later assignment does not read it (so of two resets in a row the first goes too). Exact; the
 * compiled code was the same (C2 drops dead stores), the source is shorter, as a person writes
 * it. Applied to the printed pullback and HVP.
 */
public final class UnreadResets {
  private UnreadResets() {}

  public static Pullback of(Pullback pullback) {
    return pullback.withBody(of(pullback.body()));
  }

  /**
   * {@code block}, a method's body, without the resets nothing reads in the blocks nested in it;
   * its own variables are left alone (the printed method reads some after its last statement:
   * {@code return value;}).
   */
  public static Block of(Block block) {
    return Statements.mapEach(block, s -> Statements.mapBlocks(s, b -> of(b, Set.of())));
  }

  /**
   * {@code block} without the resets nothing reads; {@code ending} are the variables declared
   * in the blocks around it, up to the nearest loop, that nothing after it there names.
   */
  private static Block of(Block block, Set<Var> ending) {
    List<Stmt> statements = block.statements();
    List<Stmt> out = new ArrayList<>();
    Set<Var> declared = new HashSet<>(ending);
    boolean changed = false;
    for (int k = 0; k < statements.size(); k++) {
      Stmt stmt = statements.get(k);
      Var declares = BackStmts.declared(stmt);
      if (declares != null) {
        declared.add(declares);
      }
      Set<Var> unread = new HashSet<>(declared);
      unread.removeAll(named(statements.subList(k + 1, statements.size())));
      if (stmt instanceof Assign reset && isZero(reset) && unread.contains(reset.target())) {
        changed = true;
        continue;
      }
      Stmt mapped = stmt instanceof If branch
          ? Statements.mapBlocks(branch, b -> of(b, unread))
          : Statements.mapBlocks(stmt, b -> of(b, Set.of()));
      changed |= mapped != stmt;
      out.add(mapped);
    }
    return changed ? new Block(out) : block;
  }

  private static boolean isZero(Assign assign) {
    return assign.value() instanceof Copy copy && copy.a() instanceof Constant c && c.is(0);
  }

  /**
   * The variables {@code statements} may read: all they name but the targets of assignments,
   * which only write (a second reset after the first does not read the zero).
   */
  private static Set<Var> named(List<Stmt> statements) {
    Set<Var> named = new HashSet<>();
    statements.forEach(stmt -> Statements.forEach(stmt, s -> named.addAll(
        s instanceof Assign assign ? Exprs.vars(assign.value().operands()) : Statements.vars(s))));
    return named;
  }
}
