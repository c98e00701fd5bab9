package dev.adjoint.processor.frontend;

import com.sun.source.tree.StatementTree;
import com.sun.source.util.TreePath;
import dev.adjoint.processor.ir.Stmt;
import java.util.List;
import java.util.function.Function;

/**
 * The statements still to lower: the rest of one statement list, then what follows it. A frame
 * with {@code isEnd} marks the end of a loop body: the path ends there.
 */
record Continuation(List<? extends StatementTree> statements, int from, TreePath parent,
    Continuation next, boolean isEnd, Function<Env, List<Stmt>> generated) {
  Continuation(List<? extends StatementTree> statements, int from, TreePath parent,
      Continuation next) {
    this(statements, from, parent, next, false, null);
  }

  static Continuation end() {
    return new Continuation(List.of(), 0, null, null, true, null);
  }

  /**
   * Statements made by the lowering itself (a for-each's index step, a while loop's counter
   * step), which may give a local a new version in the environment they are made in, then
   * {@code next}.
   */
  static Continuation generated(Function<Env, List<Stmt>> statements, Continuation next) {
    return new Continuation(List.of(), 0, null, next, false, statements);
  }

  Continuation rest() {
    return new Continuation(statements, from + 1, parent, next, false, null);
  }
}
