package dev.adjoint.processor.ir;

/**
 * A line of explanation for the reader of the generated code, after a blank line when
 * {@code blankLineBefore}; does nothing. A null {@code text} is just the blank line.
 */
public record Comment(String text, boolean blankLineBefore) implements Stmt {
  public Comment(String text) {
    this(text, false);
  }

  /** An empty line between two groups of statements. */
  public static Comment blankLine() {
    return new Comment(null, true);
  }
}
