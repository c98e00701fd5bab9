/**
 * Forward mode: {@link dev.adjoint.processor.forward.Tangent} turns an {@code ir.Function} into
 * its {@link dev.adjoint.processor.forward.Jvp}, reading the same rules table as the reverse
 * transformation (a rule's seed hole takes an operand's tangent), and a pullback into its
 * {@link dev.adjoint.processor.forward.Hvp}, forward over reverse;
 * {@link dev.adjoint.processor.forward.GivenTangents} has an HVP call a same-class layer's HVP
 * given the value and tangent it holds.
 */
package dev.adjoint.processor.forward;
