package dev.adjoint.processor.reverse;

/**
 * A statement of the backward sweep. Passes ask {@link BackStmts} what one reads and writes;
 * {@code emit/} alone turns them into Java.
 */
public sealed interface BackStmt
    permits Accumulate, ZeroInit, BackIf, BackLoop, Reset, Restore, Capture, AddArray,
    PullbackCall, Comment {}
