package dev.adjoint.processor.analysis;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.AddArray;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.rules.DerivativeRules;
import dev.adjoint.processor.rules.DerivativeRules.Flow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Activity over any IR, a sweep's statements and nested operations included, for the tangent of
 * a pullback: a variable is varied if a derivative flows into it from {@code inputs}, useful if
 * one flows from it into {@code outputs}, active if both. Flow-insensitive (one fact per
 * variable for the whole body), which is exact enough because every variable of a sweep has one
 * meaning; an adjoint flows into a value ({@code dx += cos(x) * dy}) from every variable it
 * reads; a pullback called adds into its buffers from all its arguments; a row and its matrix,
 * and two names of one array, are one variable.
 */
public final class SweepActivity {
  private final Map<Var, Set<Var>> forward = new HashMap<>();
  private final Map<Var, Set<Var>> backward = new HashMap<>();
  private final Set<Var> varied = new HashSet<>();
  private final Set<Var> useful = new HashSet<>();

  private SweepActivity() {}

  /** The activity of {@code body} from {@code inputs} to {@code outputs}. */
  public static SweepActivity of(Block body, Set<Var> inputs, Set<Var> outputs) {
    SweepActivity activity = new SweepActivity();
    Statements.forEach(body, activity::edges);
    activity.spread(inputs, activity.forward, activity.varied);
    activity.spread(outputs, activity.backward, activity.useful);
    return activity;
  }

  public boolean isActive(Operand operand) {
    return operand instanceof Var v && varied.contains(v) && useful.contains(v);
  }

  private void edges(dev.adjoint.processor.ir.Stmt stmt) {
    if (stmt instanceof Assign assign) {
      value(assign.target(), assign.value());
    } else if (stmt instanceof Declare declare && declare.init() != null) {
      value(declare.var(), declare.init());
    } else if (stmt instanceof Store store) {
      edges(Exprs.vars(store.value()), store.array());
    } else if (stmt instanceof Accumulate add) {
      edges(Exprs.vars(add.value()), add.target());
    } else if (stmt instanceof AddArray add) {
      Exprs.vars(add.target()).forEach(target -> edge(add.source(), target));
    } else if (stmt instanceof DerivativeCall call && call.callee() != null) {
      int buffers = call.callee().signature().params().size() + 1;
      Set<Var> read = Exprs.vars(call.arguments());
      for (Operand buffer : call.arguments().subList(buffers, call.arguments().size())) {
        Exprs.vars(buffer).forEach(v -> edges(read, v)); // a buffer, or the row of one
      }
    }
  }

  private void value(Var target, Expr value) {
    List<Operand> carriers = new ArrayList<>();
    if (value instanceof Select select) {
      carriers.add(select.then());
      carriers.add(select.otherwise());
    } else {
      for (int i = 0; i < value.operands().size(); i++) {
        Operand operand = value.operands().get(i);
        if (operand instanceof Nested || DerivativeRules.flow(value, i) == Flow.DIFFERENTIABLE) {
          carriers.add(operand);
        }
      }
    }
    edges(Exprs.vars(carriers), target);
    if (target.type().isArray() && (value instanceof Copy || value instanceof Load)
        && value.operands().get(0) instanceof Var array) {
      edge(target, array); // one array under two names: a write through either is both's
    }
  }

  private void edges(Set<Var> sources, Var target) {
    sources.forEach(source -> edge(source, target));
  }

  private void edge(Var source, Var target) {
    if (target.type() != Type.DOUBLE && !target.type().isDoubleArray()) {
      return; // an index: no derivative flows into it
    }
    forward.computeIfAbsent(source, v -> new HashSet<>()).add(target);
    backward.computeIfAbsent(target, v -> new HashSet<>()).add(source);
  }

  private void spread(Set<Var> from, Map<Var, Set<Var>> edges, Set<Var> marked) {
    List<Var> work = new ArrayList<>(from);
    marked.addAll(from);
    while (!work.isEmpty()) {
      Var v = work.remove(work.size() - 1);
      for (Var next : edges.getOrDefault(v, Set.of())) {
        if (marked.add(next)) {
          work.add(next);
        }
      }
    }
  }
}
