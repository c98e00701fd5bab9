package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Var;

/**
 * {@code target[k] += source[k]} for every k: the adjoint of {@code clone()}; {@code target} is an
 * adjoint array, or the row of one.
 */
public record AddArray(Operand target, Var source) implements BackStmt {}
