/**
 * What user code imports: {@link dev.adjoint.Differentiable} to mark a method for
 * differentiation and {@link dev.adjoint.GradCheck} to check any gradient against centered
 * finite differences. This module has no dependencies.
 */
package dev.adjoint;
