package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;

/**
 * The backward loop of a step that chooses among its iterations' values
 * ({@code best = Math.min(best, d)}, a {@link RunningExtremes.Choice}) visits only the iteration
 * that won, as a person writes it:
 * {@code for (c) { double dd = c == bestAt ? dbest : 0.0; if (dd != 0.0) {...} }} and the
 * {@code if (bestAt >= 0) dbest = 0.0;} after it become
 * {@code if (bestAt >= 0) { int c = bestAt; double dd = dbest; if (dd != 0.0) {...} dbest = 0.0; }}.
 *
 * <p>Only when everything else the iteration does is skipped when {@code dd} is zero (the guards
 * {@link ZeroSkipping} puts around loops of plain arithmetic, nothing pushed, popped or called),
 * but for resetting {@code dd} itself: the iterations that lost did nothing. The winner runs the same statements, so the same bits.
 * Applied to the printed pullback, after {@link ZeroSkipping}.
 */
public final class ChosenIterations {
  private ChosenIterations() {}

  public static Pullback of(Pullback pullback) {
    return pullback.withBody(block(pullback.body()));
  }

  private static Block block(Block block) {
    List<Stmt> in = block.statements();
    List<Stmt> out = new ArrayList<>();
    boolean changed = false;
    for (int i = 0; i < in.size(); i++) {
      Stmt stmt = Statements.mapBlocks(in.get(i), ChosenIterations::block);
      changed |= stmt != in.get(i);
      Var winner = stmt instanceof ReverseLoop loop ? winner(loop) : null;
      if (winner == null) {
        out.add(stmt);
        continue;
      }
      List<Stmt> visit = new ArrayList<>(visit((ReverseLoop) stmt, winner));
      Operand won = new Nested(new Binary(Binary.Op.GE, winner, Constant.integer(0)),
          Type.BOOLEAN);
      if (i + 1 < in.size() && in.get(i + 1) instanceof If reset && reset.condition().equals(won)
          && reset.otherwise().statements().isEmpty()) {
        visit.addAll(reset.then().statements()); // the value before the loop lost: its adjoint 0
        i++;
      }
      out.add(new If(won, new Block(visit), new Block(List.of()), ((ReverseLoop) stmt).origin()));
      changed = true;
    }
    return changed ? new Block(out) : block;
  }

  /**
   * The variable holding the iteration that won, {@code bestAt}, if {@code loop} is the backward
   * loop of a choice whose iterations do nothing but when they won; else null.
   */
  private static Var winner(ReverseLoop loop) {
    if (loop.loop().counted() == null) {
      return null;
    }
    Var counter = loop.loop().counted().index();
    Accumulate share = null;
    Var winner = null;
    for (Stmt stmt : loop.body().statements()) {
      if (stmt instanceof Comment) {
        continue;
      }
      if (share == null) {
        if (!(stmt instanceof Accumulate first) || !first.declares() || first.intoElement()
            || (winner = wonBy(first.value(), counter)) == null) {
          return null;
        }
        share = first;
      } else if (!skippedWithoutShare(stmt, share.target())
          && !stmt.equals(new Assign(share.target(), new Copy(Constant.ZERO), null))) {
        return null;
      }
    }
    return share == null ? null : winner;
  }

  /** {@code bestAt} of {@code c == bestAt ? dbest : 0.0}, or null. */
  private static Var wonBy(Operand value, Var counter) {
    if (!(value instanceof Nested nested && nested.expr() instanceof Select select
        && Constant.ZERO.equals(select.otherwise())
        && select.condition() instanceof Nested test && test.expr() instanceof Binary equal
        && equal.op() == Binary.Op.EQ)) {
      return null;
    }
    Operand other = equal.a().equals(counter) ? equal.b()
        : equal.b().equals(counter) ? equal.a() : null;
    return other instanceof Var v && v.type() == Type.INT ? v : null;
  }

  /**
   * Whether {@code stmt} is {@code if (share != 0.0) {...}} of arithmetic, stores and loops only:
   * nothing pushed, popped, reserved or called.
   */
  private static boolean skippedWithoutShare(Stmt stmt, Var share) {
    if (!(stmt instanceof If guard) || !guard.otherwise().statements().isEmpty()
        || !guard.condition().equals(new Nested(new Binary(Binary.Op.NE, share, Constant.ZERO),
            Type.BOOLEAN))) {
      return false;
    }
    return guard.then().statements().stream().allMatch(BackStmts::untaped);
  }

  /** The winner's backward pass: the loop's body with its counter set and its share known. */
  private static List<Stmt> visit(ReverseLoop loop, Var winner) {
    List<Stmt> visit = new ArrayList<>();
    visit.add(new Declare(loop.loop().counted().index(), new Copy(winner)));
    boolean shared = false;
    for (Stmt stmt : loop.body().statements()) {
      if (!shared && stmt instanceof Accumulate share) {
        Select select = (Select) ((Nested) share.value()).expr();
        visit.add(new Accumulate(share.target(), share.indices(), select.then(), true,
            share.origin()));
        shared = true;
      } else {
        visit.add(stmt);
      }
    }
    return visit;
  }
}
