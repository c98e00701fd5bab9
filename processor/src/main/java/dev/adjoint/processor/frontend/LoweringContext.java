package dev.adjoint.processor.frontend;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Reporter;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Type;
import java.util.Locale;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * What every part of the lowering of one method body shares: javac's attribution and the source,
 * the reporter, the names of the generated method, the statement being lowered (the origin of
 * the code made from it) and whether the body turned out incomplete (javac reports why).
 */
final class LoweringContext {
  final JavacAttribution javac;
  final SourceText source;
  final NameScope names;
  private final Trees trees;
  private final CompilationUnitTree unit;
  private final Reporter reporter;
  /** The statement being lowered: comments beside the generated code show it. */
  Tree statement;
  /** The record parameters and record locals, flattened (see {@link Parameters}). */
  final java.util.Map<javax.lang.model.element.Element, RecordValue> records =
      new java.util.HashMap<>();
  /** The receiver of an instance method of a record, flattened; else null. */
  RecordValue receiver;
  /** Set when the body cannot be lowered because javac will report an error in it. */
  boolean incomplete;

  LoweringContext(Trees trees, CompilationUnitTree unit, JavacAttribution javac,
      Reporter reporter, NameScope names) {
    this.trees = trees;
    this.unit = unit;
    this.javac = javac;
    this.source = new SourceText(trees, unit);
    this.reporter = reporter;
    this.names = names;
  }

  void error(Tree at, Message message, Object... args) {
    reporter.error(trees, unit, at, message, args);
  }

  /** The origin of code lowered from statement {@code s} as a whole. */
  Origin origin(Tree s) {
    return source.origin(s, s);
  }

  /** The origin of code lowered from {@code expression} in the statement being lowered. */
  Origin originInStatement(Tree expression) {
    return source.origin(statement, expression);
  }

  /** The IR type of the expression at {@code path}; null after an error or if incomplete. */
  Type typeOf(TreePath path) {
    TypeMirror type = javac.typeOf(path);
    if (type == null || type.getKind() == TypeKind.ERROR) {
      incomplete = true;
      return null;
    }
    return valueType(path.getLeaf(), type, "'" + path.getLeaf() + "'");
  }

  /**
   * The IR type of a primitive, {@code double[]}, {@code double[][]}, {@code int[]} or
   * {@code boolean[]}.
   */
  Type valueType(Tree at, TypeMirror type, String what) {
    Type known = Types.of(type);
    if (known != null) {
      return known;
    }
    if (type.getKind() == TypeKind.ERROR) {
      incomplete = true;
    } else if (type.getKind() == TypeKind.ARRAY) {
      error(at, Message.ARRAY, what + " of type " + type,
          "use double[], double[][] (differentiated), int[] or boolean[] (constants)");
    } else {
      error(at, Message.OBJECT, what, type);
    }
    return null;
  }

  /** The Java type of the expression at {@code path}, for a message. */
  String typeName(TreePath path) {
    TypeMirror type = javac.typeOf(path);
    return type == null ? "?" : type.toString();
  }

  /** Reports a statement (or an expression used as one) that the IR has no counterpart for. */
  void unsupportedStatement(Tree s) {
    String kind = s.getKind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    error(s, Message.UNSUPPORTED, "this statement (" + kind + ")",
        "use local variables, assignments, if / else and return");
  }

  /** Where {@code tree} starts in the source file. */
  long start(Tree tree) {
    return trees.getSourcePositions().getStartPosition(unit, tree);
  }

  /** Where {@code tree} ends in the source file. */
  long end(Tree tree) {
    return trees.getSourcePositions().getEndPosition(unit, tree);
  }
}
