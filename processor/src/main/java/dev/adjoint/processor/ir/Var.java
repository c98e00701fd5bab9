package dev.adjoint.processor.ir;

/**
 * A named value of the generated code: a parameter, one SSA version of a user's local, or a
 * temporary for an intermediate result. Names are unique within a generated method.
 */
public record Var(String name, Type type) implements Operand {
  @Override
  public String toString() {
    return name;
  }
}
