/**
 * The typed IR every stage after the frontend takes and gives.
 *
 * <p><b>The primal.</b> The frontend gives a {@link dev.adjoint.processor.ir.Function}: every
 * intermediate value is a named {@link dev.adjoint.processor.ir.Var}, every statement computes
 * one value from operands ({@link dev.adjoint.processor.ir.Assign}), and control flow stays
 * structured ({@link dev.adjoint.processor.ir.If}, {@link dev.adjoint.processor.ir.Loop}).
 * Outside loops the frontend writes each variable once (SSA versions such as {@code q},
 * {@code q2}); a value assigned in two branches is declared before them ({@link
 * dev.adjoint.processor.ir.Declare}) and written once on each path.
 *
 * <p><b>The sweeps</b> use the same statements and add what differentiating needs ({@link
 * dev.adjoint.processor.ir.Stmt} lists them): contributions to adjoints, the tape, loops run
 * backward, calls of derivatives. Their operands may be operations written in place ({@link
 * dev.adjoint.processor.ir.Nested}, built with {@link dev.adjoint.processor.ir.Terms}), so that
 * {@code dx += Math.cos(x) * g} is one statement, as a person writes it. Passes ask statements
 * what they name ({@link dev.adjoint.processor.ir.Statements}, {@link
 * dev.adjoint.processor.ir.Exprs}); nothing here is text but constants' source and names.
 */
package dev.adjoint.processor.ir;
