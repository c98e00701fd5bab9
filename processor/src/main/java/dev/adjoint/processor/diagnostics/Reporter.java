package dev.adjoint.processor.diagnostics;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Reports catalogue messages as compile errors, on a tree inside a method body (so the IDE
 * underlines the exact expression) or on an element. Counts them, so a caller can tell whether
 * a method had errors.
 */
public final class Reporter {
  private final Messager messager;
  private int errors;

  public Reporter(Messager messager) {
    this.messager = messager;
  }

  public void error(Trees trees, CompilationUnitTree unit, Tree tree, Message message,
      Object... args) {
    errors++;
    trees.printMessage(Diagnostic.Kind.ERROR, message.format(args), tree, unit);
  }

  public void error(Element element, Message message, Object... args) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, message.format(args), element);
  }

  public void error(Element element, AnnotationMirror annotation, AnnotationValue value,
      Message message, Object... args) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, message.format(args), element, annotation, value);
  }

  public int errorCount() {
    return errors;
  }
}
