package dev.adjoint.processor.reverse;

import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.plan.DerivativeSignature;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A differentiated method: the primal (its body is the forward sweep) and where its statements
 * sit, the backward sweep, the
 * adjoint of each differentiated parameter that receives contributions, the forward variables
 * the backward sweep reads, the statements whose overwritten value the forward sweep pushes,
 * the trip counters of loops, the buffers (name and length) that receive the scalar adjoints of
 * calls' arguments, the shadow adjoints of arrays that are assigned to one another (allocated
 * and assigned along with them in the forward sweep), the loops whose backward pass runs inside
 * them ({@link Fusion}), the calling convention and the tapes' names.
 */
public record Adjoint(Function primal, LoopFacts loops, DerivativeSignature signature,
    List<Stmt> backward,
    Map<Var, Var> paramAdjoints, Set<Var> readByBackward, Set<Stmt> pushed,
    Map<Loop, Trips> trips, Map<Var, Integer> scratch, Map<Var, Var> shadows,
    Map<Loop, FusedLoop> fused, TapeNames tapes) {
  public Adjoint {
    backward = List.copyOf(backward);
  }

  /** The counter of a loop that is not counted, and whether it goes on the tape. */
  public record Trips(String name, boolean onTape) {}

  /**
   * The names of the pullback's tapes, and of the locals that hold the doubles' and ints' arrays
   * and tops while it runs.
   */
  public record TapeNames(String doubleTape, String intTape, String referenceTape,
      String doubleValues, String doubleTop, String intValues, String intTop) {}
}
