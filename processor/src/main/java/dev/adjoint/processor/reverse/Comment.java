package dev.adjoint.processor.reverse;

/** A line of explanation for the reader of the generated code; does nothing. */
public record Comment(String text) implements BackStmt {}
