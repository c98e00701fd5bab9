package dev.adjoint.processor.ir;

/** What an IR operation reads: a variable, or a value fixed at compile time. */
public sealed interface Operand permits Var, Constant {
  Type type();
}
