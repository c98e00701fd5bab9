package dev.adjoint.processor.reverse;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loops that keep a running maximum, {@code for (i ...) m = Math.max(m, a[i])} (or minimum), as
 * a person differentiates them: the forward sweep notes the index of the element that last won,
 * {@code mAt = m >= a[i] ? mAt : i} (the rules table's tie rule: {@code max} routes to its first
 * operand when {@code m >= a[i]}), and the backward pass adds the running value's adjoint to that
 * one element, {@code if (mAt >= 0) da[mAt] += dm}, or leaves it to the value before the loop when
 * no element won. Routing step by step backward gives the same: each step passes the adjoint on
 * to the old value until the last step whose element won, which takes it all. So nothing is
 * saved per step (the old values of {@code m}) and the backward pass does not loop.
 *
 * <p>The loop's body must be exactly {@code t = a[i]; m = Math.max(m, t)} ({@code min} alike),
 * {@code i} its counter (the last index; any before it constants or counters of loops around,
 * {@code x[r][j]}), {@code t} read nowhere else, {@code m} a {@code double} that is active
 * and lives outside the loop, {@code a} an array never made anew.
 */
final class RunningExtremes {
  /**
   * A loop's running value, the array it reads, the index of the element that won, the indices
   * of that element ({@code [r, mAt]} for {@code m = Math.max(m, x[r][j])}), and the step
   * {@code m = Math.max(m, t)} itself.
   */
  record Extreme(Var value, Var array, Var winner, List<Operand> element, Assign step) {}

  private final Function function;
  private final LoopFacts loops;
  private final Activity activity;
  private final Map<Loop, Extreme> found = new IdentityHashMap<>();

  private RunningExtremes(Function function, Activity activity) {
    this.function = function;
    this.loops = LoopFacts.of(function);
    this.activity = activity;
  }

  /** The function rewritten to note the winners, and its loops that do. */
  record Rewritten(Function function, Map<Loop, Extreme> loops) {}

  static Rewritten of(Function function, Activity activity) {
    RunningExtremes pass = new RunningExtremes(function, activity);
    Block body = pass.rewrite(function.body());
    return pass.found.isEmpty() ? new Rewritten(function, Map.of())
        : new Rewritten(new Function(function.name(), function.params(), function.result(), body,
            function.names()), pass.found);
  }

  private Block rewrite(Block block) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      Stmt mapped = Statements.mapBlocks(stmt, this::rewrite);
      if (stmt instanceof Loop loop && extreme(loop) != null) {
        Assign read = (Assign) loop.body().statements().get(0);
        Assign step = (Assign) loop.body().statements().get(1);
        Var value = step.target();
        Var winner = new Var(function.names().fresh(value.name() + "At"), Type.INT);
        Var wins = new Var(function.names().numbered("t"), Type.BOOLEAN);
        boolean max = ((MathCall) step.value()).function().equals("max");
        out.add(new Assign(winner, new Copy(Constant.integer(-1)), loop.origin()));
        Loop noting = loop.withBody(new Block(List.of(read,
            new Assign(wins, new Binary(max ? Binary.Op.GE : Binary.Op.LE, value,
                read.target()), step.origin()),
            new Assign(winner, new Select(wins, winner, loop.counted().index()), step.origin()),
            step)));
        Load load = (Load) read.value();
        List<Operand> element = new ArrayList<>(load.indices());
        element.set(element.size() - 1, winner);
        found.put(noting, new Extreme(value, load.array(), winner, element, step));
        out.add(noting);
      } else {
        out.add(mapped);
      }
    }
    return ScratchRows.sameStatements(out, block) ? block : new Block(out);
  }

  /** The running value of {@code loop} if it is a running maximum or minimum; else null. */
  private Var extreme(Loop loop) {
    List<Stmt> body = loop.body().statements();
    if (loop.counted() == null || body.size() != 2
        || !(body.get(0) instanceof Assign read && read.value() instanceof Load load
            && load.indices().get(load.indices().size() - 1).equals(loop.counted().index())
            && load.indices().subList(0, load.indices().size() - 1).stream()
                .allMatch(i -> i instanceof Constant || i instanceof Var v && loops.isCounter(v)
                    && loops.loopsAround(loop).stream()
                        .anyMatch(l -> l.counted() != null && l.counted().index().equals(i))))
        || !(body.get(1) instanceof Assign step && step.value() instanceof MathCall call
            && call.owner().equals("Math")
            && (call.function().equals("max") || call.function().equals("min"))
            && call.args().equals(List.of(step.target(), read.target())))) {
      return null;
    }
    Var value = ((Assign) body.get(1)).target();
    Var element = read.target();
    Var array = load.array();
    boolean[] elsewhere = {false};
    Statements.forEach(function.body(), stmt -> elsewhere[0] |= stmt != read && stmt != step
        && Statements.vars(stmt).contains(element));
    return value.type() == Type.DOUBLE && element.type() == Type.DOUBLE && !elsewhere[0]
        && loops.assignments(element) == 1 && loops.assignments(array) <= 1
        && loops.home(value) != loop.body() && activity.isActive(value) ? value : null;
  }
}
