package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Terms;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.Zeros;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An adjoint row whose element a sum is added into and read back, then reset, further on in the
 * same block ({@code daRow[h] += daSum1; ... double dt5 = daRow[h]; daRow[h] = 0.0;}, once the
 * backward loops over {@code h} are jammed) gives way to the sum itself:
 * {@code double dt5 = daSum1;}, and the row goes. A person keeps the value in a register.
 *
 * <p>Exact when those three statements are all that touch the row after its zeros are made:
 * the element is 0 whenever the window starts, so what is read back is {@code 0.0 + sum}; and
 * the sum, which starts at {@code 0.0} and is only added into, is never {@code -0.0}, so
 * {@code 0.0 + sum} is the sum, bit for bit. Where the addition is guarded (by its loop having
 * run), so is the read: {@code runs ? daSum1 : 0.0}. Nothing between the addition and the reset
 * changes the sum, the index or the guard.
 *
 * <p>Where the row is read elsewhere too, or what is added is not such a sum, an unguarded
 * addition is read back with the element instead of stored: {@code dxc[id] += dt13; ...
 * double dt11 = dxc[id]; dxc[id] = 0.0;} becomes {@code ... double dt11 = dxc[id] + dt13;
 * dxc[id] = 0.0;}, the same addition, its store (which the reset overwrites) gone.
 */
public final class ReadBackSums {
  private final Block whole;
  private final Set<Var> shared;

  private ReadBackSums(Block whole) {
    this.whole = whole;
    this.shared = BackStmts.sharedArrays(whole);
  }

  public static Pullback of(Pullback pullback) {
    Block body = pullback.body();
    ReadBackSums pass = new ReadBackSums(body);
    Set<Var> gone = new HashSet<>();
    return BackStmts.withoutDeclarations(pullback, pass.block(body, gone), gone);
  }

  /** {@code block} with its read-back sums read directly; the rows that went into {@code gone}. */
  private Block block(Block block, Set<Var> gone) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      out.add(Statements.mapBlocks(stmt, b -> block(b, gone)));
    }
    for (int k = 0; k < out.size(); k++) {
      Accumulate add = addedSum(out.get(k));
      if (add == null || gone.contains(add.target()) || !isRowOfZeros(add.target())) {
        continue;
      }
      readBack(out, k, add, gone);
    }
    return new Block(out);
  }

  /** Rewrites the window starting at {@code out.get(k)} if it qualifies. */
  private void readBack(List<Stmt> out, int k, Accumulate add, Set<Var> gone) {
    Var row = add.target();
    Operand guard = out.get(k) instanceof If branch ? branch.condition() : null;
    Set<Var> fixed = new HashSet<>(Exprs.vars(add.indices()));
    fixed.addAll(Exprs.vars(add.value()));
    if (guard != null) {
      fixed.addAll(Exprs.vars(List.of(guard)));
    }
    int read = -1;
    for (int j = k + 1; j < out.size(); j++) {
      Stmt stmt = out.get(j);
      if (read < 0 && readOf(stmt, row, add.indices()) != null) {
        read = j;
        continue;
      }
      if (read >= 0 && stmt instanceof Store reset && reset.array().equals(row)
          && reset.indices().equals(add.indices()) && reset.compound() == null
          && Constant.ZERO.equals(reset.value())) {
        Accumulate declare = readOf(out.get(read), row, add.indices());
        if (BackStmts.naming(whole, row) == 4 && add.value() instanceof Var sum
            && isSum(sum, out.subList(0, k))) { // its zeros, the addition, the read, the reset
          Operand value = guard == null ? sum
              : new Nested(new Select(guard, sum, Constant.ZERO), Type.DOUBLE);
          out.set(read, new Accumulate(declare.target(), value, true, declare.origin()));
          out.remove(j);
          out.remove(k);
          gone.add(row);
        } else if (guard == null) { // the row stays; the element read is the one added into
          Operand sum = Terms.binary(Binary.Op.ADD, declare.value(), add.value());
          out.set(read, new Accumulate(declare.target(), sum, true, declare.origin()));
          out.remove(k);
        }
        return;
      }
      boolean[] changes = {false};
      Statements.forEach(stmt, s -> changes[0] |= BackStmts.assigned(s).stream()
          .anyMatch(fixed::contains));
      if (changes[0] || Statements.mentioned(stmt).contains(row)) {
        return;
      }
    }
  }

  /** {@code double d = row[i];} for this row and index, or null. */
  private static Accumulate readOf(Stmt stmt, Var row, List<Operand> indices) {
    Load load = BackStmts.elementRead(stmt, row);
    return load != null && load.indices().equals(indices) ? (Accumulate) stmt : null;
  }

  /**
   * {@code row[i] += value} alone, or alone in the then-branch of an if without else; or null.
   */
  private static Accumulate addedSum(Stmt stmt) {
    Stmt inner = stmt;
    if (stmt instanceof If branch && branch.otherwise().statements().isEmpty()
        && branch.then().statements().size() == 1) {
      inner = branch.then().statements().get(0);
    }
    return inner instanceof Accumulate add && add.intoElement() && !add.declares()
        && add.indices().size() == 1 && add.value().type() == Type.DOUBLE ? add : null;
  }

  /** Whether {@code sum} is declared 0.0 in {@code before} and only added into since. */
  private static boolean isSum(Var sum, List<Stmt> before) {
    boolean declared = false;
    for (Stmt stmt : before) {
      if (stmt instanceof Declare declare && declare.var().equals(sum)) {
        declared = BackStmts.isZeroInit(stmt) && declare.var().type() == Type.DOUBLE;
        continue;
      }
      boolean[] other = {false};
      Statements.forEach(stmt, s -> other[0] |= BackStmts.assigned(s).contains(sum)
          && !(s instanceof Accumulate add && add.target().equals(sum)));
      if (other[0]) {
        return false;
      }
    }
    return declared;
  }

  /** Whether {@code row} is a local row made of zeros, that no other array may be. */
  private boolean isRowOfZeros(Var row) {
    if (shared.contains(row) || row.type() != Type.DOUBLE_ARRAY) {
      return false;
    }
    boolean[] zeros = {false};
    Statements.forEach(whole, s -> zeros[0] |= s instanceof Declare declare
        && declare.var().equals(row) && (declare.init() instanceof NewArray
            || declare.init() instanceof Zeros z && z.reuse() == null));
    return zeros[0];
  }

}
