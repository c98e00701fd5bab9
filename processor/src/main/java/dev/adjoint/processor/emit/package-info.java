/**
 * Java source, the only package that knows Java's syntax and touches JavaPoet. {@link
 * dev.adjoint.processor.emit.JavaPrinter} prints IR statements and expressions and decides
 * nothing; {@link dev.adjoint.processor.emit.GradWriter} writes {@code <Class>Grad.java} (the
 * public API, from the methods' signatures and their {@link
 * dev.adjoint.processor.plan.DerivativeSignature}) and {@code <Class>Sweeps.java} (each {@link
 * dev.adjoint.processor.reverse.Pullback}), formatted, commented with the source line of each
 * block, deterministic.
 */
package dev.adjoint.processor.emit;
