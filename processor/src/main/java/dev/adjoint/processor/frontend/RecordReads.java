package dev.adjoint.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.util.TreePath;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.ir.Var;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;

/**
 * Reads of flattened records ({@link Parameters}): {@code p}, {@code this}, a record local, and
 * their components through accessors ({@code p.layer().W()}) or fields ({@code W}, {@code this.W},
 * {@code other.W} in a method of the record). A component read is a read of its parameter.
 */
final class RecordReads {
  private final LoweringContext context;

  RecordReads(LoweringContext context) {
    this.context = context;
  }

  /** What {@code path} denotes among the flattened records, or null if it is none of them. */
  RecordValue.Component resolve(TreePath path) {
    ExpressionTree e = (ExpressionTree) path.getLeaf();
    if (e instanceof ParenthesizedTree inner) {
      return resolve(new TreePath(path, inner.getExpression()));
    }
    if (e instanceof IdentifierTree id && id.getName().contentEquals("this")) {
      return context.receiver == null ? null : new RecordValue.Component(null, context.receiver);
    }
    if (e instanceof MethodInvocationTree call && call.getArguments().isEmpty()) {
      Element method = context.javac.elementOf(path);
      if (method instanceof ExecutableElement accessor && isAccessor(accessor)) {
        return component(new TreePath(path, call.getMethodSelect()), call.getMethodSelect(),
            accessor);
      }
      return null;
    }
    if (!(e instanceof IdentifierTree) && !(e instanceof MemberSelectTree)) {
      return null;
    }
    Element element = context.javac.elementOf(path);
    if (element == null) {
      return null;
    }
    RecordValue local = context.records.get(element);
    if (local != null) {
      return new RecordValue.Component(null, local);
    }
    if (element.getKind() == ElementKind.FIELD && !element.getModifiers().contains(Modifier.STATIC)
        && element.getEnclosingElement().getKind() == ElementKind.RECORD) {
      return component(path, e, element);
    }
    return null;
  }

  /** The leaf {@code path} reads, or null if it reads none. */
  Var leaf(TreePath path) {
    RecordValue.Component c = resolve(path);
    return c == null ? null : c.leaf();
  }

  /**
   * The record value {@code path} denotes, or null after reporting that it is a record this
   * method cannot see component by component.
   */
  RecordValue value(TreePath path) {
    RecordValue.Component c = resolve(path);
    if (c == null || c.nested() == null) {
      context.error(path.getLeaf(), Message.UNSUPPORTED, "this record value ('" + path.getLeaf()
          + "')", "pass a record parameter, this, or a component of one (p.layer())");
      return null;
    }
    return c.nested();
  }

  /** Reports a record used where a value is expected: it is read through its components. */
  void reportAsValue(TreePath path) {
    context.error(path.getLeaf(), Message.UNSUPPORTED, "the record '" + path.getLeaf()
        + "' as a value", "read its components (" + path.getLeaf() + ".W()), or pass it to a"
        + " @Differentiable method");
  }

  /** Component {@code member} of the record selected by {@code selector} (or of this). */
  private RecordValue.Component component(TreePath path, ExpressionTree selector,
      Element member) {
    RecordValue owner;
    if (selector instanceof MemberSelectTree select) {
      RecordValue.Component base = resolve(new TreePath(path, select.getExpression()));
      owner = base == null ? null : base.nested();
    } else {
      owner = context.receiver;
    }
    return owner == null ? null : owner.component(member.getSimpleName().toString());
  }

  private static boolean isAccessor(ExecutableElement method) {
    if (method.getEnclosingElement().getKind() != ElementKind.RECORD
        || !method.getParameters().isEmpty()) {
      return false;
    }
    for (RecordComponentElement c
        : ((TypeElement) method.getEnclosingElement()).getRecordComponents()) {
      if (method.equals(c.getAccessor())) {
        return true;
      }
    }
    return false;
  }
}
