package dev.adjoint.processor.ir;

/**
 * A value that never varies: a literal ({@code 2}, {@code 0.5}) or a constant field
 * ({@code Math.PI}, {@code Circuits.SCALE}), kept as the Java source that denotes it.
 */
public record Constant(Type type, String code) implements Operand {
  @Override
  public String toString() {
    return code;
  }
}
