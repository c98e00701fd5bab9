package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * A loop that reads a row of a parameter matrix the loop does not move through,
 * {@code centres[c][k]} in a loop over {@code k}, reads it through the row taken once before the
 * loop, as a person writes {@code double[] centre = centres[c]}:
 * {@code double[] centresRow = t4 < t5 ? centres[c] : null; for (k) { ... centresRow[k] ... }}.
 * The JIT does not do it itself in short loops: k-means over 4-D points runs twice as fast with
 * the rows taken once. Parameters only, which the method never writes nor replaces rows of;
 * the row index must not change in the loop. The row is taken only if the loops that read it
 * run (one that never ran never read the row, whose index may then be out of bounds), unless
 * its index counts the matrix's rows ({@code points[p]} in {@code for (p = 0; p < points.length;
 * p++)}: it cannot throw, and the test costs k-means 60 % on JDK 17), and only
 * for reads outside the loop's branches and the sides of its conditionals (a branch not taken
 * never read it). Applied to the
 * printed pullback, outermost loops first, so a row goes before the outermost loop that keeps
 * it.
 *
 * <p>The same for the adjoint buffer of a parameter matrix a loop adds into,
 * {@code du[t2][f] += dt5} ({@code double[] duRow = du[t2]}, as a person writes
 * {@code double[] due = du[users[e]]}): matrix factorisation's pullback ran 570 µs, its forks
 * bimodal, against 512 µs with the rows taken, the hand-written gradient's 504. Only for a loop
 * that starts at a constant, over a whole row: in GMM's triangle ({@code for (j = i + 1; ...)}),
 * its row taken for each {@code i}, the pullback ran 219 µs against 168 µs without.
 */
public final class ParameterRows {
  private final NameScope names;
  private final Set<Var> matrices = new HashSet<>();
  /** The adjoint buffers of parameter matrices, whose rows the pullback never replaces. */
  private final Set<Var> adjointMatrices = new HashSet<>();
  /**
   * The value of each variable the pullback assigns once; null for those assigned otherwise
   * (more than once, or by a pop or an addition).
   */
  private final Map<Var, Expr> definitions = new HashMap<>();

  private ParameterRows(Pullback pullback) {
    this.names = pullback.primal().names();
    pullback.primal().params().forEach(p -> {
      if (p.var().type() == Type.DOUBLE_MATRIX) {
        matrices.add(p.var());
      }
    });
    Set<Var> assignedTwice = new HashSet<>();
    Statements.forEach(pullback.body(), stmt -> BackStmts.assigned(stmt).forEach(v -> {
      Expr value = stmt instanceof Assign assign ? assign.value()
          : stmt instanceof Declare declare ? declare.init() : null;
      if (definitions.containsKey(v) || value == null) {
        assignedTwice.add(v);
      }
      definitions.put(v, value);
    }));
    assignedTwice.forEach(v -> definitions.put(v, null));
    pullback.paramAdjoints().forEach((param, adjoint) -> {
      if (matrices.contains(param) && adjoint.type() == Type.DOUBLE_MATRIX
          && !definitions.containsKey(adjoint)) {
        adjointMatrices.add(adjoint);
      }
    });
    Statements.forEach(pullback.body(), stmt -> {
      if (stmt instanceof Store store && store.indices().size() < 2) {
        adjointMatrices.remove(store.array()); // a row replaced
      }
    });
  }

  public static Pullback of(Pullback pullback) {
    ParameterRows pass = new ParameterRows(pullback);
    return pass.matrices.isEmpty() && pass.adjointMatrices.isEmpty() ? pullback
        : pullback.withBody(pass.block(pullback.body(), List.of()));
  }

  /** {@code block} reading rows through variables; {@code around}: the loops counting it. */
  private Block block(Block block, List<Loop.Counted> around) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof Loop loop && loop.counted() != null) {
        Block body = rowsOf(loop, loop.body(), BackStmts.runs(loop.counted()), around, out);
        List<Loop.Counted> inside = new ArrayList<>(around);
        inside.add(loop.counted());
        out.add(loop.withBody(block(body, inside)));
      } else if (stmt instanceof ReverseLoop loop && loop.loop().counted() != null
          && loop.trips() == null) {
        Block body = rowsOf(loop, loop.body(), BackStmts.runs(loop), around, out);
        out.add(loop.withBody(block(body, around)));
      } else {
        out.add(Statements.mapBlocks(stmt, b -> block(b, around)));
      }
    }
    return new Block(out);
  }

  /**
   * Whether taking {@code row} cannot throw where the loops {@code around} count: its index is
   * the counter of one of them that runs upward from a non-negative constant to below its
   * matrix's length ({@code for (p = 0; p < points.length; p++)}: {@code points[p]}), and
   * nothing assigns the matrix.
   */
  private boolean inBounds(Load row, List<Loop.Counted> around) {
    Operand index = row.indices().get(0);
    for (Loop.Counted counted : around) {
      if (counted.index().equals(index) && counted.step() > 0 && !counted.inclusive()
          && counted.from() instanceof Constant from && from.value() != null && from.value() >= 0
          && !definitions.containsKey(row.array())
          && isLengthOf(counted.to(), row.array())) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code bound} is {@code array.length}, itself or a variable assigned it once. */
  private boolean isLengthOf(Operand bound, Var array) {
    Expr value = bound instanceof Nested nested ? nested.expr()
        : bound instanceof Var v ? definitions.get(v) : null;
    return value instanceof Length length && length.array().equals(array)
        && length.rows().isEmpty();
  }

  /**
   * Declares in {@code out} the rows {@code body} reads at indices {@code loop} does not change,
   * taken if {@code runs} (unless taking them cannot throw, {@link #inBounds}); {@code body}
   * reading them through those rows.
   */
  private Block rowsOf(Stmt loop, Block body, Operand runs, List<Loop.Counted> around,
      List<Stmt> out) {
    Set<Var> changed = new HashSet<>();
    Statements.forEach(loop, stmt -> {
      changed.addAll(BackStmts.assigned(stmt));
      if (stmt instanceof Loop inner && inner.counted() != null) {
        changed.add(inner.counted().index());
      } else if (stmt instanceof ReverseLoop inner && inner.loop().counted() != null) {
        changed.add(inner.loop().counted().index());
      }
    });
    Set<Load> read = new LinkedHashSet<>();
    Map<Load, Set<List<Operand>>> taken = new LinkedHashMap<>();
    Noting noting = (e, place) -> note(e, place, changed, read, taken);
    boolean wholeRows = startsAtConstant(loop);
    visit(body, new Place(List.of(), true), changed, (stmt, place) -> {
      if (wholeRows && stmt instanceof Accumulate add && adjointMatrices.contains(add.target())
          && add.indices().size() == 2) {
        noteRow(add.target(), add.indices(), true, place, changed, read, taken);
      }
      Expr value = stmt instanceof Declare declare ? declare.init()
          : stmt instanceof Assign assign ? assign.value() : null;
      if (value instanceof Select) {
        noteIn(value, place, noting);
      } else {
        Statements.operands(stmt).forEach(o -> noteIn(o, place, noting));
      }
    });
    visit(body, new Place(List.of(), true), changed, (stmt, place) -> {
      Expr value = stmt instanceof Declare declare ? declare.init()
          : stmt instanceof Assign assign ? assign.value() : null;
      if (value != null) {
        noting.note(value, place);
      }
    });
    read.retainAll(taken.keySet());
    if (read.isEmpty()) {
      return body;
    }
    Map<Load, Var> rows = new LinkedHashMap<>();
    Map<Load, Set<List<Operand>>> shortest = new LinkedHashMap<>();
    read.forEach(row -> {
      rows.put(row, new Var(names.fresh(row.array().name() + "Row"), Type.DOUBLE_ARRAY));
      shortest.put(row, shortest(taken.get(row)));
    });
    out.add(new Comment("the rows the loop reads, taken once before it"));
    rows.forEach((row, v) -> out.add(new Declare(v, inBounds(row, around) ? row
        : new Select(guard(runs, shortest.get(row)), new Nested(row, Type.DOUBLE_ARRAY),
            new Constant(Type.DOUBLE_ARRAY, "null")), null)));
    return reading(body, List.of(), changed, rows, shortest);
  }

  /**
   * The row of a matrix {@code declare} takes, {@code double[] r = m[i]} or, where the loops
   * reading it may not run, {@code double[] r = c ? m[i] : null} as this pass takes it before
   * a loop; null for any other.
   */
  static Load rowTaken(Declare declare) {
    Expr init = declare.init();
    if (declare.var().type() != Type.DOUBLE_ARRAY) {
      return null;
    }
    if (init instanceof Select select && select.otherwise() instanceof Constant
        && select.then() instanceof Nested nested) {
      init = nested.expr();
    }
    return init instanceof Load load && load.array().type() == Type.DOUBLE_MATRIX
        && load.indices().size() == 1 ? load : null;
  }

  /**
   * Where a statement of the loop's body is: {@code path}, the tests of the inner loops around it
   * that hold whenever it runs (each known before the loop: its bounds do not change in it);
   * {@code always} if it runs whenever they hold, outside any branch and any inner loop whose
   * running is not known before the loop.
   */
  private record Place(List<Operand> path, boolean always) {}

  private interface Noting {
    void note(Expr e, Place place);
  }

  /** Notes the operations nested in {@code o}, at {@code place}. */
  private static void noteIn(Operand o, Place place, Noting noting) {
    if (o instanceof Nested nested) {
      noting.note(nested.expr(), place);
      noteIn(nested.expr(), place, noting);
    }
  }

  /**
   * Notes the operations in the operands of {@code e}; those on the sides of a conditional
   * ({@code c ? m[r][j] : 0.0}) not as always evaluated: Java evaluates only the side it picks.
   */
  private static void noteIn(Expr e, Place place, Noting noting) {
    List<Operand> operands = e.operands();
    for (int i = 0; i < operands.size(); i++) {
      noteIn(operands.get(i), e instanceof Select && i > 0 ? new Place(place.path(), false)
          : place, noting);
    }
  }

  /**
   * Calls {@code action} on every statement of {@code block} (at {@code place}) and in it. A row
   * read only where a condition holds may be out of range where it does not (a row index that is
   * -1 until the iteration that reads it), so statements in branches, and in inner loops that may
   * not run, are not {@link Place#always}.
   */
  private static void visit(Block block, Place place, Set<Var> changed,
      BiConsumer<Stmt, Place> action) {
    for (Stmt stmt : block.statements()) {
      action.accept(stmt, place);
      Place inside = inside(stmt, place, changed);
      if (stmt instanceof If branch) {
        visit(branch.then(), inside, changed, action);
        visit(branch.otherwise(), inside, changed, action);
      } else if (stmt instanceof Loop inner) {
        visit(inner.header(), inside, changed, action);
        visit(inner.body(), inside, changed, action);
      } else if (stmt instanceof ReverseLoop inner) {
        visit(inner.body(), inside, changed, action);
      }
    }
  }

  /** The place of the statements nested in {@code stmt}, which is at {@code place}. */
  private static Place inside(Stmt stmt, Place place, Set<Var> changed) {
    Operand runs = stmt instanceof Loop inner && inner.counted() != null
        ? BackStmts.runs(inner.counted())
        : stmt instanceof ReverseLoop inner && inner.loop().counted() != null
            && inner.trips() == null ? BackStmts.runs(inner) : null;
    if (place.always() && runs != null
        && Exprs.vars(runs).stream().noneMatch(changed::contains)) {
      List<Operand> path = new ArrayList<>(place.path());
      path.add(runs);
      return new Place(List.copyOf(path), true);
    }
    return new Place(place.path(), false);
  }

  /**
   * Notes the row {@code e} loads an element of, if a parameter's at an unchanged index, and
   * where the loop surely evaluates a row ({@code m[r][j]} or {@code m[r].length}).
   */
  private void note(Expr e, Place place, Set<Var> changed, Set<Load> read,
      Map<Load, Set<List<Operand>>> taken) {
    Var array = e instanceof Load load ? load.array() : e instanceof Length length
        ? length.array() : null;
    List<Operand> indices = e instanceof Load load ? load.indices()
        : e instanceof Length length ? length.rows() : List.of();
    if (matrices.contains(array) && !indices.isEmpty()) {
      noteRow(array, indices, e instanceof Load, place, changed, read, taken);
    }
  }

  /**
   * Notes the row of {@code array} that {@code indices} name, if at an unchanged index: read
   * through it if an element ({@code element}, two indices), taken where surely evaluated.
   */
  private static void noteRow(Var array, List<Operand> indices, boolean element, Place place,
      Set<Var> changed, Set<Load> read, Map<Load, Set<List<Operand>>> taken) {
    if (!(indices.get(0) instanceof Constant
        || indices.get(0) instanceof Var i && !changed.contains(i))) {
      return;
    }
    Load row = new Load(array, List.of(indices.get(0)));
    if (element && indices.size() == 2) {
      read.add(row);
    }
    if (place.always() && (!element || indices.size() == 2)) {
      taken.computeIfAbsent(row, r -> new LinkedHashSet<>()).add(place.path());
    }
  }

  /** Whether {@code loop} (a loop or a backward loop) counts from a constant. */
  private static boolean startsAtConstant(Stmt loop) {
    Loop.Counted counted = loop instanceof Loop forward ? forward.counted()
        : ((ReverseLoop) loop).loop().counted();
    return counted.from() instanceof Constant;
  }

  /** The shortest of {@code paths}. */
  private static Set<List<Operand>> shortest(Set<List<Operand>> paths) {
    int least = paths.stream().mapToInt(List::size).min().orElseThrow();
    Set<List<Operand>> out = new LinkedHashSet<>();
    paths.stream().filter(p -> p.size() == least).forEach(out::add);
    return out;
  }

  /** {@code runs}, and one of {@code paths} holds: its inner loops run. */
  private static Operand guard(Operand runs, Set<List<Operand>> paths) {
    Operand any = null;
    for (List<Operand> path : paths) {
      if (path.isEmpty()) {
        return runs;
      }
      Operand all = path.stream().reduce((x, y) -> both(Binary.Op.AND, x, y)).orElseThrow();
      any = any == null ? all : both(Binary.Op.OR, any, all);
    }
    return both(Binary.Op.AND, runs, any);
  }

  private static Operand both(Binary.Op op, Operand x, Operand y) {
    return new Nested(new Binary(op, x, y), Type.BOOLEAN);
  }

  /**
   * {@code block}, at {@code path}, loading the elements of {@code rows} through them where the
   * row is surely taken: where one of the row's {@code paths} begins the path.
   */
  private static Block reading(Block block, List<Operand> path, Set<Var> changed,
      Map<Load, Var> rows, Map<Load, Set<List<Operand>>> paths) {
    Map<Load, Var> here = new LinkedHashMap<>();
    rows.forEach((row, v) -> {
      if (paths.get(row).stream().anyMatch(p -> p.size() <= path.size()
          && path.subList(0, p.size()).equals(p))) {
        here.put(row, v);
      }
    });
    UnaryOperator<Operand> operands = new UnaryOperator<>() {
      @Override
      public Operand apply(Operand o) {
        return o instanceof Nested nested
            ? new Nested(through(Exprs.map(nested.expr(), this), here), nested.type()) : o;
      }
    };
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      List<Operand> inner = inside(stmt, new Place(path, true), changed).path();
      Stmt nested = Statements.mapBlocks(stmt, b -> reading(b, inner, changed, rows, paths));
      out.add(read(nested, operands, here));
    }
    return new Block(out);
  }

  private static Stmt read(Stmt stmt, UnaryOperator<Operand> f, Map<Load, Var> rows) {
    if (stmt instanceof If branch) {
      return new If(f.apply(branch.condition()), branch.then(), branch.otherwise(),
          branch.origin());
    }
    Stmt mapped = BackStmts.mapped(stmt, f, e -> through(e, rows));
    if (mapped instanceof Accumulate add && add.indices().size() == 2) {
      Var row = rows.get(new Load(add.target(), List.of(add.indices().get(0))));
      if (row != null) {
        return new Accumulate(row, List.of(add.indices().get(1)), add.value(), add.declares(),
            add.origin());
      }
    }
    return mapped;
  }

  /** {@code e}, an element of one of {@code rows}, loaded through it. */
  private static Expr through(Expr e, Map<Load, Var> rows) {
    if (e instanceof Load load && load.indices().size() == 2) {
      Var row = rows.get(new Load(load.array(), List.of(load.indices().get(0))));
      if (row != null) {
        return new Load(row, List.of(load.indices().get(1)));
      }
    }
    return e;
  }
}
