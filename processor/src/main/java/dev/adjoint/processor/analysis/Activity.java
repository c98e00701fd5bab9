package dev.adjoint.processor.analysis;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.rules.DerivativeRules;
import dev.adjoint.processor.rules.DerivativeRules.Flow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Activity analysis: a variable is <em>varied</em> if it depends differentiably on a
 * differentiated parameter and <em>useful</em> if the result depends differentiably on it; only
 * variables that are both (active) get adjoint code. Iterates to a fixed point, so it also holds
 * for loops.
 */
public final class Activity {
  private final Set<Var> varied = new HashSet<>();
  private final Set<Var> useful = new HashSet<>();
  private final List<Problem> problems = new ArrayList<>();

  /** A differentiated value reaching an operation Adjoint cannot differentiate. */
  public record Problem(Assign assign, Kind kind) {
    /** What is wrong with the operation. */
    public enum Kind {
      NO_DERIVATIVE,
      FLOAT
    }
  }

  private Activity() {}

  public static Activity of(Function function) {
    Activity activity = new Activity();
    for (Param param : function.differentiableParams()) {
      activity.varied.add(param.var());
    }
    activity.propagateVariation(function);
    activity.useful.add(function.result());
    activity.propagateUsefulness(function);
    activity.findProblems(function);
    return activity;
  }

  public boolean isActive(Operand operand) {
    return operand instanceof Var v && varied.contains(v) && useful.contains(v);
  }

  public List<Problem> problems() {
    return problems;
  }

  private void propagateVariation(Function function) {
    boolean changed = true;
    while (changed) {
      boolean[] grew = {false};
      Statements.forEachAssign(function.body(), assign -> {
        if (assign.target().type() == Type.DOUBLE && receivesVariation(assign)) {
          grew[0] |= varied.add(assign.target());
        }
      });
      changed = grew[0];
    }
  }

  private void propagateUsefulness(Function function) {
    boolean changed = true;
    while (changed) {
      boolean[] grew = {false};
      Statements.forEachAssign(function.body(), assign -> {
        if (!useful.contains(assign.target())) {
          return;
        }
        var operands = assign.value().operands();
        for (int i = 0; i < operands.size(); i++) {
          if (operands.get(i) instanceof Var v
              && DerivativeRules.flow(assign.value(), i) == Flow.DIFFERENTIABLE) {
            grew[0] |= useful.add(v);
          }
        }
      });
      changed = grew[0];
    }
  }

  private boolean receivesVariation(Assign assign) {
    var operands = assign.value().operands();
    for (int i = 0; i < operands.size(); i++) {
      if (varied.contains(operands.get(i))
          && DerivativeRules.flow(assign.value(), i) == Flow.DIFFERENTIABLE) {
        return true;
      }
    }
    return false;
  }

  private void findProblems(Function function) {
    Statements.forEachAssign(function.body(), assign -> {
      var operands = assign.value().operands();
      for (int i = 0; i < operands.size(); i++) {
        if (!varied.contains(operands.get(i))) {
          continue;
        }
        if (assign.target().type() == Type.FLOAT) {
          problems.add(new Problem(assign, Problem.Kind.FLOAT));
          return;
        }
        if (DerivativeRules.flow(assign.value(), i) == Flow.UNKNOWN) {
          problems.add(new Problem(assign, Problem.Kind.NO_DERIVATIVE));
          return;
        }
      }
    });
  }
}
