package dev.adjoint.processor.ir;

/** {@code target = value}; the statement that defines one version of a variable. */
public record Assign(Var target, Expr value, Origin origin) implements Stmt, Located {}
