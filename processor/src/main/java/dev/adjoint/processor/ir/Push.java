package dev.adjoint.processor.ir;

/**
 * Saves {@code value} on its type's tape, before the forward sweep overwrites it; {@code origin}
 * is the statement that overwrites it.
 */
public record Push(Operand value, Origin origin) implements Stmt, Located {
  public Tape tape() {
    return Tape.of(value.type());
  }
}
