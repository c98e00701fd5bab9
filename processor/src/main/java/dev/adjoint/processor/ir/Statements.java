package dev.adjoint.processor.ir;

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

  public static void forEachAssign(Block block, Consumer<Assign> action) {
    forEach(block, stmt -> {
      if (stmt instanceof Assign assign) {
        action.accept(assign);
      }
    });
  }
}
