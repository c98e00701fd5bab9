/**
 * The typed three-address IR between the frontend and the sweeps.
 *
 * <p>Takes nothing; gives the vocabulary: every intermediate value is a named {@link
 * dev.adjoint.processor.ir.Var}, every statement computes one value from operands ({@link
 * dev.adjoint.processor.ir.Assign}), and control flow stays structured ({@link
 * dev.adjoint.processor.ir.If}). Outside loops the frontend writes each variable once (SSA
 * versions such as {@code q}, {@code q2}); a value assigned in two branches is declared before
 * them ({@link dev.adjoint.processor.ir.Declare}) and written once on each path.
 */
package dev.adjoint.processor.ir;
