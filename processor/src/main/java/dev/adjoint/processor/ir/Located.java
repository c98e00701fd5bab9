package dev.adjoint.processor.ir;

/** A statement that comes from a source statement, named in a comment above its code. */
public interface Located {
  /** The source statement, or null for one the transformations made up. */
  Origin origin();
}
