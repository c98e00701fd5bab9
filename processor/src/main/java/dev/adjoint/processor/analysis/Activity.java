package dev.adjoint.processor.analysis;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.rules.DerivativeRules;
import dev.adjoint.processor.rules.DerivativeRules.Flow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Activity analysis: a variable is <em>varied</em> if it depends differentiably on a
 * differentiated parameter and <em>useful</em> if the result depends differentiably on it; only
 * variables that are both (active) get adjoint code. An array is one variable: it is varied if
 * any differentiated value is stored into it. Iterates to a fixed point, so it holds for loops.
 * The shift of a log-sum-exp carries no derivative where it cancels ({@link ShiftedLogSumExps}).
 */
public final class Activity {
  private final Set<Var> varied = new HashSet<>();
  private final Set<Var> useful = new HashSet<>();
  private final List<Problem> problems = new ArrayList<>();

  /** A differentiated value reaching an operation Adjoint cannot differentiate. */
  public record Problem(Assign assign, Kind kind, int operand) {
    /** What is wrong with the operation. */
    public enum Kind {
      NO_DERIVATIVE,
      FLOAT
    }
  }

  /** One way a derivative flows: from {@code source} into {@code target}. */
  private record Edge(Var source, Var target) {}

  private Activity() {}

  public static Activity of(Function function) {
    Activity activity = new Activity();
    List<Edge> edges = edges(function);
    for (Param param : function.differentiableParams()) {
      activity.varied.add(param.var());
    }
    fixpoint(edges, activity.varied, false);
    activity.useful.add(function.result());
    fixpoint(edges, activity.useful, true);
    activity.findProblems(function);
    return activity;
  }

  public boolean isActive(Operand operand) {
    return operand instanceof Var v && varied.contains(v) && useful.contains(v);
  }

  public List<Problem> problems() {
    return problems;
  }

  private static List<Edge> edges(Function function) {
    List<Edge> edges = new ArrayList<>();
    Map<Assign, Integer> shifts = ShiftedLogSumExps.of(function);
    Statements.forEach(function.body(), stmt -> {
      if (stmt instanceof Assign assign && carriesDerivative(assign.target().type())) {
        var operands = assign.value().operands();
        for (int i = 0; i < operands.size(); i++) {
          if (operands.get(i) instanceof Var v
              && DerivativeRules.flow(assign.value(), i) == Flow.DIFFERENTIABLE
              && !Integer.valueOf(i).equals(shifts.get(assign))) {
            edges.add(new Edge(v, assign.target()));
            if (assign.value() instanceof dev.adjoint.processor.ir.Copy
                && v.type().isDoubleArray()) {
              edges.add(new Edge(assign.target(), v)); // aliases: a write through one is both's
            }
          }
        }
      } else if (stmt instanceof Store store && store.value() instanceof Var v
          && v.type() == Type.DOUBLE) {
        edges.add(new Edge(v, store.array()));
      }
    });
    return edges;
  }

  /** True for the types a derivative flows into: {@code double} and its arrays. */
  static boolean carriesDerivative(Type type) {
    return type == Type.DOUBLE || type.isDoubleArray();
  }

  private static void fixpoint(List<Edge> edges, Set<Var> marked, boolean backward) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Edge edge : edges) {
        Var from = backward ? edge.target() : edge.source();
        Var to = backward ? edge.source() : edge.target();
        if (marked.contains(from)) {
          changed |= marked.add(to);
        }
      }
    }
  }

  /**
   * An int, long or boolean result computed from double values only (no array the callee could
   * write into): piecewise constant, so its derivative is zero, as a cast to int's is.
   */
  private boolean integralOfScalars(Assign assign) {
    if (!java.util.EnumSet.of(Type.INT, Type.LONG, Type.SHORT, Type.BYTE, Type.CHAR,
        Type.BOOLEAN).contains(assign.target().type())) {
      return false;
    }
    for (Operand operand : assign.value().operands()) {
      if (varied.contains(operand) && ((Var) operand).type() != Type.DOUBLE) {
        return false;
      }
    }
    return true;
  }

  private void findProblems(Function function) {
    Statements.forEachAssign(function.body(), assign -> {
      var operands = assign.value().operands();
      for (int i = 0; i < operands.size(); i++) {
        if (!varied.contains(operands.get(i))) {
          continue;
        }
        if (assign.target().type() == Type.FLOAT) {
          problems.add(new Problem(assign, Problem.Kind.FLOAT, i));
          return;
        }
        if (DerivativeRules.flow(assign.value(), i) == Flow.UNKNOWN
            && !integralOfScalars(assign)) {
          problems.add(new Problem(assign, Problem.Kind.NO_DERIVATIVE, i));
          return;
        }
      }
    });
  }
}
