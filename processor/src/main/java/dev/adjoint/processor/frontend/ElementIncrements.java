package dev.adjoint.processor.frontend;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An element updated from its own value, {@code q[j] = q[j] + e} or {@code q[j] = q[j] - e}
 * (ADBench's spelling), is the compound {@code q[j] += e}: the backward sweep passes the element's
 * adjoint on to {@code e} and leaves it in place, instead of taking it out and adding it back.
 * Floating-point addition is commutative, so {@code e + q[j]} qualifies too; the value stored is
 * the same bit for bit. Only when the element's read and its sum are the lowering's temporaries,
 * each read once, and nothing between the read and the store writes an array or calls a method.
 */
public final class ElementIncrements {
  private final Map<Var, Integer> assignments = new HashMap<>();
  private final Map<Var, Integer> uses = new HashMap<>();
  private final Var result;

  private ElementIncrements(Function function) {
    this.result = function.result();
    Statements.forEach(function.body(), stmt -> {
      if (stmt instanceof Assign assign) {
        assignments.merge(assign.target(), 1, Integer::sum);
      }
      for (Var v : Statements.vars(stmt)) {
        uses.merge(v, 1, Integer::sum);
      }
    });
  }

  /** {@code function} with its elements updated from their own value as compound stores. */
  public static Function of(Function function) {
    ElementIncrements pass = new ElementIncrements(function);
    Block body = pass.block(function.body());
    return body.equals(function.body()) ? function
        : new Function(function.name(), function.params(), function.result(), body,
            function.names());
  }

  private Block block(Block block) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof Store store && store.compound() == null) {
        Stmt compound = compound(store, out);
        if (compound != null) {
          out.add(compound);
          continue;
        }
      }
      out.add(Statements.mapBlocks(stmt, this::block));
    }
    return new Block(out);
  }

  /**
   * The compound form of {@code store}, removing from {@code before} (the statements of its
   * block before it) the element's read and the sum it replaces; null if the pattern does not
   * hold.
   */
  private Stmt compound(Store store, List<Stmt> before) {
    if (!(store.value() instanceof Var sum) || !isTemporary(sum)) {
      return null;
    }
    int at = assignmentOf(sum, before, before.size());
    if (at < 0 || !(((Assign) before.get(at)).value() instanceof Binary binary)
        || binary.a().equals(binary.b())
        || binary.op() != Binary.Op.ADD && binary.op() != Binary.Op.SUB) {
      return null;
    }
    List<Operand> olds = binary.op() == Binary.Op.ADD
        ? List.of(binary.a(), binary.b()) : List.of(binary.a());
    for (Operand operand : olds) {
      if (!(operand instanceof Var old) || !isTemporary(old)) {
        continue;
      }
      int read = assignmentOf(old, before, at);
      if (read >= 0 && ((Assign) before.get(read)).value() instanceof Load load
          && load.array().equals(store.array()) && load.indices().equals(store.indices())
          && unchanged(before.subList(read + 1, before.size()), load)) {
        Operand added = operand == binary.a() ? binary.b() : binary.a();
        before.remove(at);
        before.remove(read);
        return new Store(store.array(), store.indices(), added, binary.op(), store.origin());
      }
    }
    return null;
  }

  /**
   * Where {@code v} is assigned in {@code before}, looking back from {@code end} over assignments
   * that neither call nor make arrays; -1 if anything else comes first.
   */
  private static int assignmentOf(Var v, List<Stmt> before, int end) {
    for (int k = end - 1; k >= 0; k--) {
      if (!(before.get(k) instanceof Assign assign) || assign.value() instanceof Call
          || assign.target().type().isArray()) {
        return -1; // a store, a call, a branch or a loop may write the element
      }
      if (assign.target().equals(v)) {
        return k;
      }
    }
    return -1;
  }

  /** Whether {@code statements} leave the array and indices of {@code element} as they are. */
  private static boolean unchanged(List<Stmt> statements, Load element) {
    for (Stmt stmt : statements) {
      Var target = ((Assign) stmt).target();
      if (target.equals(element.array()) || element.indices().contains(target)) {
        return false;
      }
    }
    return true;
  }

  /** A double temporary assigned once and read once, not the method's result. */
  private boolean isTemporary(Var v) {
    return v.type() == Type.DOUBLE && !v.equals(result)
        && assignments.getOrDefault(v, 0) == 1 && uses.getOrDefault(v, 0) == 2;
  }
}
