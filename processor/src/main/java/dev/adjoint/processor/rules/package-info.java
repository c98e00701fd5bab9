/**
 * The one table of local derivatives ({@link dev.adjoint.processor.rules.DerivativeRules}): for
 * each operation, what each operand's adjoint receives. The sweeps and the activity analysis ask
 * this table; no derivative is written anywhere else.
 */
package dev.adjoint.processor.rules;
