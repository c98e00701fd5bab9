package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Type;

/**
 * {@code type name = code;}: keeps a value the next statements overwrite, or computes again a
 * value of the forward sweep that was not saved.
 */
public record Capture(Type type, String name, String code) implements BackStmt {}
