package dev.adjoint.processor.frontend;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Loop;
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
 * {@code return new double[] {a, b};} assign a fresh array to the result. Where the method
 * returns in several places, a local returned is copied ({@code return out.clone();}), since
 * the result then has several sources. (A parameter returned is refused where it is read, as
 * an alias.)
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
      // returns in several places: each gives a new array (a local returned is copied)
      Block copied = copiedReturns(body, result, params);
      return copied == null ? null : new ReturnedArray(copied, result);
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

  /**
   * {@code body} with each {@code result = local} made {@code result = local.clone()}, or null
   * if a return gives something else than a new array or a local one.
   */
  private static Block copiedReturns(Block body, Var result, List<Param> params) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : body.statements()) {
      if (stmt instanceof Assign assign && assign.target().equals(result)) {
        Expr value = assign.value();
        if (value instanceof Copy copy && copy.a() instanceof Var local
            && local.type() == result.type()
            && params.stream().noneMatch(p -> p.var().equals(local))) {
          out.add(new Assign(result, new CloneArray(local), assign.origin()));
        } else if (value instanceof Call || value instanceof CloneArray
            || value instanceof NewArray) {
          out.add(stmt);
        } else {
          return null;
        }
      } else if (stmt instanceof If branch) {
        Block then = copiedReturns(branch.then(), result, params);
        Block otherwise = copiedReturns(branch.otherwise(), result, params);
        if (then == null || otherwise == null) {
          return null;
        }
        out.add(new If(branch.condition(), then, otherwise, branch.origin()));
      } else if (stmt instanceof Loop loop) {
        Block header = copiedReturns(loop.header(), result, params);
        Block loopBody = copiedReturns(loop.body(), result, params);
        if (header == null || loopBody == null) {
          return null;
        }
        out.add(new Loop(header, loop.test(), loopBody, loop.testAtEnd(), loop.counted(),
            loop.origin()));
      } else {
        out.add(stmt);
      }
    }
    return new Block(out);
  }
}
