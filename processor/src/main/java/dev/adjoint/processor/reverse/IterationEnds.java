package dev.adjoint.processor.reverse;

import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An integer that each iteration of a loop sets to the same value and then only counts up or
 * down in loops of fixed trip counts (GMM's {@code int lparamsidx = d;} then
 * {@code lparamsidx++} in the triangle): it ends every iteration at the same value. The backward
 * pass of an iteration, which undoes the counting down to the value set, then puts back the end
 * value the loop's last iteration left, kept once after the loop ({@code lparamsidxEnd =
 * lparamsidx}), instead of popping the value each iteration overwrote.
 *
 * <p>Conditions, for {@code v = e} directly in a counted loop's body: {@code v} an inactive
 * {@code int} declared in that body, {@code e} a constant or a value the loop does not assign;
 * every other assignment of {@code v} a later {@code v = v + c} or {@code v = v - c} with a
 * constant {@code c}, outside branches, inside counted loops only, whose bounds are the same in
 * every iteration: constants, values the outer loop does not assign, counters of those loops,
 * or arithmetic on them assigned once in the body.
 */
final class IterationEnds {
  private final Function function;
  private final LoopFacts loops;
  /** Per reset, the variable that keeps the end value. */
  private final Map<Assign, Var> ends = new IdentityHashMap<>();
  /** Per loop, the statements to add after it. */
  private final Map<Loop, List<Stmt>> after = new IdentityHashMap<>();

  /** The function with the end values kept, and the resets they undo. */
  record Rewritten(Function function, Map<Assign, Var> ends) {}

  private IterationEnds(Function function) {
    this.function = function;
    this.loops = LoopFacts.of(function);
  }

  /** {@code function} with the end values of those of {@code resets} that qualify kept. */
  static Rewritten of(Function function, Set<Assign> resets) {
    IterationEnds pass = new IterationEnds(function);
    resets.stream().sorted(Comparator.comparingInt(pass.loops::position))
        .forEach(pass::consider); // in program order: the names do not vary from run to run
    if (pass.ends.isEmpty()) {
      return new Rewritten(function, Map.of());
    }
    return new Rewritten(new Function(function.name(), function.params(), function.result(),
        pass.rewrite(function.body()), function.names()), pass.ends);
  }

  private void consider(Assign reset) {
    Var v = reset.target();
    Block body = loops.blockOf(reset);
    List<Loop> around = loops.loopsAround(reset);
    if (v.type() != Type.INT || around.isEmpty()
        || !(reset.value() instanceof Copy copy) || loops.home(v) != body) {
      return;
    }
    Loop loop = around.get(around.size() - 1);
    if (loop.body() != body || loop.counted() == null || !unchangedIn(copy.a(), loop)) {
      return;
    }
    boolean[] counts = {true};
    Statements.forEach(loop.body(), stmt -> {
      if (stmt instanceof Assign assign && assign.target().equals(v) && stmt != reset) {
        counts[0] &= loops.position(assign) > loops.position(reset) && isStep(assign, v)
            && loops.blockOf(assign) == loops.loopBody(assign)
            && fixedTrips(loops.loopsAround(assign), loop);
      }
    });
    if (!counts[0]) {
      return;
    }
    Var end = new Var(function.names().fresh(v.name() + "End"), Type.INT);
    ends.put(reset, end);
    after.computeIfAbsent(loop, l -> new ArrayList<>())
        .add(new Assign(end, new Copy(v), reset.origin()));
  }

  /** {@code v = v + c} or {@code v = v - c} for a constant {@code c}. */
  private static boolean isStep(Assign assign, Var v) {
    return assign.value() instanceof Binary step && step.a().equals(v)
        && step.b() instanceof Constant
        && (step.op() == Binary.Op.ADD || step.op() == Binary.Op.SUB);
  }

  /**
   * True if the loops {@code nested} (outermost first) below {@code outer} are counted loops,
   * each directly in the body of the one around it (no branch between), whose bounds are the
   * same in every iteration of {@code outer}.
   */
  private boolean fixedTrips(List<Loop> nested, Loop outer) {
    int from = nested.indexOf(outer);
    if (from < 0) {
      return false;
    }
    Loop around = outer;
    for (Loop inner : nested.subList(from + 1, nested.size())) {
      if (inner.counted() == null || loops.blockOf(inner) != around.body()
          || !sameEveryIteration(inner.counted().from(), outer, 0)
          || !sameEveryIteration(inner.counted().to(), outer, 0)) {
        return false;
      }
      around = inner;
    }
    return true;
  }

  /**
   * True if {@code operand} depends on nothing {@code outer}'s iterations change: a constant, a
   * value {@code outer} does not assign, the counter of a loop inside it, or arithmetic on those
   * assigned once in it.
   */
  private boolean sameEveryIteration(Operand operand, Loop outer, int depth) {
    if (!(operand instanceof Var v) || unchangedIn(v, outer)) {
      return true;
    }
    boolean[] ok = {false};
    Statements.forEach(outer.body(), stmt -> {
      if (stmt instanceof Loop inner && inner.counted() != null
          && inner.counted().index().equals(v)) {
        ok[0] = true;
      } else if (stmt instanceof Assign assign && assign.target().equals(v) && depth < 8
          && loops.assignments(v) == 1 && assign.value() instanceof Binary binary) {
        ok[0] = binary.operands().stream().allMatch(o -> sameEveryIteration(o, outer, depth + 1));
      }
    });
    return ok[0];
  }

  /**
   * True if {@code operand} is a constant or a variable that neither {@code loop}'s counting nor
   * a statement in it assigns.
   */
  private static boolean unchangedIn(Operand operand, Loop loop) {
    if (!(operand instanceof Var v)) {
      return true;
    }
    if (loop.counted() != null && loop.counted().index().equals(v)) {
      return false;
    }
    boolean[] assigned = {false};
    Statements.forEach(loop.body(), stmt -> assigned[0] |= stmt instanceof Assign assign
        && assign.target().equals(v) || stmt instanceof Loop inner && inner.counted() != null
        && inner.counted().index().equals(v));
    return !assigned[0];
  }

  private Block rewrite(Block block) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      out.add(Statements.mapBlocks(stmt, this::rewrite));
      if (stmt instanceof Loop loop && after.containsKey(loop)) {
        out.addAll(after.get(loop));
      }
    }
    return ScratchRows.sameStatements(out, block) ? block : new Block(out);
  }
}
