package dev.adjoint.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;

/**
 * Lowers reads of fields: constants (their value, or their name where the generated class can
 * name them), fields of the receiver of an instance method, and static arrays read as constant
 * tables. Fields are never differentiated and never written.
 */
final class FieldReads {
  private final LoweringContext context;
  private final ArrayLowering arrays;
  private final Visibility visibility;
  /** {@code self} in an instance method, whose fields the body reads; null in static ones. */
  private final Var receiver;
  private final String generatedClass;

  FieldReads(LoweringContext context, ArrayLowering arrays, Visibility visibility, Var receiver,
      String generatedClass) {
    this.context = context;
    this.arrays = arrays;
    this.visibility = visibility;
    this.receiver = receiver;
    this.generatedClass = generatedClass;
  }

  /**
   * The value of field {@code element} read by {@code e}: a constant, a reference the generated
   * code reads, or a constant table; {@link ExpressionLowering#POISON} after an error.
   */
  Operand read(ExpressionTree e, Element element) {
    if (!(element instanceof VariableElement field) || element.getKind() != ElementKind.FIELD) {
      if (element != null && element.getKind() == ElementKind.ENUM_CONSTANT) {
        context.error(e, Message.OBJECT, "enum constant '" + element.getSimpleName() + "'",
            element.asType());
      } else if (element != null) {
        context.error(e, Message.UNSUPPORTED, "'" + e + "'",
            "use local variables and parameters");
      }
      return ExpressionLowering.POISON;
    }
    boolean instance = !field.getModifiers().contains(Modifier.STATIC);
    if (instance && (receiver == null || !isOwn(e))) {
      context.error(e, Message.INSTANCE_FIELD, field.getSimpleName());
      return ExpressionLowering.POISON;
    }
    TypeMirror fieldType = field.asType();
    Type type = context.valueType(e, fieldType, "field '" + field.getSimpleName() + "'");
    if (type == null) {
      return ExpressionLowering.POISON;
    }
    TypeElement owner = (TypeElement) field.getEnclosingElement();
    String reference = (instance ? receiver.name() : visibility.typeReference(owner)) + "."
        + field.getSimpleName();
    if (type.isArray()) {
      if (!visibility.isAccessible(field)) {
        context.error(e, Message.FIELD_READ, field.getSimpleName(), generatedClass);
        return ExpressionLowering.POISON;
      }
      // a table of constants: read in place, never written, never differentiated
      Var table = new Var(reference, type);
      arrays.addTable(table);
      return table;
    }
    if (visibility.isAccessible(field)) {
      return new Constant(type, reference);
    }
    Constant value = Constants.of(field.getConstantValue());
    if (value == null) {
      context.error(e, Message.FIELD_READ, field.getSimpleName(), generatedClass);
      return ExpressionLowering.POISON;
    }
    return value;
  }

  /** {@code x} or {@code this.x}: a field of the receiver. */
  private static boolean isOwn(ExpressionTree e) {
    return e instanceof IdentifierTree || (e instanceof MemberSelectTree select
        && select.getExpression() instanceof IdentifierTree id
        && id.getName().contentEquals("this"));
  }
}
