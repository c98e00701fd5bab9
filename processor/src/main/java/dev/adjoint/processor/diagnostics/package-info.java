/**
 * Everything Adjoint can tell a user, in one catalogue ({@link
 * dev.adjoint.processor.diagnostics.Message}), and the {@link
 * dev.adjoint.processor.diagnostics.Reporter} that puts each message on the offending tree or
 * element.
 */
package dev.adjoint.processor.diagnostics;
