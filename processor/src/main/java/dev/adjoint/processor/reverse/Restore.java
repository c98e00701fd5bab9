package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Type;

/** {@code target = tape.pop();}: puts back a value the forward sweep pushed before overwriting. */
public record Restore(String target, Type type) implements BackStmt {}
