package dev.adjoint.processor.frontend;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;

/**
 * The array a method returns, made the function's result: {@code return out;} of a local array
 * makes {@code out} itself the result (no second name for it, so its adjoint is the seed);
 * {@code return f(...);}, {@code return x.clone();}, {@code return new double[n];} and
 * {@code return new double[] {a, b};} assign a fresh array to the result. Returns in several places are not supported yet (a parameter
 * returned is refused where it is read, as an alias).
 *
 * @param body the body, the returning copy removed
 * @param result the variable holding the array returned
 */
record ReturnedArray(Block body, Var result) {

  /** The settled body and result, or null if the method returns its array another way. */
  static ReturnedArray of(Block body, Var result, List<Param> params) {
    List<Stmt> statements = new ArrayList<>(body.statements());
    int[] assignments = {0};
    Statements.forEachAssign(body, a -> assignments[0] += a.target().equals(result) ? 1 : 0);
    Assign only = statements.stream()
        .filter(s -> s instanceof Assign a && a.target().equals(result))
        .map(Assign.class::cast).findFirst().orElse(null);
    if (assignments[0] != 1 || only == null) {
      return null; // returns in branches or loops
    }
    if (only.value() instanceof Call || only.value() instanceof CloneArray
        || only.value() instanceof NewArray) {
      return new ReturnedArray(body, result); // new double[] {a, b} stores its elements after
    }
    if (statements.get(statements.size() - 1) == only && only.value() instanceof Copy copy
        && copy.a() instanceof Var local && local.type() == result.type()
        && params.stream().noneMatch(p -> p.var().equals(local))) {
      statements.remove(statements.size() - 1);
      return new ReturnedArray(new Block(statements), local);
    }
    return null;
  }
}
