package dev.adjoint.processor.ir;

/**
 * Declares a variable: {@code type var;} in the primal, where nested blocks after it assign it
 * (a value merged from two branches, or the result of a method that returns from inside
 * branches); {@code type var = init;} in the sweeps.
 *
 * @param init the initial value, or null
 * @param origin the source statement, or null
 */
public record Declare(Var var, Expr init, Origin origin) implements Stmt, Located {
  /** {@code type var;}. */
  public Declare(Var var) {
    this(var, null, null);
  }

  /** {@code type var = init;} without a source line. */
  public Declare(Var var, Expr init) {
    this(var, init, null);
  }
}
