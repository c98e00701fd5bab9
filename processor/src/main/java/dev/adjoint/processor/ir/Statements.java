package dev.adjoint.processor.ir;

import java.util.function.Consumer;

/** Walks statements in program order, descending into both branches of every {@link If}. */
public final class Statements {
  private Statements() {}

  public static void forEachAssign(Block block, Consumer<Assign> action) {
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof Assign assign) {
        action.accept(assign);
      } else if (stmt instanceof If branch) {
        forEachAssign(branch.then(), action);
        forEachAssign(branch.otherwise(), action);
      }
    }
  }
}
