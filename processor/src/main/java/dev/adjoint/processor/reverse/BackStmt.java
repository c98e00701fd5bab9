package dev.adjoint.processor.reverse;

/** A statement of the backward sweep. */
public sealed interface BackStmt
    permits Accumulate, ZeroInit, BackIf, BackLoop, Reset, Restore, Capture, AddArray,
    Code {}
