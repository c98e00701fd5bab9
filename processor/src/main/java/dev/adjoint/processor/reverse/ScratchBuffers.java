package dev.adjoint.processor.reverse;

import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;

/**
 * Scratch buffers: arrays made once ({@code new double[n]}, or {@code new double[m][n]}) that
 * every iteration of a loop fills before it reads them, as GMM's {@code xcentered} per point and
 * component. A loop fills a buffer when it is {@code for (i = 0; i < n; i++)} whose body writes
 * {@code a[i]} before touching {@code a} otherwise, and after that touches only {@code a[i]}; a
 * matrix is filled by {@code for (r = 0; r < m; r++)} whose body fills row {@code r} first and
 * then touches only that row. So nothing read comes from another iteration.
 */
final class ScratchBuffers {
  private final Function function;
  private final LoopFacts loops;

  ScratchBuffers(Function function, LoopFacts loops) {
    this.function = function;
    this.loops = loops;
  }

  /**
   * Whether {@code array}, made once in the method's body, is a scratch buffer of {@code loop}'s
   * iterations: every read of it in the loop's body follows a fill. Anything else that names it
   * in the loop (a call, another name, a length) answers no.
   */
  boolean isScratchOf(Var array, Loop loop) {
    List<Operand> lengths = dimensions(array);
    return lengths != null && coveredReads(loop.body(), array, lengths, false);
  }

  /**
   * The dimensions of {@code array} if the method's body makes it once, {@code new double[n]} or
   * {@code new double[m][n]}, with lengths no statement changes; else null.
   */
  List<Operand> dimensions(Var array) {
    List<Operand> lengths = null;
    for (Stmt stmt : function.body().statements()) {
      if (stmt instanceof Assign assign && assign.target().equals(array)
          && assign.value() instanceof NewArray made
          && made.dimensions().size() == (array.type() == Type.DOUBLE_ARRAY ? 1 : 2)
          && (array.type() == Type.DOUBLE_ARRAY || array.type() == Type.DOUBLE_MATRIX)) {
        lengths = made.dimensions();
      }
    }
    if (lengths == null || loops.assignments(array) != 1
        || lengths.stream().anyMatch(l -> l instanceof Var v && loops.assignments(v) > 1)) {
      return null;
    }
    return lengths;
  }

  /** Whether every read of {@code array} in {@code block} follows a fill of it. */
  private boolean coveredReads(Block block, Var array, List<Operand> lengths, boolean covered) {
    for (Stmt stmt : block.statements()) {
      if (!covered && fills(stmt, array, lengths, List.of())) {
        covered = true;
        continue;
      }
      if (stmt instanceof Assign assign && assign.value() instanceof Load load
          && load.array().equals(array)) {
        if (!covered) {
          return false;
        }
      } else if (stmt instanceof Assign assign && assign.value() instanceof Length length
          && length.array().equals(array) && length.rows().isEmpty()) {
        continue; // its length, made once: no element read
      } else if (stmt instanceof Assign assign && Exprs.vars(assign.value().operands())
          .contains(array) || stmt instanceof Store store && !store.array().equals(array)
          && Exprs.vars(store.indices()).contains(array)) {
        return false; // another name, a call, a length: not followed here
      } else if (stmt instanceof If branch) {
        if (!coveredReads(branch.then(), array, lengths, covered)
            || !coveredReads(branch.otherwise(), array, lengths, covered)) {
          return false;
        }
      } else if (stmt instanceof Loop inner) {
        if (!coveredReads(inner.header(), array, lengths, covered)
            || !coveredReads(inner.body(), array, lengths, covered)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Whether {@code stmt} fills {@code array} at the indices {@code prefix} (the whole array when
   * empty) along the remaining {@code lengths}: a loop from 0 below the first length whose body
   * fills the next level at its counter before touching the array otherwise, and after that
   * touches only what it filled.
   */
  boolean fills(Stmt stmt, Var array, List<Operand> lengths, List<Operand> prefix) {
    if (!(stmt instanceof Loop loop) || loop.counted() == null) {
      return false;
    }
    Loop.Counted counted = loop.counted();
    if (!counted.unitFromZero() || !sameValue(counted.to(), lengths.get(0))) {
      return false;
    }
    List<Operand> at = new ArrayList<>(prefix);
    at.add(counted.index());
    List<Operand> rest = lengths.subList(1, lengths.size());
    boolean filled = false;
    for (Stmt inBody : loop.body().statements()) {
      if (!filled && (rest.isEmpty()
          ? inBody instanceof Store store && store.array().equals(array)
              && store.compound() == null && store.indices().equals(at)
          : fills(inBody, array, rest, at))) {
        filled = true;
      } else if (!filled && Statements.mentioned(inBody).contains(array)
          || filled && !touchesOnly(inBody, array, at)) {
        return false; // touched before it is filled, or beyond what is filled
      }
    }
    return filled;
  }

  /** Whether {@code stmt} names {@code array} only to read or write elements under {@code at}. */
  private static boolean touchesOnly(Stmt stmt, Var array, List<Operand> at) {
    boolean[] only = {true};
    Statements.forEach(stmt, s -> {
      if (!Statements.vars(s).contains(array)) {
        return;
      }
      List<Operand> indices = s instanceof Assign assign && assign.value() instanceof Load load
          && load.array().equals(array) && !assign.target().equals(array) ? load.indices()
          : s instanceof Store store && store.array().equals(array)
              && !store.value().equals(array) ? store.indices() : null;
      only[0] &= indices != null && !indices.contains(array) && indices.size() >= at.size()
          && indices.subList(0, at.size()).equals(at);
    });
    return only[0];
  }

  /**
   * Whether {@code bound} and {@code length} hold the same value: the same operand, or variables
   * assigned once from it or from the same {@code a.length} of an array never reassigned.
   */
  boolean sameValue(Operand bound, Operand length) {
    return valueOf(bound).equals(valueOf(length));
  }

  /**
   * What a variable assigned once holds (a copy's source, an array's length, the length an
   * array was made with); else itself.
   */
  private Object valueOf(Operand operand) {
    if (!(operand instanceof Var v) || loops.assignments(v) != 1) {
      return operand;
    }
    Object[] value = {operand};
    Statements.forEachAssign(function.body(), assign -> {
      if (assign.target().equals(v)) {
        if (assign.value() instanceof Copy copy) {
          value[0] = valueOf(copy.a());
        } else if (assign.value() instanceof Length length && length.rows().isEmpty()
            && loops.assignments(length.array()) <= 1) {
          List<Operand> made = length.array().type() == Type.DOUBLE_ARRAY
              ? dimensions(length.array()) : null;
          value[0] = made != null ? valueOf(made.get(0)) : length; // new double[n]: its n
        }
      }
    });
    return value[0];
  }
}
