package dev.adjoint.processor.reverse;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Runs the backward pass of a loop's iteration right after its forward pass, in the same loop,
 * as a person writes {@code f += 100 a² + b²; dx[2i] += ...;}: one pass over the data instead of
 * a forward loop and a backward loop that reads everything again.
 *
 * <p>Valid when no adjoint flows from one iteration to another, so the order of the iterations'
 * backward passes does not matter: a top-level counted loop whose differentiated variables from
 * outside the loop are only sums ({@code s = s + e}, {@code s = s - e}, read nowhere else in the
 * loop, so their adjoint is the same for every iteration), whose arrays written in the loop are
 * declared in it or touched only at the loop counter's row ({@code z[i][h]}) and not used after
 * it, and where the adjoints of those sums can be computed before the loop, from the seed and
 * values computed before it ({@code df = seed} for {@code return f}). Those few statements of the
 * backward sweep move before the loop, with the zero adjoints the loop adds into. Values an
 * iteration overwrites are still saved and restored within the iteration; recomputing values is
 * unnecessary (they are live). Not where the loop runs faster apart ({@link #runsFasterApart}:
 * Horner's rule per point).
 */
final class Fusion {
  private final Function function;
  private final Activity activity;
  private final LoopFacts loops;
  private final Predicate<Assign> passesThrough;
  private final Set<Var> primal;
  private final Var seed;
  private final Set<Var> buffers;
  private final ScratchBuffers scratch;
  private final Map<Loop, FusedLoop> fused = new IdentityHashMap<>(); // looked up only
  private final Set<Stmt> unsaved = Collections.newSetFromMap(new IdentityHashMap<>());
  private List<Stmt> backward;
  private final Map<Loop, List<Stmt>> recomputed;
  /** The statements whose old values the forward sweep saves. */
  private final Set<Stmt> pushed;
  /** Values the backward sweep computes again where it reads them, by the variable holding them. */
  private final Map<Var, Operand> rematerialized;

  private Fusion(Function function, Activity activity, LoopFacts loops,
      Predicate<Assign> passesThrough, Set<Var> primal, Var seed,
      Set<Var> buffers, List<Stmt> backward, Map<Loop, List<Stmt>> recomputed,
      Set<Stmt> pushed, Map<Var, Operand> rematerialized) {
    this.function = function;
    this.activity = activity;
    this.loops = loops;
    this.passesThrough = passesThrough;
    this.primal = primal;
    this.seed = seed;
    this.buffers = buffers;
    this.scratch = new ScratchBuffers(function, loops);
    this.backward = new ArrayList<>(backward);
    this.recomputed = recomputed;
    this.pushed = pushed;
    this.rematerialized = rematerialized;
  }

  /**
   * Fuses what can be fused of {@code backward}; {@code primal} are the primal's variables,
   * {@code buffers} the calls' scalar adjoint buffers, {@code recomputed} the statements each
   * loop's backward pass starts with to compute values again, {@code pushed} the statements
   * whose old values the forward sweep saves, {@code rematerialized} the values the backward
   * sweep computes again at their reads, by variable.
   */
  static Fusion of(Function function, Activity activity, LoopFacts loops,
      Predicate<Assign> passesThrough, Set<Var> primal, Var seed,
      Set<Var> buffers, List<Stmt> backward, Map<Loop, List<Stmt>> recomputed,
      Set<Stmt> pushed, Map<Var, Operand> rematerialized) {
    Fusion fusion =
        new Fusion(function, activity, loops, passesThrough, primal, seed, buffers, backward,
            recomputed, pushed, rematerialized);
    List<Stmt> top = function.body().statements();
    for (int k = 0; k < top.size(); k++) {
      if (top.get(k) instanceof Loop loop && loop.counted() != null) {
        fusion.tryFuse(loop, k, recomputed.getOrDefault(loop, List.of()));
      }
    }
    return fusion;
  }

  Map<Loop, FusedLoop> fused() {
    return fused;
  }

  /** The assignments of fused iterations whose old values need no saving any more. */
  Set<Stmt> unsaved() {
    return unsaved;
  }

  /**
   * Walks {@code block} in program order with the variables {@code assigned} before it, adding
   * those it assigns; into {@code notFirst} go those assigned outside loops where an earlier
   * assignment may have run (on the same path: the two branches of an if are apart).
   */
  private static void assignedBefore(Block block, Set<Var> assigned, Set<Var> notFirst) {
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof Assign assign) {
        if (!assigned.add(assign.target())) {
          notFirst.add(assign.target());
        }
      } else if (stmt instanceof If branch) {
        Set<Var> then = new HashSet<>(assigned);
        assignedBefore(branch.then(), then, notFirst);
        assignedBefore(branch.otherwise(), assigned, notFirst);
        assigned.addAll(then);
      } else if (stmt instanceof Loop inner) {
        Statements.forEach(inner, s -> {
          if (s instanceof Assign assign) {
            assigned.add(assign.target());
          }
        });
      }
    }
  }

  /**
   * The variables of {@code body} that one assignment directly in it, their first in the
   * iteration, is the only one to save.
   */
  private Set<Var> savedFirstOnly(Block body) {
    Map<Var, Stmt> first = new HashMap<>();
    Map<Var, Integer> saves = new HashMap<>();
    Statements.forEach(body, stmt -> {
      if (stmt instanceof Assign assign) {
        first.putIfAbsent(assign.target(), assign);
        if (pushed.contains(assign)) {
          saves.merge(assign.target(), 1, Integer::sum);
        }
      }
    });
    Set<Var> out = new HashSet<>();
    first.forEach((v, assign) -> {
      if (saves.getOrDefault(v, 0) == 1 && pushed.contains(assign)
          && body.statements().stream().anyMatch(stmt -> stmt == assign)) {
        out.add(v);
      }
    });
    return out;
  }

  /** Each statement of {@code block} and of its branches, not entering loops. */
  private static void outsideInnerLoops(Block block, Consumer<Stmt> action) {
    for (Stmt stmt : block.statements()) {
      action.accept(stmt);
      if (stmt instanceof If branch) {
        outsideInnerLoops(branch.then(), action);
        outsideInnerLoops(branch.otherwise(), action);
      }
    }
  }

  /** Whether {@code v} is declared in the iteration {@code body}: there or in its branches. */
  private boolean declaredInIteration(Var v, Block body) {
    Block home = loops.home(v);
    if (home == body) {
      return true;
    }
    for (Stmt stmt : body.statements()) {
      if (stmt instanceof If branch && (declaredInIteration(v, branch.then())
          || declaredInIteration(v, branch.otherwise()))) {
        return true;
      }
    }
    return false;
  }

  /** {@code block} without the restores of {@code vars}, in its branches too. */
  private static Block withoutRestores(Block block, Set<Var> vars) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      if (!(stmt instanceof Pop pop && pop.indices().isEmpty() && vars.contains(pop.target()))) {
        out.add(stmt instanceof If ? Statements.mapBlocks(stmt, b -> withoutRestores(b, vars))
            : stmt);
      }
    }
    return new Block(out);
  }

  /** The backward sweep without the fused loops and the statements moved before them. */
  List<Stmt> remaining() {
    return backward;
  }

  private void tryFuse(Loop loop, int position, List<Stmt> recomputed) {
    int at = -1;
    for (int k = 0; k < backward.size(); k++) {
      if (backward.get(k) instanceof ReverseLoop back && back.loop() == loop) {
        at = k;
      }
    }
    if (at < 0 || !iterationsIndependent(loop, function.body().statements()
        .subList(position + 1, function.body().statements().size()))) {
      return;
    }
    ReverseLoop back = (ReverseLoop) backward.get(at);
    if (back.body().statements().stream().anyMatch(stmt -> restoresOuterValue(stmt, loop))) {
      return; // the restore would undo, in the forward sweep, what code after the loop reads
    }
    if (runsFasterApart(back)) {
      return;
    }
    Set<Var> before = definedBefore(position);
    Map<Var, Stmt> declarations = new HashMap<>();
    for (Stmt stmt : backward) {
      Var declared = BackStmts.declared(stmt);
      if (declared != null) {
        declarations.put(declared, stmt);
      }
    }
    // what the iterations' backward pass reads or adds into that is declared outside it
    Set<Stmt> moved = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Var> work = new ArrayDeque<>();
    for (Stmt stmt : back.body().statements()) {
      work.addAll(Statements.mentioned(stmt));
    }
    Set<Var> seen = new HashSet<>();
    Set<Var> passWrites = written(back);
    Map<Var, CounterEnds.End> counterEnds = new LinkedHashMap<>();
    while (!work.isEmpty()) {
      Var v = work.pop();
      if (!seen.add(v) || v.equals(seed)) {
        continue;
      }
      if (primal.contains(v)) {
        if (!before.contains(v) && !insideLoop(v, loop)) {
          CounterEnds.End end = CounterEnds.after(v, loop, position,
              function.body().statements(), before, w -> insideLoop(w, loop));
          if (end == null) {
            return; // read by what moves, but computed after the loop
          }
          counterEnds.put(v, end); // count++ per iteration: count + n once the loop is done
        }
        continue;
      }
      if (buffers.contains(v)) {
        if (callsIn(back.body(), v)) {
          continue; // the scalar buffer of a call in the loop: reset and read at that call
        }
        return; // a call after the loop fills it in the backward sweep
      }
      Stmt declaration = declarations.get(v);
      if (declaration == null) {
        continue; // a buffer parameter, a constant table, or declared inside the loop's pass
      }
      int index = backward.indexOf(declaration);
      if (index > at) {
        return; // declared after the loop in the backward sweep: not an outer adjoint
      }
      boolean onlyAddedInto = onlyAddedInto(v, back.body(), at);
      boolean readEarlier = false;
      for (int k = 0; k < at; k++) {
        Stmt stmt = backward.get(k);
        if (BackStmts.writes(stmt, v)) {
          if (!written(stmt).contains(v) && !passWrites.contains(v)) {
            readEarlier = true;
            continue; // both only read it: a later loop's pass reads the sum's adjoint too
          }
          if (onlyAddedInto && !BackStmts.isZeroInit(stmt)) {
            continue; // the loop only adds into it too: the additions' order changes, not the sum
          }
          if (!(stmt instanceof Accumulate || BackStmts.isZeroInit(stmt))) {
            return; // written inside a branch or loop of the backward sweep
          }
          if (readEarlier) {
            return; // moved before the loop, it would change what an earlier reader reads
          }
          if (moved.add(stmt)) {
            work.addAll(Statements.mentioned(stmt));
          }
        }
      }
    }
    Set<Var> written = writtenIn(loop);
    for (Stmt stmt : moved) {
      if (!BackStmts.isZeroInit(stmt) // zeros of an array's shape read no element
          && Statements.mentioned(stmt).stream().anyMatch(written::contains)) {
        return; // it would read, before the loop, an array the loop fills (s * a[0] after it)
      }
    }
    Map<Var, Var> endNames = new LinkedHashMap<>();
    List<Stmt> hoisted = new ArrayList<>();
    counterEnds.forEach((v, end) -> {
      Var name = new Var(function.names().fresh(v.name() + "End"), Type.INT);
      endNames.put(v, name);
      hoisted.add(new Comment(v.name() + " once the loop is done, known before it runs"));
      hoisted.addAll(end.declare(name, function.names()));
    });
    for (Stmt stmt : backward) {
      if (moved.contains(stmt)) {
        Stmt renamed = stmt;
        for (Map.Entry<Var, Var> end : endNames.entrySet()) {
          renamed = BackStmts.renamed(renamed, end.getKey(), end.getValue());
        }
        hoisted.add(renamed);
      }
    }
    List<Stmt> body = new ArrayList<>(back.body().statements());
    body.removeAll(recomputed);
    body = readingLive(loop, fusedInnerLoops(loop, withoutFirstValues(loop, body)));
    fused.put(loop, new FusedLoop(hoisted, body));
    backward.removeIf(s -> s == back || moved.contains(s));
  }

  /**
   * {@code body}, the fused backward pass of an iteration of {@code loop}, reading by name the
   * values its forward pass holds: a value the backward sweep computes again where it reads it
   * ({@code u[users[e]].length}, {@code ratings[e] - pred}) is, in the same iteration, still in
   * the variable the iteration assigned it to once, in its body, outside branches and inner loops
   * (where its reads in the backward pass see it), as a person reads {@code err} again; not
   * index arithmetic nor an array's length ({@code dx[2 * i]}, {@code W.length} read as the
   * source does).
   */
  private List<Stmt> readingLive(Loop loop, List<Stmt> body) {
    // by identity: the very expression the backward sweep wrote where it read the variable,
    // not an equal one a derivative's rule built elsewhere (1 - s * s, tanh's, after s moved)
    Map<Operand, Var> live = new IdentityHashMap<>();
    for (Stmt stmt : loop.body().statements()) {
      if (stmt instanceof Assign assign && rematerialized.containsKey(assign.target())
          && loops.assignments(assign.target()) == 1 && !readsAsWritten(assign)) {
        live.put(rematerialized.get(assign.target()), assign.target());
      }
    }
    if (live.isEmpty()) {
      return body;
    }
    UnaryOperator<Operand> named = new UnaryOperator<>() {
      @Override
      public Operand apply(Operand o) {
        Var v = live.get(o);
        return v != null ? v : o instanceof Nested nested
            ? new Nested(Exprs.map(nested.expr(), this), nested.type()) : o;
      }
    };
    return body.stream().map(stmt -> withOperands(stmt, named)).toList();
  }

  /**
   * {@code dx[2 * i]}, {@code W.length}: integer arithmetic and an array's length read as the
   * source wrote them, at no cost.
   */
  private static boolean readsAsWritten(Assign assign) {
    Type type = assign.target().type();
    return (type == Type.INT || type == Type.LONG) && assign.value() instanceof Binary
        || assign.value() instanceof Length length && length.rows().isEmpty();
  }

  /** {@code stmt} and the statements in it, their operands mapped by {@code f}. */
  private static Stmt withOperands(Stmt stmt, UnaryOperator<Operand> f) {
    Stmt inner = Statements.mapBlocks(stmt, b -> new Block(b.statements().stream()
        .map(s -> withOperands(s, f)).toList()));
    if (inner instanceof If branch) {
      return new If(f.apply(branch.condition()), branch.then(), branch.otherwise(),
          branch.origin());
    }
    if (inner instanceof ReverseLoop back) {
      return new ReverseLoop(back.loop(), f.apply(back.from()), f.apply(back.last()),
          back.trips(), back.tripsOnTape(), back.body(), back.origin(), back.inOrder());
    }
    return BackStmts.mapped(inner, f, e -> Exprs.map(e, f));
  }

  /**
   * Whether the iterations of {@code back}'s loop run faster with their backward passes in a loop
   * of their own. An inner loop's backward pass that hands an adjoint from each step to the one
   * before ({@code dy = x * dy} for Horner's {@code y = y * x + c[k]}) is a chain of dependent
   * operations which, fused, starts only once the iteration's own forward chain has ended: the
   * processor then overlaps little of one iteration with the next. Apart, the forward chains of
   * successive iterations overlap, and so do their backward chains (Horner over 1,000 points:
   * 21 → 14 µs). Only where, apart, an iteration saves a few scalars and nothing in its inner
   * loops: a sum's adjoint, which every step of the sum reads unchanged, makes no such chain, and
   * there fusion, saving nothing, is the faster (a convolution's dot products: 72 against 90 µs).
   */
  private boolean runsFasterApart(ReverseLoop back) {
    boolean[] cheap = {true};
    boolean[] chained = {false};
    outsideInnerLoops(back.body(), stmt -> {
      if (stmt instanceof Pop pop && (!pop.indices().isEmpty() || pop.type().isArray())) {
        cheap[0] = false;
      } else if (stmt instanceof ReverseLoop inner) {
        cheap[0] &= savesNothingIn(inner);
        chained[0] |= handsAdjointBack(inner);
      }
    });
    return cheap[0] && chained[0];
  }

  /** Whether the backward pass {@code inner} restores nothing and its loops are counted. */
  private static boolean savesNothingIn(ReverseLoop inner) {
    boolean[] saves = {inner.loop().counted() == null};
    Statements.forEach(inner.body(), stmt -> saves[0] |= stmt instanceof Pop
        || stmt instanceof ReverseLoop loop && loop.loop().counted() == null);
    return !saves[0];
  }

  /**
   * Whether {@code inner}, or a loop in it, assigns a scalar adjoint declared before it: the
   * adjoint one step hands to the step before.
   */
  private boolean handsAdjointBack(ReverseLoop inner) {
    Set<Var> declaredInside = BackStmts.declaredIn(inner.body());
    boolean[] hands = {false};
    Statements.forEach(inner.body(), stmt -> hands[0] |= stmt instanceof Assign assign
        && assign.target().type() == Type.DOUBLE && !primal.contains(assign.target())
        && !declaredInside.contains(assign.target()));
    return hands[0];
  }

  /**
   * {@code body}, the backward pass of an iteration of {@code loop} run right after its forward
   * pass, without restores of the iteration's first values. A variable declared in the iteration
   * gets its first value there: the value before it is restored only for the iterations before,
   * whose backward passes have run already, so an assignment no other one of the iteration can
   * precede (the only one, or one in each branch: y = x > 0 ? x : 0.01 * x) is neither saved
   * nor restored (a re-initialised accumulator, s = 0; a temporary of a branch); nor is the
   * first of several when it is the only one saved (batch norm's {@code double mu = 0;} before
   * {@code mu += x[i][j]} and {@code mu /= n}, which save nothing). Those in inner loops keep
   * their saves.
   */
  private List<Stmt> withoutFirstValues(Loop loop, List<Stmt> body) {
    Set<Var> notFirst = new HashSet<>();
    assignedBefore(loop.body(), new HashSet<>(), notFirst);
    notFirst.removeAll(savedFirstOnly(loop.body()));
    Set<Var> firstValues = new HashSet<>();
    outsideInnerLoops(new Block(body), stmt -> {
      if (stmt instanceof Pop pop && pop.indices().isEmpty() && !notFirst.contains(pop.target())
          && declaredInIteration(pop.target(), loop.body())) {
        firstValues.add(pop.target());
      }
    });
    outsideInnerLoops(loop.body(), stmt -> {
      if (stmt instanceof Assign assign && firstValues.contains(assign.target())) {
        unsaved.add(assign);
      }
    });
    return withoutRestores(new Block(body), firstValues).statements();
  }

  /**
   * {@code body}, the fused backward pass of an iteration of {@code outer}, without the backward
   * passes of the loops directly in {@code outer}'s body that run inside their own iterations
   * too: those whose iterations are independent of one another (as a top-level loop's must be),
   * that store only into arrays they make, restore nothing from before them, and whose backward
   * pass shares nothing with what runs before it in {@code body} (the backward passes of what
   * follows the loop), but for adding into the same adjoint array, whose additions only change
   * order, and the zeros declared there for it alone (an element's sum), which move before it.
   * Every pair of a sum over pairs ({@code e += 1 / (r * r + 1)} with {@code r = x[i] - x[j]})
   * then adds its contribution as it is computed, nothing saved.
   */
  private List<Stmt> fusedInnerLoops(Loop outer, List<Stmt> body) {
    List<Stmt> out = new ArrayList<>(body);
    for (Stmt stmt : outer.body().statements()) {
      if (!(stmt instanceof Loop inner) || inner.counted() == null) {
        continue;
      }
      int at = -1;
      for (int k = 0; k < out.size(); k++) {
        if (out.get(k) instanceof ReverseLoop back && back.loop() == inner) {
          at = k;
        }
      }
      if (at < 0 || !iterationsIndependent(inner, List.of())
          || !writtenIn(inner).stream().allMatch(array -> insideLoop(array, inner))) {
        continue;
      }
      ReverseLoop back = (ReverseLoop) out.get(at);
      // the zeros its pass adds into, declared just for it (double dxSum1 = 0.0), go before it
      List<Stmt> before = new ArrayList<>();
      for (Stmt s : out.subList(0, at)) {
        Var zero = BackStmts.isZeroInit(s) ? BackStmts.declared(s) : null;
        if (zero != null && Statements.mentioned(back).contains(zero) && out.subList(0, at).stream()
            .noneMatch(other -> other != s && Statements.mentioned(other).contains(zero))) {
          before.add(s);
        }
      }
      if (back.body().statements().stream().anyMatch(s -> restoresOuterValue(s, inner))
          || buffers.stream().anyMatch(b -> Statements.mentioned(back).contains(b)
              && !callsIn(back.body(), b))
          || out.subList(0, at).stream()
              .anyMatch(s -> !before.contains(s) && shareState(s, back))) {
        continue;
      }
      List<Stmt> innerBody = new ArrayList<>(back.body().statements());
      innerBody.removeAll(recomputed.getOrDefault(inner, List.of()));
      fused.put(inner, new FusedLoop(before, withoutFirstValues(inner, innerBody)));
      out.remove(at);
      out.removeIf(s -> before.stream().anyMatch(b -> b == s));
    }
    return out;
  }

  /**
   * Whether {@code a} and {@code b} cannot swap: one writes what the other names, but for an
   * array both only add into.
   */
  private static boolean shareState(Stmt a, Stmt b) {
    Set<Var> inA = Statements.mentioned(a);
    Set<Var> inB = Statements.mentioned(b);
    for (Var v : written(a)) {
      if (inB.contains(v) && !(addsOnly(a, v) && addsOnly(b, v) && v.type().isArray())) {
        return true;
      }
    }
    for (Var v : written(b)) {
      if (inA.contains(v) && !(addsOnly(a, v) && addsOnly(b, v) && v.type().isArray())) {
        return true;
      }
    }
    return false;
  }

  /** The variables and arrays {@code stmt} and the statements nested in it assign or write. */
  private static Set<Var> written(Stmt stmt) {
    Set<Var> vars = new HashSet<>();
    Statements.forEach(stmt, s -> {
      vars.addAll(BackStmts.assigned(s));
      if (s instanceof Accumulate add) {
        vars.add(add.target());
      } else if (s instanceof Store store) {
        vars.add(store.array());
      } else if (s instanceof ReverseLoop loop && loop.loop().counted() != null) {
        vars.add(loop.loop().counted().index());
      }
    });
    return vars;
  }

  /** The arrays {@code loop} stores into or hands to a call, which may write them. */
  private static Set<Var> writtenIn(Loop loop) {
    Set<Var> written = new HashSet<>();
    Statements.forEach(loop.body(), stmt -> {
      if (stmt instanceof Store store) {
        written.add(store.array());
      } else if (stmt instanceof Assign assign && assign.value() instanceof Call call) {
        call.args().forEach(a -> {
          if (a instanceof Var v && v.type().isArray()) {
            written.add(v);
          }
        });
      }
    });
    return written;
  }

  /**
   * True if no adjoint flows between iterations: the variables from outside the loop that it
   * assigns and that carry derivatives are sums read nowhere else in the loop, and its arrays
   * written are its own or touched only at its counter's row, and unused after it.
   */
  private boolean iterationsIndependent(Loop loop, List<Stmt> after) {
    Var counter = loop.counted().index();
    Map<Var, List<Assign>> outerAssigns = new LinkedHashMap<>();
    Map<Var, List<List<Operand>>> arrayAccesses = new HashMap<>();
    Set<Var> stored = new HashSet<>();
    List<Stmt> inLoop = new ArrayList<>();
    Statements.forEach(loop.body(), inLoop::add);
    for (Stmt stmt : inLoop) {
      if (stmt instanceof Loop inner && inner.counted() == null) {
        return false; // its trip count is declared in the forward body and popped backward
      }
      if (stmt instanceof Assign assign) {
        Var target = assign.target();
        if (!insideLoop(target, loop)) {
          if (target.type().isArray()) {
            return false; // an outer array variable reassigned
          }
          outerAssigns.computeIfAbsent(target, t -> new ArrayList<>()).add(assign);
        }
        if (assign.value() instanceof Load load) {
          if (target.type().isArray() && activity.isActive(target)) {
            return false; // a row under another name: its adjoint is the array's row
          }
          arrayAccesses.computeIfAbsent(load.array(), a -> new ArrayList<>()).add(load.indices());
        } else if (assign.value() instanceof Call call) {
          call.args().forEach(a -> {
            if (a instanceof Var v && v.type().isArray() && !insideLoop(v, loop)) {
              arrayAccesses.computeIfAbsent(v, x -> new ArrayList<>()).add(List.of());
            }
          });
        }
      } else if (stmt instanceof Store store) {
        stored.add(store.array());
        arrayAccesses.computeIfAbsent(store.array(), a -> new ArrayList<>())
            .add(store.indices());
      }
    }
    for (var entry : outerAssigns.entrySet()) {
      Var sum = entry.getKey();
      if (!activity.isActive(sum)) {
        continue; // no adjoint to carry
      }
      for (Assign assign : entry.getValue()) {
        if (!assign.value().operands().contains(sum) || !passesThrough.test(assign)) {
          return false;
        }
      }
      for (Stmt stmt : inLoop) {
        if (mentions(stmt, sum) && !entry.getValue().contains(stmt)) {
          return false; // the sum's running value is read: its adjoint changes per iteration
        }
      }
    }
    for (Var array : stored) {
      if (insideLoop(array, loop) || !activity.isActive(array)) {
        continue; // a fresh array each iteration, or one without an adjoint
      }
      boolean separated = scratch.isScratchOf(array, loop);
      List<List<Operand>> accesses = arrayAccesses.get(array);
      int width = accesses.stream().mapToInt(List::size).min().orElse(0);
      for (int p = 0; p < width; p++) {
        final int place = p;
        separated |= accesses.stream().allMatch(i -> i.get(place).equals(counter));
      }
      if (!separated) {
        return false;
      }
      for (Stmt stmt : after) {
        List<Stmt> all = new ArrayList<>();
        Statements.forEach(stmt, all::add);
        if (all.stream().anyMatch(s -> mentions(s, array))) {
          return false; // read after the loop: its adjoint comes from after the loop
        }
      }
    }
    return true;
  }

  /**
   * Whether {@code v} is an array adjoint that the loop's backward pass and every statement of the
   * backward sweep before it only add into (but its zero initialization): then only that
   * initialization must come before the fused loop, and nothing that moves there reads it.
   */
  private boolean onlyAddedInto(Var v, Block loopPass, int at) {
    if (!v.type().isArray() || !addsOnly(loopPass, v) || loopPass.statements().stream()
        .noneMatch(stmt -> Statements.mentioned(stmt).contains(v))) {
      return false;
    }
    for (int k = 0; k < at; k++) {
      Stmt stmt = backward.get(k);
      if (!BackStmts.isZeroInit(stmt) && !addsOnly(stmt, v)) {
        return false;
      }
    }
    return true;
  }

  /** Whether every statement in {@code body} that names {@code v} only adds into it. */
  private static boolean addsOnly(Block body, Var v) {
    for (Stmt stmt : body.statements()) {
      if (!addsOnly(stmt, v)) {
        return false;
      }
    }
    return true;
  }

  private static boolean addsOnly(Stmt stmt, Var v) {
    boolean[] other = {false};
    Statements.forEach(stmt, s -> {
      if (s instanceof Accumulate add && add.target().equals(v)) {
        List<Operand> read = new ArrayList<>(add.indices());
        read.add(add.value());
        other[0] |= Exprs.vars(read).contains(v);
      } else {
        other[0] |= Statements.vars(s).contains(v); // read, assigned, a branch's condition
      }
    });
    return !other[0];
  }

  /** Whether a call of a derivative in {@code body} is given {@code buffer}. */
  private static boolean callsIn(Block body, Var buffer) {
    boolean[] found = {false};
    Statements.forEach(body, stmt -> found[0] |= stmt instanceof DerivativeCall call
        && call.arguments().contains(buffer));
    return found[0];
  }

  private boolean insideLoop(Var v, Loop loop) {
    Block block = loops.home(v);
    if (block == null) {
      return false;
    }
    boolean[] found = {block == loop.body()};
    Statements.forEach(loop.body(), stmt -> {
      if (stmt instanceof If branch) {
        found[0] |= branch.then() == block || branch.otherwise() == block;
      } else if (stmt instanceof Loop inner) {
        found[0] |= inner.body() == block || inner.header() == block;
      }
    });
    return found[0] || loop.counted().index().equals(v);
  }

  /**
   * True for a restore of an array element or of a variable declared outside the loop; not of an
   * element of a scratch array every iteration overwrites before reading and nobody reads after
   * the loop (the restored value is overwritten before anything reads it).
   */
  private boolean restoresOuterValue(Stmt stmt, Loop loop) {
    boolean[] found = {false};
    Statements.forEach(stmt, s -> found[0] |= s instanceof Pop pop
        && (!pop.indices().isEmpty() && !scratch.isScratchOf(pop.target(), loop)
            || pop.indices().isEmpty() && !insideLoop(pop.target(), loop))
        || s instanceof Assign undo && primal.contains(undo.target())
            && !insideLoop(undo.target(), loop)); // an integer update undone: k = k - 2
    return found[0];
  }

  /** Parameters, and variables assigned only in the top-level statements before {@code end}. */
  private Set<Var> definedBefore(int end) {
    Set<Var> before = new HashSet<>();
    function.params().stream().map(Param::var).forEach(before::add);
    List<Stmt> top = function.body().statements();
    Set<Var> later = new HashSet<>();
    for (int k = 0; k < top.size(); k++) {
      Set<Var> target = k < end ? before : later;
      Statements.forEach(top.get(k), stmt -> {
        if (stmt instanceof Assign assign) {
          target.add(assign.target());
        } else if (stmt instanceof Loop loop && loop.counted() != null) {
          target.add(loop.counted().index());
        }
      });
    }
    before.removeAll(later);
    return before;
  }

  private static boolean mentions(Stmt stmt, Var v) {
    return Statements.vars(stmt).contains(v);
  }
}
