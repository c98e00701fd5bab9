/**
 * The reverse transformation. {@link dev.adjoint.processor.reverse.ReverseSweep} takes a {@link
 * dev.adjoint.processor.ir.Function} (whose body is the forward sweep) and its {@link
 * dev.adjoint.processor.analysis.Activity}, and gives the backward sweep: the statements of the
 * body visited in reverse, one adjoint per active variable, each operand's adjoint receiving the
 * contribution the rules table gives. Branches are replayed from their recorded condition, which
 * the forward sweep never overwrites (SSA outside loops).
 */
package dev.adjoint.processor.reverse;
