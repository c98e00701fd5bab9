package dev.adjoint.processor.emit;

import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.reverse.Adjoint;

/** Which tape saves a value of each type, and the code that pushes and pops it. */
enum Tapes {
  DOUBLES,
  INTS,
  ARRAYS;

  static Tapes of(Type type) {
    return switch (type) {
      case DOUBLE, FLOAT, LONG -> DOUBLES;
      case INT, SHORT, BYTE, CHAR, BOOLEAN -> INTS;
      case DOUBLE_ARRAY, DOUBLE_MATRIX, INT_ARRAY, OBJECT -> ARRAYS;
    };
  }

  /** {@code tape.push(code)}; longs travel bit for bit in a double. */
  static String push(Adjoint.Names names, Type type, String code) {
    return switch (of(type)) {
      case DOUBLES -> names.doubleTape() + ".push("
          + (type == Type.LONG ? "Double.longBitsToDouble(" + code + ")" : code) + ")";
      case INTS -> names.intTape() + ".push(" + code + ")";
      case ARRAYS -> names.referenceTape() + ".push(" + code + ")";
    };
  }

  /** The expression that pops a value of {@code type}. */
  static String pop(Adjoint.Names names, Type type) {
    return switch (type) {
      case DOUBLE -> names.doubleTape() + ".pop()";
      case FLOAT -> "(float) " + names.doubleTape() + ".pop()";
      case LONG -> "Double.doubleToRawLongBits(" + names.doubleTape() + ".pop())";
      case INT -> names.intTape() + ".pop()";
      case SHORT, BYTE, CHAR -> "(" + type.javaName() + ") " + names.intTape() + ".pop()";
      case BOOLEAN -> names.intTape() + ".popBoolean()";
      case DOUBLE_ARRAY, DOUBLE_MATRIX, INT_ARRAY, OBJECT ->
          "(" + type.javaName() + ") " + names.referenceTape() + ".pop()";
    };
  }
}
