/**
 * Forward mode: {@link dev.adjoint.processor.forward.Tangent} turns an {@code ir.Function} into
 * its {@link dev.adjoint.processor.forward.Jvp}, reading the same rules table as the reverse
 * transformation (a rule's seed hole takes an operand's tangent).
 */
package dev.adjoint.processor.forward;
