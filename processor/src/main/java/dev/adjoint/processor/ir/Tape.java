package dev.adjoint.processor.ir;

/** The tapes a pullback saves values on, one per kind of value ({@code dev.adjoint}'s stacks). */
public enum Tape {
  /** {@code DoubleStack}: doubles, floats, and longs bit for bit. */
  DOUBLES,
  /** {@code IntStack}: ints, shorts, bytes, chars, booleans, trip counts. */
  INTS,
  /** {@code ReferenceStack}: arrays. */
  REFERENCES;

  /**
   * Whether a sweep keeps this tape's array and top in locals while it runs (doubles and ints);
   * arrays stay on their stack object.
   */
  public boolean keptInLocals() {
    return this != REFERENCES;
  }

  /** The tape that saves a value of {@code type}. */
  public static Tape of(Type type) {
    return switch (type) {
      case DOUBLE, FLOAT, LONG -> DOUBLES;
      case INT, SHORT, BYTE, CHAR, BOOLEAN -> INTS;
      case DOUBLE_ARRAY, DOUBLE_MATRIX, DOUBLE_TENSOR, INT_ARRAY, BOOLEAN_ARRAY, OBJECT ->
          REFERENCES;
    };
  }
}
