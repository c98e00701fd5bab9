/**
 * Analyses over the IR, computed once and consulted by the transformations. {@link
 * dev.adjoint.processor.analysis.Activity} gives the variables that need an adjoint (varied and
 * useful, in Tapenade's terms) and the places where a differentiated value reaches an operation
 * without a derivative, leaving out the shift a log-sum-exp subtracts and adds back, which
 * cancels ({@link dev.adjoint.processor.analysis.ShiftedLogSumExps});
 * {@link dev.adjoint.processor.analysis.LoopFacts} where each variable and
 * statement sits (home blocks, loops around, assignments in loops).
 */
package dev.adjoint.processor.analysis;
