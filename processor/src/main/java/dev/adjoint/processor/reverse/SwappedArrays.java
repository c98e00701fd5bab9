package dev.adjoint.processor.reverse;

import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Break;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Array variables that a loop's body only copies into one another, as double buffering writes
 * {@code double[] tmp = h; h = next; next = tmp;}: each copy is undone by another copy, from
 * the variable that still holds the array it overwrote where the backward sweep undoes it
 * ({@code next = h; h = tmp; tmp = next;}), instead of pushing the names (and their adjoints')
 * on the tape each iteration, as a person who reverses the loop swaps the buffers back.
 *
 * <p>The copies are followed as names of the arrays the iteration started with. Undoing copy
 * {@code x = y} needs the array {@code x} held before it: any other variable that holds it just
 * after the copy gives it back (the later copies are undone first). A temporary declared in the
 * body ({@code tmp}) starts each iteration but the first with the array it ended the last one
 * with, which another variable of the rotation ended it with too ({@code next = tmp}), so the
 * iteration's start array of that variable is the temporary's; in the first iteration the
 * temporary's start value is one no statement reads.
 *
 * <p>Conditions, per loop: the copies stand directly in its body; the variables they assign
 * and copy are assigned nowhere else in the loop (header, nested loops, branches); the loop
 * holds no break (an iteration that leaves early skips the copies); every copy finds its array.
 * Else none of the loop's copies is undone this way.
 */
final class SwappedArrays {
  private final LoopFacts loops;
  /** Per copy, the variable to copy back from where the backward sweep undoes it. */
  private final Map<Assign, Var> undoneFrom = new IdentityHashMap<>();

  private SwappedArrays(LoopFacts loops) {
    this.loops = loops;
  }

  /** Per copy of one array variable into another that qualifies, where to copy it back from. */
  static Map<Assign, Var> of(Function function, LoopFacts loops) {
    SwappedArrays pass = new SwappedArrays(loops);
    Statements.forEach(function.body(), stmt -> {
      if (stmt instanceof Loop loop) {
        pass.consider(loop);
      }
    });
    return pass.undoneFrom;
  }

  private void consider(Loop loop) {
    List<Assign> copies = new ArrayList<>();
    for (Stmt stmt : loop.body().statements()) {
      if (stmt instanceof Assign assign && assign.target().type().isArray()
          && assign.value() instanceof Copy copy && copy.a() instanceof Var) {
        copies.add(assign);
      }
    }
    if (copies.isEmpty()) {
      return;
    }
    // each variable named by the copies, numbered by the array it holds at the iteration's start
    Map<Var, Integer> start = new LinkedHashMap<>();
    for (Assign copy : copies) {
      start.putIfAbsent(copy.target(), start.size());
      start.putIfAbsent((Var) ((Copy) copy.value()).a(), start.size());
    }
    Set<Stmt> theCopies = Collections.newSetFromMap(new IdentityHashMap<>());
    theCopies.addAll(copies);
    boolean[] other = {false};
    Statements.forEach(loop, stmt -> {
      other[0] |= stmt instanceof Break || !theCopies.contains(stmt)
          && BackStmts.assigned(stmt).stream().anyMatch(start::containsKey);
    });
    if (other[0]) {
      return;
    }
    List<Map<Var, Integer>> after = new ArrayList<>();
    Map<Var, Integer> holds = new LinkedHashMap<>(start);
    for (Assign copy : copies) {
      holds.put(copy.target(), holds.get((Var) ((Copy) copy.value()).a()));
      after.add(new LinkedHashMap<>(holds));
    }
    Map<Assign, Var> found = new IdentityHashMap<>();
    for (int k = 0; k < copies.size(); k++) {
      Assign copy = copies.get(k);
      Var x = copy.target();
      int overwritten = (k == 0 ? start : after.get(k - 1)).get(x);
      Var from = holder(after.get(k), overwritten, x);
      if (from == null && overwritten == start.get(x) && loops.home(x) == loop.body()) {
        // a temporary of the body: it starts the iteration as it ended the last one, as does
        // a twin, a variable that ended it with the same array
        Var twin = holder(holds, holds.get(x), x);
        from = twin == null ? null : holder(after.get(k), start.get(twin), x);
      }
      if (from == null) {
        return;
      }
      found.put(copy, from);
    }
    undoneFrom.putAll(found);
  }

  /** A variable other than {@code x} that holds the start array {@code array}; else null. */
  private static Var holder(Map<Var, Integer> holds, int array, Var x) {
    for (Map.Entry<Var, Integer> entry : holds.entrySet()) {
      if (!entry.getKey().equals(x) && entry.getValue() == array) {
        return entry.getKey();
      }
    }
    return null;
  }
}
