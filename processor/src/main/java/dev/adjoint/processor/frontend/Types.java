package dev.adjoint.processor.frontend;

import dev.adjoint.processor.ir.Type;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/** Maps javac types to IR types. */
final class Types {
  private Types() {}

  /** The IR type of {@code type}, or null if the IR has none. */
  static Type of(TypeMirror type) {
    if (type.getKind().isPrimitive()) {
      return Type.valueOf(type.getKind().name());
    }
    if (!(type instanceof ArrayType array)) {
      return null;
    }
    TypeMirror component = array.getComponentType();
    if (component.getKind() == TypeKind.DOUBLE) {
      return Type.DOUBLE_ARRAY;
    }
    if (component.getKind() == TypeKind.INT) {
      return Type.INT_ARRAY;
    }
    if (component.getKind() == TypeKind.BOOLEAN) {
      return Type.BOOLEAN_ARRAY;
    }
    if (component instanceof ArrayType inner && inner.getComponentType().getKind()
        == TypeKind.DOUBLE) {
      return Type.DOUBLE_MATRIX;
    }
    if (component instanceof ArrayType inner && inner.getComponentType() instanceof ArrayType
        innermost && innermost.getComponentType().getKind() == TypeKind.DOUBLE) {
      return Type.DOUBLE_TENSOR;
    }
    return null;
  }
}
