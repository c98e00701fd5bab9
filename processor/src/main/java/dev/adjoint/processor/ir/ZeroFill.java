package dev.adjoint.processor.ir;

/**
 * Sets every element of {@code array} to zero, {@code java.util.Arrays.fill(array, 0.0)}
 * ({@code Shapes.zero(m)} for a matrix, row by row): an
 * adjoint buffer made once before a loop and cleared at the start of each iteration, so that its
 * variable never changes inside the loop (the JIT then keeps the array's checks out of the inner
 * loops, which it does not when the buffer is assigned anew in each iteration); {@code origin}
 * the source statement that made the array in each iteration, or null.
 */
public record ZeroFill(Var array, Origin origin) implements Stmt, Located {
  /** A clearing the transformations made up. */
  public ZeroFill(Var array) {
    this(array, null);
  }
}
