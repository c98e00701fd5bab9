/**
 * The one table of local derivatives ({@link dev.adjoint.processor.rules.DerivativeRules}): for
 * each operation, what each operand receives, as an IR expression with a hole for the seed. The
 * sweeps and the activity analysis ask this table; no derivative is written anywhere else.
 */
package dev.adjoint.processor.rules;
