package dev.adjoint.processor.ir;

import javax.lang.model.type.TypeMirror;

/**
 * A parameter of the differentiated method: its variable, its declared type (for the generated
 * signatures) and whether the gradient includes it.
 */
public record Param(Var var, TypeMirror declaredType, boolean differentiable) {}
