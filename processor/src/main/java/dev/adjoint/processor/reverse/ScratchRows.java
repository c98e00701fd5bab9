package dev.adjoint.processor.reverse;

import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scratch array that every iteration of a loop fills before it reads it, given one row per
 * iteration, as a person writing the gradient by hand keeps one row per component: GMM's
 * {@code double[] qxcentered = new double[d]}, filled and read per component {@code ik}, becomes
 * {@code double[][] qxcentered = new double[k][d]} read and written at {@code [ik]}. The
 * backward pass of each iteration then reads its row again (the rows are {@link Recomputation
 * replayable}) instead of the forward sweep saving what it read of the one shared array.
 *
 * <p>An array qualifies when it is made once, {@code a = new double[n]}, in the method's body
 * outside loops; it is only read and written element by element, all inside one loop {@code
 * for (i = 0; i < m; i++)} whose bound is known where the array is made (a constant, a
 * parameter, a value set once before it, or a parameter's length); and the first statement of
 * that loop's body to touch it is {@code for (j = 0; j < n; j++)} writing {@code a[j]} and
 * touching the array nowhere else, so no iteration reads what another left.
 *
 * <p>Likewise a value computed once per iteration of such a loop, {@code t = Math.exp(u)}, that
 * the forward sweep would save per iteration (GMM's exponentials per component) is also written
 * into a row made before the loop's top-level statement, {@code tRow[i] = t}, which the backward
 * pass reads back ({@link Recomputation}'s read-back rule), as the hand-written gradient keeps
 * them in an array. Which arrays and values are worth a row each is the caller's choice ({@link
 * ReverseSweep} tries those whose reads or values the forward sweep saves, and keeps the rows only
 * if fewer values are saved).
 */
final class ScratchRows {
  private final Function function;
  private final LoopFacts loops;
  private final ScratchBuffers buffers;
  /** Per array given rows: its matrix, and the loop whose counter picks the row. */
  private final Map<Var, Rows> rows = new LinkedHashMap<>();
  /** The top-level loops whose backward pass runs inside each iteration ({@link Fusion}). */
  private final Set<Loop> fused;
  /** Per value kept in a row, the store that keeps it, to follow the value's assignment. */
  private final Map<Assign, Store> valueRows = new IdentityHashMap<>();
  /** Per top-level statement, the rows of values to make before it. */
  private final Map<Stmt, List<Stmt>> madeBefore = new IdentityHashMap<>();

  /**
   * The matrix, the counter that picks its row, and how many rows: an operand known where the
   * array is made, set there by {@code named} if not null.
   */
  private record Rows(Var matrix, Var row, Operand count, Assign named) {}

  private ScratchRows(Function function, Set<Loop> fused) {
    this.function = function;
    this.fused = fused;
    this.loops = LoopFacts.of(function);
    this.buffers = new ScratchBuffers(function, loops);
  }

  /**
   * {@code function} with each of {@code arrays} and of {@code values} that qualifies given rows;
   * else itself.
   */
  static Function of(Function function, Set<Var> arrays, Set<Assign> values, Set<Loop> fused) {
    ScratchRows pass = new ScratchRows(function, fused);
    arrays.forEach(pass::consider);
    values.stream().sorted(Comparator.comparingInt(pass.loops::position))
        .forEach(pass::keepInRow); // in program order: the rows' names do not vary from run to run
    if (pass.rows.isEmpty() && pass.valueRows.isEmpty()) {
      return function;
    }
    return new Function(function.name(), function.params(), function.result(),
        pass.rewrite(function.body()), function.names());
  }

  private void consider(Var array) {
    if (array.type() != Type.DOUBLE_ARRAY || array.equals(function.result())
        || loops.assignments(array) != 1) {
      return;
    }
    List<Stmt> uses = new ArrayList<>();
    Assign[] allocation = {null};
    boolean[] plain = {true};
    Statements.forEach(function.body(), stmt -> {
      if (!Statements.vars(stmt).contains(array)) {
        return;
      }
      if (stmt instanceof Assign assign && assign.target().equals(array)
          && assign.value() instanceof NewArray made && made.dimensions().size() == 1) {
        allocation[0] = assign;
      } else if (stmt instanceof Assign assign && assign.value() instanceof Load load
          && load.array().equals(array) && !load.indices().contains(array)
          && !assign.target().equals(array)
          || stmt instanceof Store store && store.array().equals(array)
          && !store.indices().contains(array) && !store.value().equals(array)) {
        uses.add(stmt);
      } else {
        plain[0] = false; // copied, passed, measured, declared: not element by element only
      }
    });
    if (!plain[0] || allocation[0] == null || uses.isEmpty()
        || !loops.loopsAround(allocation[0]).isEmpty()) {
      return;
    }
    Loop loop = innermostAroundAll(uses);
    Operand width = ((NewArray) allocation[0].value()).dimensions().get(0);
    if (loop == null || loop.counted() == null || !loop.counted().unitFromZero()
        || !fillsFirst(loop.body(), array, width)) {
      return;
    }
    Operand bound = loop.counted().to();
    boolean known = isKnownAt(bound, allocation[0]);
    Assign named = known ? null : namedLength(bound);
    if (known || named != null) {
      rows.put(array, new Rows(new Var(array.name(), Type.DOUBLE_MATRIX),
          loop.counted().index(), named == null ? bound : named.target(), named));
    }
  }

  /**
   * Gives {@code value}, a {@code double} assigned once directly in the body of a loop
   * {@code for (i = 0; i < m; i++)}, a row of {@code m} made before the loop's top-level
   * statement, if {@code m} is known there and the loop is directly inside that statement, a
   * fused loop (else the next iteration around it writes the row before the backward pass reads
   * it, and the value is saved anyway; and for a loop alone the tape does the same work). The
   * row is made per call: a method that makes no array of its own keeps the thread's tape,
   * which allocates nothing.
   */
  private void keepInRow(Assign value) {
    List<Loop> around = loops.loopsAround(value);
    Var v = value.target();
    if (v.type() != Type.DOUBLE || around.isEmpty() || loops.assignments(v) != 1
        || v.equals(function.result())) {
      return;
    }
    Loop loop = around.get(around.size() - 1);
    if (loop.body() != loops.blockOf(value) || loop.counted() == null
        || !loop.counted().unitFromZero()
        || around.size() != 2 || !fused.contains(around.get(0)) || !makesArrays()) {
      return;
    }
    Stmt top = around.get(0);
    Operand bound = loop.counted().to();
    boolean known = isKnownAt(bound, top);
    Assign named = known ? null : namedLength(bound);
    if (known || named != null) {
      Var row = new Var(function.names().fresh(v.name() + "Row"), Type.DOUBLE_ARRAY);
      Operand count = named == null ? bound : named.target();
      List<Stmt> before = madeBefore.computeIfAbsent(top, t -> new ArrayList<>());
      if (named != null) {
        before.add(named);
      }
      before.add(new Assign(row, new NewArray(Type.DOUBLE_ARRAY, List.of(count)),
          value.origin()));
      valueRows.put(value, new Store(row, List.of(loop.counted().index()), v, value.origin()));
    }
  }

  /** True if the method makes an array of its own. */
  private boolean makesArrays() {
    boolean[] makes = {false};
    Statements.forEachAssign(function.body(),
        assign -> makes[0] |= assign.value() instanceof NewArray);
    return makes[0];
  }

  /** The innermost loop around every one of {@code uses}, or null. */
  private Loop innermostAroundAll(List<Stmt> uses) {
    List<Loop> common = new ArrayList<>(loops.loopsAround(uses.get(0)));
    for (Stmt use : uses) {
      List<Loop> around = loops.loopsAround(use);
      int same = 0;
      while (same < common.size() && same < around.size() && common.get(same) == around.get(same)) {
        same++;
      }
      common.subList(same, common.size()).clear();
    }
    return common.isEmpty() ? null : common.get(common.size() - 1);
  }

  /**
   * True if {@code bound} has its value at {@code allocation}, a statement of the method's body
   * where a row is made: a constant, a parameter, or a value set once before it in that body.
   */
  private boolean isKnownAt(Operand bound, Stmt allocation) {
    if (bound instanceof Constant || isParameter(bound)) {
      return true;
    }
    Assign definition = bound instanceof Var v ? definition(v) : null;
    return definition != null && loops.blockOf(definition) == function.body()
        && loops.position(definition) < loops.position(allocation);
  }

  /**
   * For a bound set once to a parameter's length ({@code c < mu.length}, named in the loop
   * around), the same length under a new name, to set where the array is made; else null.
   */
  private Assign namedLength(Operand bound) {
    Assign definition = bound instanceof Var v ? definition(v) : null;
    if (definition != null && definition.value() instanceof Length length
        && length.rows().isEmpty() && isParameter(length.array())
        && loops.assignments(length.array()) == 0) {
      return new Assign(new Var(function.names().numbered("t"), Type.INT), length,
          definition.origin());
    }
    return null;
  }

  /** The one assignment of {@code v}, or null. */
  private Assign definition(Var v) {
    Assign[] definition = {null};
    Statements.forEachAssign(function.body(), assign -> {
      if (assign.target().equals(v)) {
        definition[0] = assign;
      }
    });
    return loops.assignments(v) == 1 ? definition[0] : null;
  }

  private boolean isParameter(Operand operand) {
    return function.params().stream().map(Param::var).anyMatch(operand::equals);
  }

  /** True if the first statement of {@code body} to touch {@code array} fills it. */
  private boolean fillsFirst(Block body, Var array, Operand width) {
    for (Stmt stmt : body.statements()) {
      if (Statements.mentioned(stmt).contains(array)) {
        return buffers.fills(stmt, array, List.of(width), List.of());
      }
    }
    return false;
  }

  private Block rewrite(Block block) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof Assign assign && rows.containsKey(assign.target())
          && rows.get(assign.target()).named() != null) {
        out.add(rows.get(assign.target()).named());
      }
      out.addAll(madeBefore.getOrDefault(stmt, List.of()));
      out.add(rewrite(stmt));
      if (valueRows.containsKey(stmt)) {
        out.add(valueRows.get(stmt));
      }
    }
    return sameStatements(out, block) ? block : new Block(out);
  }

  /** True if {@code statements} are {@code block}'s own, the same objects in the same order. */
  static boolean sameStatements(List<Stmt> statements, Block block) {
    if (statements.size() != block.statements().size()) {
      return false;
    }
    for (int k = 0; k < statements.size(); k++) {
      if (statements.get(k) != block.statements().get(k)) {
        return false;
      }
    }
    return true;
  }

  private Stmt rewrite(Stmt stmt) {
    if (stmt instanceof Assign assign && rows.containsKey(assign.target())) {
      Rows r = rows.get(assign.target());
      NewArray made = (NewArray) assign.value();
      return new Assign(r.matrix(), new NewArray(Type.DOUBLE_MATRIX,
          List.of(r.count(), made.dimensions().get(0))), assign.origin());
    }
    if (stmt instanceof Assign assign && assign.value() instanceof Load load
        && rows.containsKey(load.array())) {
      Rows r = rows.get(load.array());
      return new Assign(assign.target(), new Load(r.matrix(), rowAnd(r, load.indices())),
          assign.origin());
    }
    if (stmt instanceof Store store && rows.containsKey(store.array())) {
      Rows r = rows.get(store.array());
      return new Store(r.matrix(), rowAnd(r, store.indices()), store.value(), store.compound(),
          store.origin());
    }
    return Statements.mapBlocks(stmt, this::rewrite);
  }

  private static List<Operand> rowAnd(Rows r, List<Operand> indices) {
    List<Operand> all = new ArrayList<>();
    all.add(r.row());
    all.addAll(indices);
    return all;
  }
}
