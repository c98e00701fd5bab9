package dev.adjoint.processor.forward;

import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.plan.DerivativeSignature;

/**
 * A method's JVP as one IR function: the primal's parameters, a tangent per differentiated
 * parameter and {@code tangentOut}; a body that runs the primal with each tangent beside its
 * value and writes the result's tangent into {@code tangentOut[0]}; the primal's result returned.
 *
 * @param unsupported what the transformation cannot differentiate forward yet, or null: then the
 *     JVP is not generated and says so when called
 */
public record Jvp(Function primal, DerivativeSignature signature, Block body, String unsupported) {}
