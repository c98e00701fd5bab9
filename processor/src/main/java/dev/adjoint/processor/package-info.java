/**
 * Adjoint's annotation processor. {@link dev.adjoint.processor.DifferentiableProcessor} only
 * orchestrates the pipeline, a package per stage. Every stage after the frontend takes and gives
 * IR ({@code ir/}): the primal, the sweeps and the rules are all made of the same statements and
 * expressions, and only {@code emit/} knows Java's syntax.
 *
 * <pre>
 *  javac trees of a method (Tree API, typed by javac)
 *     │ frontend/   reads and lowers the body; every unsupported construct is an error at its tree
 *     ▼
 *  ir.Function             the primal: three-address, typed, SSA outside loops
 *     │ analysis/   Activity (varied and useful), LoopFacts (where each variable and statement sits)
 *     │ plan/       DerivativeSignature: the calling convention and names of each derivative
 *     │ rules/      DerivativeRules: per operation, each operand's partial as IR with a hole for
 *     │             the seed (the one table; linear in the seed, so it serves tangents too)
 *     ▼
 *  reverse.Adjoint         reverse/ReverseSweep: the backward sweep (ir.Stmt), what it reads,
 *     │                    what the forward sweep must push (to-be-recorded), trip counters, the
 *     │                    passes Recomputation, ElementSums and Fusion applied
 *     ▼
 *  reverse.Pullback        reverse/Taping: the pullback as one IR body: taping forward sweep
 *     │                    (Push, declarations, fused loops), backward sweep, scalar adjoints out
 *     │   forward.Jvp      forward/Tangent, beside it from the same ir.Function: each statement
 *     │                    followed by its tangent, the rules' seed hole taking the tangents
 *     ▼
 *  Java source             emit/JavaPrinter prints statements and expressions; emit/GradWriter
 *                          writes &lt;Class&gt;Grad (the public API, from signatures alone) and
 *                          &lt;Class&gt;Sweeps (the pullbacks) with JavaPoet
 * </pre>
 *
 * {@code diagnostics/} holds the catalogue of every message a user can see. A mode is a
 * transformation from {@code ir.Function} to a value like {@link
 * dev.adjoint.processor.reverse.Pullback} or {@link dev.adjoint.processor.forward.Jvp} (a
 * {@link dev.adjoint.processor.plan.DerivativeSignature} and a body), reading the same rules
 * table, plus its part of the API writer: the printer does not change. Second order and vector
 * outputs come the same way.
 *
 * <p>Nothing here is API: users import only {@code dev.adjoint}.
 */
package dev.adjoint.processor;
