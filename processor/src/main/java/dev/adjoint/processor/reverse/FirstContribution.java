package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * An adjoint reset to zero and then given its next contribution in the same block, nothing
 * reading it between, is assigned that contribution: {@code dy = x * dt5;} rather than
 * {@code dy = 0.0; ... dy += x * dt5;}. The JIT may not fold {@code 0.0 + v} into {@code v}
 * (they differ when {@code v} is {@code -0.0}), so in a recurrence such as Horner's backward
 * loop the addition would lengthen every step. The values are equal but for the sign of a zero.
 * Applied to the printed pullback only, as {@link ZeroSkipping} is.
 */
public final class FirstContribution {
  private FirstContribution() {}

  public static Pullback of(Pullback pullback) {
    return pullback.withBody(block(pullback.body()));
  }

  private static Block block(Block block) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      out.add(Statements.mapBlocks(stmt, FirstContribution::block));
    }
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i) instanceof Assign reset && reset.target().type() == Type.DOUBLE
          && reset.value() instanceof Copy copy && Constant.ZERO.equals(copy.a())) {
        for (int j = i + 1; j < out.size(); j++) {
          Stmt next = out.get(j);
          if (!Statements.mentioned(next).contains(reset.target())) {
            continue;
          }
          if (next instanceof Accumulate add && add.target().equals(reset.target())
              && !add.intoElement() && !add.declares()) {
            out.set(j, new Assign(add.target(), new Copy(add.value()), add.origin()));
            out.remove(i);
            i--;
          }
          break;
        }
      }
    }
    return new Block(out);
  }

}
