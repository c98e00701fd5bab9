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
  BOOLEAN("boolean", "false");

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
    return this != BOOLEAN;
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
