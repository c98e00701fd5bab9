package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Var;

/**
 * {@code type target = value}: keeps a value the next statements overwrite, or computes again a
 * value of the forward sweep that was not saved.
 */
public record Capture(Var target, Expr value) implements BackStmt {}
