package dev.adjoint.processor.reverse;

/** {@code double name = code;}: keeps a value the next statements overwrite. */
public record Capture(String name, String code) implements BackStmt {}
