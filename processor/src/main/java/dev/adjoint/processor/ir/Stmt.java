package dev.adjoint.processor.ir;

/** A statement of the IR. */
public sealed interface Stmt permits Assign, Declare, If, Store, Loop, Break {}
