package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Skips a backward loop whose every contribution is a product with one adjoint that is zero, as
 * a person writing backpropagation skips it: {@code if (dz != 0.0) for (d) dW1[d][h] += x[d] *
 * dz;} when ReLU's inactive side (or {@code max}'s losing branch) makes {@code dz} exactly zero.
 * Only loops of arithmetic on the iteration's own values and contributions qualify (nothing
 * pushed, popped or called), so skipping one changes nothing but the additions of zeros (where
 * an input is infinite, {@code x * 0} would have added NaN; the skipped loop adds nothing).
 * Applied to the pullback that is printed, not to the one forward mode differentiates again: an
 * adjoint that is zero may still have a tangent.
 */
public final class ZeroSkipping {
  private ZeroSkipping() {}

  /** {@code pullback} with its qualifying backward loops guarded. */
  public static Pullback of(Pullback pullback) {
    return pullback.withBody(block(pullback.body()));
  }

  private static Block block(Block block) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : block.statements()) {
      out.add(stmt(s));
    }
    return new Block(out);
  }

  private static Stmt stmt(Stmt s) {
    if (s instanceof ReverseLoop reverse) {
      // a counted loop only: another keeps its trip count, perhaps on the tape, for the skip
      Var zero = reverse.loop().counted() == null ? null : zeroingAdjoint(reverse.body());
      ReverseLoop inner = reverse.withBody(block(reverse.body()));
      if (zero == null) {
        return inner;
      }
      return new If(new Nested(new Binary(Binary.Op.NE, zero, Constant.ZERO),
          Type.BOOLEAN), new Block(List.of(inner)), new Block(List.of()), reverse.origin());
    }
    return Statements.mapBlocks(s, ZeroSkipping::block);
  }

  /**
   * An adjoint read in {@code body} and not assigned there such that every contribution the body
   * makes is zero when it is; null if there is none.
   */
  private static Var zeroingAdjoint(Block body) {
    Set<Var> assigned = new HashSet<>();
    Set<Var> read = new LinkedHashSet<>();
    for (Stmt s : body.statements()) {
      if (!(s instanceof Declare || s instanceof Assign || s instanceof Accumulate
          || s instanceof Comment)) {
        return null; // a push, pop, call, store, nested loop or branch: keep the loop as it is
      }
      Statements.vars(s).forEach(read::add);
      if (s instanceof Declare declare) {
        assigned.add(declare.var());
      } else if (s instanceof Assign assign) {
        assigned.add(assign.target());
      } else if (s instanceof Accumulate accumulate && !accumulate.intoElement()) {
        assigned.add(accumulate.target());
      }
    }
    for (Var candidate : read) {
      if (candidate.type() == Type.DOUBLE && !assigned.contains(candidate)
          && zeroesAll(body, candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Whether every contribution {@code body} makes to a variable outside it is zero with g. */
  private static boolean zeroesAll(Block body, Var g) {
    Set<Var> zero = new HashSet<>(List.of(g));
    Set<Var> local = new HashSet<>();
    boolean contributes = false;
    for (Stmt s : body.statements()) {
      if (s instanceof Declare declare) {
        if (declare.init() instanceof Call) {
          return false;
        }
        local.add(declare.var());
        if (declare.init() != null && isZero(declare.init(), zero)) {
          zero.add(declare.var());
        }
      } else if (s instanceof Assign assign) {
        if (assign.value() instanceof Call) {
          return false; // a method called for its effect, perhaps
        }
        if (!local.contains(assign.target()) && !(assign.target().equals(g)
            && assign.value() instanceof Copy copy && copy.a() instanceof Constant c
            && Double.valueOf(0.0).equals(c.value()))) {
          return false; // state outside the loop, other than g's reset to zero, changes
        }
        if (isZero(assign.value(), zero)) {
          zero.add(assign.target());
        } else {
          zero.remove(assign.target());
        }
      } else if (s instanceof Accumulate accumulate) {
        boolean valueZero = isZero(accumulate.value(), zero);
        if (accumulate.intoElement()
            || !(accumulate.declares() || local.contains(accumulate.target()))) {
          contributes = true;
          if (!valueZero) {
            return false; // a contribution that is not zero with g
          }
        } else if (accumulate.declares()) {
          local.add(accumulate.target());
          if (valueZero) {
            zero.add(accumulate.target());
          }
        } else if (!valueZero) {
          zero.remove(accumulate.target());
        }
      }
    }
    return contributes;
  }

  private static boolean isZero(Operand operand, Set<Var> zero) {
    if (operand instanceof Var v) {
      return zero.contains(v);
    }
    return operand instanceof Nested nested && isZero(nested.expr(), zero);
  }

  private static boolean isZero(Expr expr, Set<Var> zero) {
    if (expr instanceof Copy copy) {
      return isZero(copy.a(), zero);
    }
    if (expr instanceof Unary unary) {
      return unary.op() == Unary.Op.NEG && isZero(unary.a(), zero);
    }
    if (expr instanceof Binary binary) {
      return switch (binary.op()) {
        case MUL -> isZero(binary.a(), zero) || isZero(binary.b(), zero);
        case DIV -> isZero(binary.a(), zero);
        case ADD, SUB -> isZero(binary.a(), zero) && isZero(binary.b(), zero);
        default -> false;
      };
    }
    return false;
  }
}
