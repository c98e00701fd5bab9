/**
 * The only code that touches JavaPoet: {@link dev.adjoint.processor.emit.GradWriter} takes the
 * differentiated methods of one class and gives {@code <Class>Grad.java}, formatted, commented
 * with the source line of each block, deterministic.
 */
package dev.adjoint.processor.emit;
