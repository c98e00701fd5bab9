/**
 * Data-flow analyses over the IR. {@link dev.adjoint.processor.analysis.Activity} takes a {@link
 * dev.adjoint.processor.ir.Function} and gives the variables that need an adjoint (varied and
 * useful, in Tapenade's terms), and the places where a differentiated value reaches an operation
 * without a derivative.
 */
package dev.adjoint.processor.analysis;
