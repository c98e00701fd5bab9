package dev.adjoint.processor.frontend;

import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Type;

/** Java source for values known at compile time: literals and constant fields' values. */
final class Constants {
  private Constants() {}

  /** The constant for a literal or compile-time constant value, or null for other values. */
  static Constant of(Object value) {
    if (value instanceof Double d) {
      return new Constant(Type.DOUBLE, doubleCode(d), finite(d));
    }
    if (value instanceof Float f) {
      return new Constant(Type.FLOAT, f.isNaN() || f.isInfinite()
          ? "(float) " + doubleCode(f.doubleValue()) : f + "f", finite(f.doubleValue()));
    }
    if (value instanceof Long l) {
      return new Constant(Type.LONG, l + "L", (double) l);
    }
    if (value instanceof Integer i) {
      return Constant.integer(i);
    }
    if (value instanceof Short s) {
      return new Constant(Type.SHORT, "(short) " + s, (double) s);
    }
    if (value instanceof Byte b) {
      return new Constant(Type.BYTE, "(byte) " + b, (double) b);
    }
    if (value instanceof Character c) {
      return new Constant(Type.CHAR, "(char) " + (int) c, (double) c);
    }
    if (value instanceof Boolean b) {
      return b ? Constant.TRUE : Constant.FALSE;
    }
    return null;
  }

  /** {@code -a} for a literal {@code a}, or null when it cannot be folded. */
  static Constant negate(Constant literal) {
    if (!literal.type().isNumeric() || literal.code().startsWith("-")
        || !Character.isDigit(literal.code().charAt(0))) {
      return null;
    }
    return new Constant(literal.type(), "-" + literal.code(),
        literal.value() == null ? null : -literal.value());
  }

  private static Double finite(double d) {
    return Double.isFinite(d) ? d : null;
  }

  private static String doubleCode(double d) {
    if (Double.isNaN(d)) {
      return "Double.NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
    }
    return Double.toString(d);
  }
}
