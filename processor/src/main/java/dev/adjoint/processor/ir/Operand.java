package dev.adjoint.processor.ir;

/**
 * What an IR operation reads: a variable, a value fixed at compile time, or (in the sweeps only)
 * the value of an operation nested in place.
 */
public sealed interface Operand permits Var, Constant, Nested {
  Type type();
}
