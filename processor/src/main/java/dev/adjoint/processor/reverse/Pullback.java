package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.plan.DerivativeSignature;
import java.util.Map;

/**
 * A differentiated method as one IR function: the primal's parameters, then the seed and the
 * adjoint buffers; a body that runs the taping forward sweep, then the backward sweep, then adds
 * the scalar parameters' adjoints into their buffer; the primal's result returned.
 *
 * @param signature the calling convention and the names of the seed and buffers
 * @param tapes the tapes' names
 * @param paramAdjoints the adjoint of each differentiated parameter that receives contributions
 *     (the buffer parameter of an array, a local of a scalar)
 * @param returned what the pullback returns: the result, or a copy of a vector result taken
 *     before the backward sweep restores elements of it
 */
public record Pullback(Function primal, DerivativeSignature signature, Adjoint.TapeNames tapes,
    Map<Var, Var> paramAdjoints, Block body, Var returned) {
  /**
   * The same pullback with another body: what a pass over the printed pullback gives (itself
   * when the pass gave the same body back).
   */
  public Pullback withBody(Block newBody) {
    return newBody == body ? this
        : new Pullback(primal, signature, tapes, paramAdjoints, newBody, returned);
  }
}
