/**
 * What the generated code is called and how it is called: {@link
 * dev.adjoint.processor.plan.DerivativeSignature} (the calling convention of a derivative and its
 * names) and {@link dev.adjoint.processor.plan.GeneratedNames} (generated classes and records).
 * Read by the frontend (calls of other methods' derivatives, custom gradients), the
 * transformations and the writers, so that they always agree.
 */
package dev.adjoint.processor.plan;
