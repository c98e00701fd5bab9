package dev.adjoint.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import javax.lang.model.element.Element;
import javax.lang.model.type.TypeMirror;

/**
 * The one place that relies on unspecified javac behaviour: asking {@link Trees#getElement} for a
 * tree inside a class that javac has not attributed yet makes javac attribute that class, after
 * which {@link Trees#getTypeMirror} answers for every expression in its method bodies (JDK 17 and
 * 25). Diagnostics javac finds meanwhile are deferred to the end of the round, as for any other
 * processor-triggered attribution.
 */
final class JavacAttribution {
  private final Trees trees;

  JavacAttribution(Trees trees) {
    this.trees = trees;
  }

  /** Attributes the class around {@code method}; false if its body is still untyped afterwards. */
  boolean attribute(TreePath method) {
    MethodTree tree = (MethodTree) method.getLeaf();
    TreePath body = new TreePath(method, tree.getBody());
    trees.getElement(body);
    TreePath probe = firstExpression(body);
    return probe == null || trees.getTypeMirror(probe) != null;
  }

  TypeMirror typeOf(TreePath expression) {
    return trees.getTypeMirror(expression);
  }

  Element elementOf(TreePath tree) {
    return trees.getElement(tree);
  }

  private static TreePath firstExpression(TreePath body) {
    TreePath[] found = {null};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void scan(com.sun.source.tree.Tree tree, Void unused) {
        if (found[0] == null && tree instanceof ExpressionTree) {
          found[0] = new TreePath(getCurrentPath(), tree);
          return null;
        }
        return found[0] == null ? super.scan(tree, unused) : null;
      }
    }.scan(body, null);
    return found[0];
  }
}
