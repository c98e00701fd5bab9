package dev.adjoint.processor.ir;

/**
 * A value that never varies: a literal ({@code 2}, {@code 0.5}) or a constant field
 * ({@code Math.PI}, {@code Circuits.SCALE}), kept as the Java source that denotes it, with its
 * numeric value when it is a number literal (null for a field, a boolean, a non-finite value).
 */
public record Constant(Type type, String code, Double value) implements Operand {
  /** The double zero, {@code 0.0}. */
  public static final Constant ZERO = number(0.0);
  public static final Constant TRUE = new Constant(Type.BOOLEAN, "true");
  public static final Constant FALSE = new Constant(Type.BOOLEAN, "false");

  /** A constant without a known numeric value (a field, a boolean). */
  public Constant(Type type, String code) {
    this(type, code, null);
  }

  /** A double literal, written as a person would: {@code 2} for 2.0, else {@code 0.5}. */
  public static Constant number(double value) {
    String code = value == Math.rint(value) && Math.abs(value) < 1e15 && value != 0
        ? Long.toString((long) value) : Double.toString(value);
    return new Constant(Type.DOUBLE, code, value);
  }

  /** An int literal. */
  public static Constant integer(int value) {
    return new Constant(Type.INT, Integer.toString(value), (double) value);
  }

  /** True if this is a number literal equal to {@code x}. */
  public boolean is(double x) {
    return value != null && value == x;
  }

  @Override
  public String toString() {
    return code;
  }
}
