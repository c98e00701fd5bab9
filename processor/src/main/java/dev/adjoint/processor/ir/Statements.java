package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Walks statements in program order, into both branches of ifs and into loops. */
public final class Statements {
  private Statements() {}

  public static void forEach(Block block, Consumer<Stmt> action) {
    for (Stmt stmt : block.statements()) {
      action.accept(stmt);
      if (stmt instanceof If branch) {
        forEach(branch.then(), action);
        forEach(branch.otherwise(), action);
      } else if (stmt instanceof Loop loop) {
        forEach(loop.header(), action);
        forEach(loop.body(), action);
      }
    }
  }

  /**
   * The variables one statement names itself (not those of statements nested in it): an
   * assignment's target and operands, a store's array, indices and value, a branch's condition,
   * a loop's test and counted bounds.
   */
  public static Set<Var> vars(Stmt stmt) {
    List<Operand> named = new ArrayList<>();
    if (stmt instanceof Assign assign) {
      named.add(assign.target());
      named.addAll(assign.value().operands());
    } else if (stmt instanceof Store store) {
      named.add(store.array());
      named.addAll(store.indices());
      named.add(store.value());
    } else if (stmt instanceof If branch) {
      named.add(branch.condition());
    } else if (stmt instanceof Loop loop) {
      if (loop.test() != null) {
        named.add(loop.test());
      }
      if (loop.counted() != null) {
        named.add(loop.counted().from());
        named.add(loop.counted().to());
      }
    }
    Set<Var> vars = new LinkedHashSet<>();
    named.forEach(o -> {
      if (o instanceof Var v) {
        vars.add(v);
      }
    });
    return vars;
  }

  public static void forEachAssign(Block block, Consumer<Assign> action) {
    forEach(block, stmt -> {
      if (stmt instanceof Assign assign) {
        action.accept(assign);
      }
    });
  }
}
