package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.Var;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A differentiated method: the primal (its body is the forward sweep), the backward sweep, the
 * adjoint local of each differentiated parameter that receives contributions, the forward
 * variables the backward sweep reads, and the names of the pullback's seed parameter and of the
 * buffer it accumulates scalar parameters' adjoints in.
 */
public record Adjoint(Function primal, List<BackStmt> backward, Map<Var, String> paramAdjoints,
    Set<Var> readByBackward, String seed, String buffer) {
  public Adjoint {
    backward = List.copyOf(backward);
    paramAdjoints = Map.copyOf(paramAdjoints);
    readByBackward = Set.copyOf(readByBackward);
  }
}
