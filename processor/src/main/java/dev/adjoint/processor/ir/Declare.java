package dev.adjoint.processor.ir;

/**
 * Declares a variable here that the nested blocks after it assign (a value merged from two
 * branches, or the result of a method that returns from inside branches).
 */
public record Declare(Var var) implements Stmt {}
