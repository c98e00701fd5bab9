package dev.adjoint.processor.ir;

/**
 * A statement of the IR: of the primal ({@link Assign}, {@link Declare}, {@link Store}, {@link
 * If}, {@link Loop}, {@link Break}), or of a sweep, which uses those too and adds what
 * differentiating needs: contributions to adjoints ({@link Accumulate}, {@link AddArray}),
 * cleared buffers ({@link ZeroFill}), the tape ({@link OpenTape}, {@link Push}, {@link Pop};
 * {@link Reserve}, {@link Settle} and {@link Reload} for a tape kept in locals),
 * loops run backward ({@link ReverseLoop}), calls of derivatives ({@link DerivativeCall}) and
 * notes for the reader ({@link Comment}).
 */
public sealed interface Stmt permits Assign, Declare, If, Store, Loop, Break, Accumulate,
    AddArray, ZeroFill, OpenTape, Push, Pop, Reserve, Settle, Reload, ReverseLoop, DerivativeCall,
    Comment {}
