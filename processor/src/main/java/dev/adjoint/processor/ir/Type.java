package dev.adjoint.processor.ir;

/** The primitive types a value in the IR can have. Only {@link #DOUBLE} values carry derivatives. */
public enum Type {
  DOUBLE("double", "0.0"),
  FLOAT("float", "0.0f"),
  LONG("long", "0L"),
  INT("int", "0"),
  SHORT("short", "(short) 0"),
  BYTE("byte", "(byte) 0"),
  CHAR("char", "(char) 0"),
  BOOLEAN("boolean", "false"),
  DOUBLE_ARRAY("double[]", "null"),
  DOUBLE_MATRIX("double[][]", "null"),
  INT_ARRAY("int[]", "null"),
  /** A mask or flags: data, read and written but never differentiated. */
  BOOLEAN_ARRAY("boolean[]", "null"),
  /** The buffer a JVP of a method returning {@code double[][]} writes its tangent into. */
  DOUBLE_TENSOR("double[][][]", "null"),
  /** Any other reference: a receiver or an object parameter, carried along, never read. */
  OBJECT("Object", "null");

  private final String javaName;
  private final String zero;

  Type(String javaName, String zero) {
    this.javaName = javaName;
    this.zero = zero;
  }

  public String javaName() {
    return javaName;
  }

  /** Java source of this type's default value, for declarations hoisted out of branches. */
  public String zero() {
    return zero;
  }

  public boolean isNumeric() {
    return this != BOOLEAN && !isArray();
  }

  public boolean isArray() {
    return rank() > 0;
  }

  /** Arrays of one index: {@code double[]}, {@code int[]}, {@code boolean[]}. */
  public boolean isVector() {
    return rank() == 1;
  }

  /** An array of this type: {@code double} gives {@code double[]}, and so on up to rank 3. */
  public Type arrayOf() {
    return switch (this) {
      case DOUBLE -> DOUBLE_ARRAY;
      case DOUBLE_ARRAY -> DOUBLE_MATRIX;
      case DOUBLE_MATRIX -> DOUBLE_TENSOR;
      default -> throw new IllegalArgumentException("no array of " + this);
    };
  }

  /** How many indices an array of this type takes: 1 for {@code double[]}, 0 for a scalar. */
  public int rank() {
    return switch (this) {
      case DOUBLE_ARRAY, INT_ARRAY, BOOLEAN_ARRAY -> 1;
      case DOUBLE_MATRIX -> 2;
      case DOUBLE_TENSOR -> 3;
      default -> 0;
    };
  }

  /** Arrays whose elements carry derivatives. */
  public boolean isDoubleArray() {
    return this == DOUBLE_ARRAY || this == DOUBLE_MATRIX;
  }

  /** The type of {@code a[i]} (one index) or {@code a[i][j]} (two). */
  public Type element(int indices) {
    return switch (this) {
      case DOUBLE_ARRAY -> DOUBLE;
      case INT_ARRAY -> INT;
      case BOOLEAN_ARRAY -> BOOLEAN;
      case DOUBLE_MATRIX -> indices == 2 ? DOUBLE : DOUBLE_ARRAY;
      case DOUBLE_TENSOR -> indices == 3 ? DOUBLE : indices == 2 ? DOUBLE_ARRAY : DOUBLE_MATRIX;
      default -> throw new IllegalArgumentException(this + " is not an array");
    };
  }

  /** Binary numeric promotion (JLS 5.6.2). */
  public static Type promote(Type a, Type b) {
    if (a == DOUBLE || b == DOUBLE) {
      return DOUBLE;
    }
    if (a == FLOAT || b == FLOAT) {
      return FLOAT;
    }
    if (a == LONG || b == LONG) {
      return LONG;
    }
    return INT;
  }
}
