package dev.adjoint.processor.reverse;

/** One statement of generated code, such as the call of a callee's pullback. */
public record Code(String statement) implements BackStmt {}
