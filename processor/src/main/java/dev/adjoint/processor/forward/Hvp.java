package dev.adjoint.processor.forward;

import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.plan.HvpSignature;
import dev.adjoint.processor.reverse.Pullback;

/**
 * A method's Hessian-vector product as one IR function, the tangent of its {@link Pullback}:
 * the pullback's parameters and a tangent for each that carries one; a body that runs the
 * pullback's sweeps with each derivative-carrying value's tangent beside it (pushed and popped
 * with it); the primal's result returned.
 *
 * @param names the names its body uses, from which passes over it take new ones
 * @param unsupported what cannot be differentiated twice, or null: then the HVP is not generated
 *     and says so when called
 */
public record Hvp(Pullback pullback, HvpSignature signature, Block body, NameScope names,
    String unsupported) {
  /** The same HVP with another body. */
  public Hvp withBody(Block newBody) {
    return new Hvp(pullback, signature, newBody, names, unsupported);
  }
}
