package dev.adjoint.processor.frontend;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import java.util.function.BiConsumer;

/** Finds what a piece of code assigns: the targets of {@code =}, {@code op=}, {@code ++}, {@code --}. */
final class AssignmentTargets {
  private AssignmentTargets() {}

  /** Calls {@code action} with each assignment target under {@code root} and its path. */
  static void forEach(TreePath root, BiConsumer<ExpressionTree, TreePath> action) {
    new TreePathScanner<Void, Void>() {
      private void note(ExpressionTree target) {
        action.accept(target, new TreePath(getCurrentPath(), target));
      }

      @Override
      public Void visitAssignment(AssignmentTree node, Void unused) {
        note(node.getVariable());
        return super.visitAssignment(node, unused);
      }

      @Override
      public Void visitCompoundAssignment(CompoundAssignmentTree node, Void unused) {
        note(node.getVariable());
        return super.visitCompoundAssignment(node, unused);
      }

      @Override
      public Void visitUnary(UnaryTree node, Void unused) {
        if (node.getKind() == Tree.Kind.PREFIX_INCREMENT
            || node.getKind() == Tree.Kind.POSTFIX_INCREMENT
            || node.getKind() == Tree.Kind.PREFIX_DECREMENT
            || node.getKind() == Tree.Kind.POSTFIX_DECREMENT) {
          note(node.getExpression());
        }
        return super.visitUnary(node, unused);
      }
    }.scan(root, null);
  }
}
