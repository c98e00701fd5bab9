package dev.adjoint.processor.reverse;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.AddArray;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Break;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Terms;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.Zeros;
import dev.adjoint.processor.plan.DerivativeSignature;
import dev.adjoint.processor.rules.DerivativeRules;
import dev.adjoint.processor.rules.DerivativeRules.Flow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Builds the backward sweep of a function: statements in reverse, each active assignment
 * {@code r = op(a, b)} turned into contributions to {@code da} and {@code db} from {@code dr}.
 *
 * <p>Each scalar adjoint is declared in the block (reversed) where its variable is declared: by
 * its first contribution ({@code double dq = z * seed;}) when that is not inside a branch or
 * loop, else by a {@code double dq = 0.0;} at the start of that block. Array adjoints are zero
 * arrays of the same shape, or the caller's buffers for parameters.
 *
 * <p>To-be-recorded: outside loops every scalar is written once (SSA), so nothing is saved. A
 * value the backward sweep reads and the forward sweep overwrites (a variable assigned in a loop,
 * an array element written) is pushed before it is overwritten and restored after the adjoint of
 * that statement, and only those: the sweep is built once to learn what it reads, then again
 * with the restores. What is cheaper to compute again than to save (integer index arithmetic,
 * elements of arrays that still hold the same values, arithmetic on those) is not saved: see
 * {@link Recomputation}.
 */
public final class ReverseSweep {
  private final Function function;
  private final Activity activity;
  private final DerivativeSignature signature;
  private final Adjoint.TapeNames tapes;
  private final Var seed;
  private final LoopFacts loops;
  private final ScaledSquares squares;
  private final Map<Var, Var> adjoints = new HashMap<>();
  private final Map<Loop, Adjoint.Trips> trips = new IdentityHashMap<>();
  /** What the backward sweep reads; grows while building. */
  private final Set<Var> reads = new LinkedHashSet<>();
  /** What the adjoint of each forward statement reads. */
  private final Map<Stmt, Set<Var>> uses = new IdentityHashMap<>();
  /** Per loop, the variables the backward sweep reads as the loop left them. */
  private final Map<Loop, Set<Var>> exitUses = new IdentityHashMap<>();
  /**
   * Per loop {@link #toBeRecorded} is in, innermost first: the TBR sets of the sides of
   * {@code if}s that end in a break, which hold after the loop.
   */
  private final Deque<Set<Var>> leaving = new ArrayDeque<>();
  /** The forward statement whose adjoint is being built. */
  private Stmt current;
  /** Arrays whose shape (not elements) the backward sweep reads, for their zero adjoints. */
  private final Set<Var> shapeReads = new LinkedHashSet<>();
  /**
   * Replayable arrays the backward sweep reads whose name a loop moves on to each iteration's
   * new array ({@link Recomputation#keepsItsArray}): each such assignment saves the name.
   */
  private final Set<Var> movedNames = new LinkedHashSet<>();
  /** Statements whose overwritten value is saved; decided between the two builds. */
  private final Set<Stmt> pushed = Collections.newSetFromMap(new IdentityHashMap<>());
  /**
   * Assignments the backward sweep undoes by an inverse ({@link #inverse}) instead of a push
   * and a pop: integer updates {@code k = k + c} (exact: integer addition wraps), copies whose
   * overwritten value another variable still holds; decided with {@link #pushed}.
   */
  private final Set<Stmt> inverted = Collections.newSetFromMap(new IdentityHashMap<>());
  /**
   * Arrays assigned to one another ({@code y = z}): their adjoints are shadows that the forward
   * sweep allocates and assigns along with them, so an adjoint follows its array.
   */
  private final Set<Var> shadows = new LinkedHashSet<>();
  /** Rows of matrices passed to calls, by the variable holding the row. */
  private final Map<Var, Load> rowLoads = new HashMap<>();
  /** Temporaries read from arrays nobody writes: the backward sweep reads the element again. */
  private final Map<Var, Operand> rematerialized = new HashMap<>();
  /** Each side of an {@code if}, with the {@code if} ({@link #branchHolding}). */
  private final Map<Block, If> branchesBySide = new IdentityHashMap<>();
  /** Of {@link #rematerialized}, those valid only where they are used: see {@link #findLocal}. */
  private final Set<Var> local = new HashSet<>();
  /** Values the backward sweep computes again at the start of a loop's iteration. */
  private Recomputation recomputation;
  /** The loops a first build fused, which this one assumes fused; empty in a first build. */
  private final Set<Loop> fused;
  /**
   * Arrays whose overwritten elements the backward sweep puts back, so that it reads their
   * elements again instead of the forward sweep saving each read: of the arrays a previous
   * build saved reads of, those {@link Recomputation#isRestorable}. Empty in other builds.
   */
  private final Set<Var> restored = new HashSet<>();
  /** Of {@link #rematerialized}, the reads of {@link #restored} arrays. */
  private final Set<Var> restoredReads = new HashSet<>();
  /**
   * Stores into restored arrays whose value, a variable otherwise saved, is read back from the
   * element just before the element is put back ({@link #findReadBeforeRestore}).
   */
  private final Set<Store> readBeforeRestore =
      Collections.newSetFromMap(new IdentityHashMap<>());
  /** The arrays whose reads a previous build saved, the candidates for {@link #restored}. */
  private final Set<Var> restoreCandidates;
  /** What the rewrites of the primal noted: running maxima, integers' end values. */
  private final Notes notes;
  /** The recomputed values the backward sweep reads (and those they are computed from). */
  private final Set<Var> recomputeNeeded = new HashSet<>();
  /** Per loop, the statements its backward pass starts with to recompute values. */
  private final Map<Loop, List<Stmt>> recomputeStatements = new IdentityHashMap<>();
  /** The primal's variables: what the backward sweep reads of the forward sweep. */
  private final Set<Var> primal = new HashSet<>();
  private final Map<Assign, Var[]> captures = new IdentityHashMap<>();
  /** Copies of one array variable into another undone by another copy ({@link SwappedArrays}). */
  private final Map<Assign, Var> swapped;
  /** Per call, the buffer its pullback adds the scalar arguments' adjoints into. */
  private final Map<Assign, CallBuffer> callBuffers = new IdentityHashMap<>();

  private record CallBuffer(Var buffer, int size) {}
  // per build
  private final Set<Var> declared = new HashSet<>();
  /** The scaled operands of squares ({@link ScaledSquares}), which get no adjoint. */
  private final Set<Var> scaledAway = new HashSet<>();
  private final Map<Block, Set<Var>> zeroInits = new IdentityHashMap<>();

  private ReverseSweep(Function function, Activity activity, Set<Loop> fused, Notes notes,
      Set<Var> restoreCandidates) {
    this.function = function;
    this.activity = activity;
    this.fused = fused;
    this.notes = notes;
    this.restoreCandidates = restoreCandidates;
    this.loops = LoopFacts.of(function);
    this.squares = new ScaledSquares(function, loops);
    this.swapped = SwappedArrays.of(function, loops);
    var scope = function.names();
    this.signature = DerivativeSignature.pullback(function.name(), function.params(),
        function.result().type(), scope);
    signature.derivatives().forEach((p, d) -> adjoints.put(p.var(), new Var(d, p.var().type())));
    this.seed = new Var(signature.seed(), signature.result());
    this.tapes = new Adjoint.TapeNames(scope.fresh("doubleTape"), scope.fresh("intTape"),
        scope.fresh("arrayTape"), scope.fresh("doubles"), scope.fresh("doublesTop"),
        scope.fresh("ints"), scope.fresh("intsTop"));
  }

  /**
   * The adjoint of {@code function}, its running maxima noting their winners ({@link
   * RunningExtremes}): as written; then, each kept if the forward sweep saves fewer values, with
   * the scratch arrays whose reads it saves, and the values it saves per iteration, given one row
   * per iteration ({@link ScratchRows}), and with the integers it saves that end every iteration
   * at the same value put back from that value ({@link IterationEnds}); last, kept if its tape
   * traffic is lower, with the elements of arrays it saves reads of put back instead
   * ({@link #withRestoredArrays}).
   */
  public static Adjoint of(Function function, Activity activity) {
    RunningExtremes.Rewritten noted = RunningExtremes.of(function, activity);
    Function best = noted.function();
    Notes notes = new Notes(noted.loops(), noted.choices(), Map.of());
    Activity bestActivity = best == function ? activity : Activity.of(best);
    Adjoint adjoint = ofAsWritten(best, bestActivity, notes);
    Function withRows = ScratchRows.of(best, savedReads(adjoint), savedValues(adjoint),
        adjoint.fused().keySet());
    if (withRows != best) {
      Adjoint rows = ofAsWritten(withRows, Activity.of(withRows), notes);
      if (rows.pushed().size() < adjoint.pushed().size()) {
        best = withRows;
        bestActivity = Activity.of(withRows);
        adjoint = rows;
      }
    }
    IterationEnds.Rewritten ends = IterationEnds.of(best, savedResets(adjoint));
    if (ends.function() != best) {
      Notes withEndsNotes = new Notes(notes.extremes(), notes.choices(), ends.ends());
      Adjoint withEnds = ofAsWritten(ends.function(), Activity.of(ends.function()),
          withEndsNotes);
      if (withEnds.pushed().size() < adjoint.pushed().size()) {
        best = ends.function();
        bestActivity = Activity.of(best);
        notes = withEndsNotes;
        adjoint = withEnds;
      }
    }
    return withRestoredArrays(adjoint, best, bestActivity, notes);
  }

  /**
   * {@code adjoint}, or its function's adjoint with the overwritten elements of arrays whose
   * reads {@code adjoint} saves put back by the backward sweep instead, if that saves fewer values
   * per call. Tapenade's choice between saving what a statement reads and restoring what one
   * overwrites: a recurrent state in two buffers swapped each step ({@code next[j] =
   * tanh(W[j] . state)}, then {@code state} and {@code next} exchanged) is read {@code h} times
   * per element written, so putting back the {@code h} elements each step writes saves {@code h}
   * values where saving the reads saves {@code h * h}. Not where loops fuse (their iterations'
   * backward passes would put back what the next iteration reads).
   */
  private static Adjoint withRestoredArrays(Adjoint adjoint, Function function,
      Activity activity, Notes notes) {
    Set<Var> candidates = savedReads(adjoint);
    if (candidates.isEmpty() || !adjoint.fused().isEmpty()) {
      return adjoint;
    }
    Adjoint restoring = new ReverseSweep(function.withOwnNames(), activity, Set.of(), notes,
        candidates).build();
    return restoring.fused().isEmpty() && traffic(restoring) < traffic(adjoint)
        ? restoring : adjoint;
  }

  /**
   * The values the forward sweep of {@code adjoint} saves per call, as a measure to compare
   * builds by: each saving statement counts 16 times for each loop around it.
   */
  private static long traffic(Adjoint adjoint) {
    long values = 0;
    for (Stmt stmt : adjoint.pushed()) {
      values += 1L << (4 * adjoint.loops().loopsAround(stmt).size());
    }
    return values;
  }

  /**
   * What the rewrites of the primal tell the builds: the loops keeping a running maximum, and
   * the integers whose value at every iteration's end is kept in a variable.
   */
  private record Notes(Map<Loop, RunningExtremes.Extreme> extremes,
      Map<Assign, RunningExtremes.Choice> choices, Map<Assign, Var> ends) {}

  /** The {@code double} values the forward sweep saves per iteration: the assignments. */
  private static Set<Assign> savedValues(Adjoint adjoint) {
    Set<Assign> values = Collections.newSetFromMap(new IdentityHashMap<>());
    adjoint.pushed().forEach(stmt -> {
      if (stmt instanceof Assign assign && assign.target().type() == Type.DOUBLE
          && !(assign.value() instanceof Load)) {
        values.add(assign);
      }
    });
    return values;
  }

  /** The integer assignments {@code k = e} whose old value the forward sweep saves. */
  private static Set<Assign> savedResets(Adjoint adjoint) {
    Set<Assign> resets = Collections.newSetFromMap(new IdentityHashMap<>());
    adjoint.pushed().forEach(stmt -> {
      if (stmt instanceof Assign assign && assign.target().type() == Type.INT
          && assign.value() instanceof Copy) {
        resets.add(assign);
      }
    });
    return resets;
  }

  /** The arrays some read of which the forward sweep of {@code adjoint} saves. */
  private static Set<Var> savedReads(Adjoint adjoint) {
    Set<Var> arrays = new TreeSet<>(Comparator.comparing(Var::name));
    adjoint.pushed().forEach(stmt -> {
      if (stmt instanceof Assign assign && assign.value() instanceof Load load) {
        arrays.add(load.array());
      }
    });
    return arrays;
  }

  /**
   * The adjoint of {@code function} with its arrays as given. Built once; when loops fuse, built
   * again knowing which, so that arrays their iterations reuse are read again instead of saved
   * ({@link Recomputation}), and kept if the same loops still fuse and fewer values are saved.
   * Each build has its own copy of the names.
   */
  private static Adjoint ofAsWritten(Function function, Activity activity, Notes notes) {
    Adjoint first =
        new ReverseSweep(function.withOwnNames(), activity, Set.of(), notes, Set.of()).build();
    Set<Loop> fused = first.fused().keySet();
    if (fused.isEmpty()) {
      return first;
    }
    Set<Loop> assumed = Collections.newSetFromMap(new IdentityHashMap<>());
    assumed.addAll(fused);
    Adjoint again =
        new ReverseSweep(function.withOwnNames(), activity, assumed, notes, Set.of()).build();
    return again.fused().keySet().containsAll(fused)
        && again.pushed().size() < first.pushed().size() ? again : first;
  }

  private Adjoint build() {
    findRematerializable();
    List<Stmt> backward = reverseBody(); // learn what the sweep reads
    while (decidePushes()) {
      // a restore is read by the branch or loop around it, and reads array indices: build again
      declared.clear();
      zeroInits.clear();
      backward = reverseBody();
    }
    if (findReadBeforeRestore()) {
      declared.clear();
      zeroInits.clear();
      backward = reverseBody();
    }
    Map<Var, Var> paramAdjoints = new LinkedHashMap<>();
    for (Param param : function.differentiableParams()) {
      if (declared.contains(param.var()) || param.var().type().isDoubleArray()) {
        paramAdjoints.put(param.var(), adjointOf(param.var()));
      }
    }
    Set<Var> readByBackward = new LinkedHashSet<>(reads);
    readByBackward.addAll(shapeReads);
    Map<Var, Integer> buffers = new LinkedHashMap<>();
    callBuffers.values().stream() // by name: identity order differs from run to run
        .sorted(java.util.Comparator.comparing(b -> b.buffer().name()))
        .forEach(b -> buffers.put(b.buffer(), b.size()));
    Map<Var, Var> shadowAdjoints = new LinkedHashMap<>();
    shadows.forEach(v -> shadowAdjoints.put(v, adjointOf(v)));
    backward = ElementSums.of(backward, function.names(), new HashSet<>(shadowAdjoints.values()));
    Fusion fusion = shadows.isEmpty()
        ? Fusion.of(function, activity, loops, this::passesThrough, primal, seed,
            buffers.keySet(), backward, recomputeStatements, pushed, rematerialized)
        : null;
    if (fusion != null) {
      pushed.removeAll(fusion.unsaved());
    }
    return new Adjoint(function, loops, signature, fusion == null ? backward : fusion.remaining(),
        paramAdjoints, readByBackward, pushed, trips, buffers, shadowAdjoints,
        fusion == null ? Map.of() : fusion.fused(), tapes);
  }

  /**
   * The backward sweep of the whole body. A vector result's adjoint exists from its start: the
   * seed, copied (the sweep zeroes elements of adjoints as it goes; the caller's seed stays);
   * for a result that is another array's under a second name ({@code h = next; return h;}) the
   * seed is added into the adjoint the forward sweep made and shares with that array.
   */
  private List<Stmt> reverseBody() {
    Var result = function.result();
    if (!result.type().isArray() || !activity.isActive(result)) {
      return reverse(function.body(), 0);
    }
    declared.add(result);
    if (!shadows.contains(result)) {
      zeroInits.computeIfAbsent(loops.home(result), b -> new LinkedHashSet<>()).add(result);
      return reverse(function.body(), 0);
    }
    List<Stmt> backward = new ArrayList<>();
    backward.add(new AddArray(adjointOf(result), seed));
    backward.addAll(reverse(function.body(), 0));
    return backward;
  }

  /**
   * Whether the adjoint must be zeroed after this assignment's contributions: only where an
   * earlier value of the same variable can still receive contributions, that is inside a loop,
   * for a variable carried across iterations or assigned more than once.
   */
  private boolean needsReset(Assign assign) {
    Block body = loops.loopBody(assign);
    return body != null && !assign.target().type().isArray()
        && (loops.home(assign.target()) != body || loops.assignments(assign.target()) > 1);
  }

  /**
   * A temporary {@code t = a[i]} assigned once, from an array no statement writes, at indices that
   * are loop counters or never reassigned, need not be saved: the backward sweep reads
   * {@code a[i]} again where it needs {@code t} (as a person writes {@code dw[i] += x[i] * g}).
   */
  private void findRematerializable() {
    Statements.forEachAssign(function.body(), assign -> {
      if (assign.value() instanceof Copy copy
          && assign.target().type().isDoubleArray()) {
        shadows.add(assign.target());
        shadows.add((Var) copy.a());
      }
    });
    Statements.forEachAssign(function.body(), assign -> {
      if (assign.value() instanceof Load load && assign.target().type().isArray()) {
        rowLoads.put(assign.target(), load);
      }
    });
    Statements.forEach(function.body(), stmt -> {
      if (stmt instanceof Assign assign) {
        primal.add(assign.target());
      } else if (stmt instanceof Declare declare) {
        primal.add(declare.var());
      } else if (stmt instanceof Loop loop && loop.counted() != null) {
        primal.add(loop.counted().index());
      }
    });
    function.params().forEach(p -> primal.add(p.var()));
    recomputation = new Recomputation(function, loops, shadows, fused);
    restoreCandidates.stream().filter(recomputation::isRestorable).forEach(restored::add);
    Statements.forEachAssign(function.body(), assign -> {
      if (loops.assignments(assign.target()) != 1) {
        return;
      }
      if (assign.value() instanceof Load load && restored.contains(load.array())) {
        if (assign.target().type() == Type.DOUBLE
            && load.indices().stream().allMatch(this::isIntact)
            && usedBefore(assign, this::writesRestored)) {
          rematerialized.put(assign.target(), new Nested(Exprs.map(load, this::operand),
              assign.target().type()));
          restoredReads.add(assign.target());
        }
        return;
      }
      if (assign.value() instanceof Load load && shadows.contains(load.array())
          && !recomputation.isReplayable(load.array())) {
        return; // written through another name
      }
      if (isIndexArithmetic(assign)) {
        rematerialized.put(assign.target(),
            new Nested(Exprs.map(assign.value(), this::operand), assign.target().type()));
      } else if (assign.value() instanceof Load load
          && recomputation.isReplayable(load.array())
          && load.indices().stream().allMatch(i -> isIntact(i))) {
        rematerialized.put(assign.target(),
            new Nested(Exprs.map(load, this::operand), assign.target().type()));
      } else if (assign.value() instanceof Length length
          // a row's length set once at the top (int d = m[0].length) is in scope and intact in
          // the whole backward sweep: read by its name, not loaded again at every use
          && !(!length.rows().isEmpty() && loops.home(assign.target()) == function.body())
          && (!loops.isAssignedInLoop(length.array())
              || recomputation.isReplayable(length.array())
              // a restored buffer's name is put back wherever a loop swaps it
              || restored.contains(length.array()) && usedBefore(assign, stmt ->
                  stmt instanceof Assign named && shadows.contains(named.target())))
          && length.rows().stream().allMatch(i -> isIntact(i))) {
        rematerialized.put(assign.target(),
            new Nested(Exprs.map(length, this::operand), assign.target().type()));
      }
    });
    // values recomputed at an iteration's start must not read a restored array: at that point
    // the iteration's later writes are not yet put back
    recomputation.findRecomputed(v -> rematerialized.containsKey(v) && !restoredReads.contains(v));
    rematerialized.keySet().removeIf(recomputation::isRecomputed);
    findLocal();
  }

  /**
   * Whether every statement that reads {@code definition}'s target follows it in its block (or
   * is nested in one that does), with no statement that {@code writes} in between or around it:
   * where the backward sweep builds those statements' adjoints, what the definition read holds
   * again what it held there.
   */
  private boolean usedBefore(Assign definition, Predicate<Stmt> writes) {
    Var t = definition.target();
    int[] uses = {0};
    Statements.forEach(function.body(), stmt -> {
      if (stmt != definition && Statements.vars(stmt).contains(t)) {
        uses[0]++;
      }
    });
    List<Stmt> block = loops.blockOf(definition).statements();
    for (int k = indexInItsBlock(definition) + 1; k < block.size() && uses[0] > 0; k++) {
      boolean[] written = {false};
      Statements.forEach(block.get(k), stmt -> {
        written[0] |= writes.test(stmt);
        if (Statements.vars(stmt).contains(t)) {
          uses[0]--;
        }
      });
      if (written[0]) {
        return false;
      }
    }
    return uses[0] == 0;
  }

  /**
   * {@code t = Math.tanh(a); next[i] = t;} into a restored array: where the backward sweep
   * reverses the store, before it puts the old element back, the element holds {@code t}, so
   * {@code t} is read from it there instead of saved. Only for a plain store (after
   * {@code next[i] += t} the element holds the sum), of a {@code double} assigned once, its store
   * following it in the same block with no branch or loop between, and no use of
   * {@code t} but between the two (the adjoints of later uses, built before the store's, would
   * read another iteration's value). True if any was found.
   */
  private boolean findReadBeforeRestore() {
    Set<Stmt> unsaved = new HashSet<>();
    Statements.forEach(function.body(), stmt -> {
      if (!(stmt instanceof Store store) || !pushed.contains(store) || store.compound() != null
          || !writesRestored(store.array()) || !(store.value() instanceof Var v)
          || v.type() != Type.DOUBLE || loops.assignments(v) != 1) {
        return;
      }
      List<Stmt> block = loops.blockOf(store).statements();
      for (int k = indexInItsBlock(store) - 1; k >= 0; k--) {
        Stmt before = block.get(k);
        if (before instanceof If || before instanceof Loop || before instanceof Break) {
          return;
        }
        if (before instanceof Assign assign && assign.target().equals(v)) {
          int[] elsewhere = {0}; // mentions of v other than between its assignment and store
          Statements.forEach(function.body(), s -> {
            if (s != assign && s != store && Statements.vars(s).contains(v)
                && !(loops.position(s) > loops.position(assign)
                    && loops.position(s) < loops.position(store))) {
              elsewhere[0]++;
            }
          });
          if (elsewhere[0] == 0 && pushed.contains(assign)) {
            unsaved.add(assign);
            readBeforeRestore.add(store);
          }
          return;
        }
      }
    });
    pushed.removeAll(unsaved);
    return !unsaved.isEmpty();
  }

  /** Where {@code stmt} stands in the block that holds it (by identity). */
  private int indexInItsBlock(Stmt stmt) {
    List<Stmt> block = loops.blockOf(stmt).statements();
    int at = 0;
    while (block.get(at) != stmt) {
      at++;
    }
    return at;
  }

  /** A write to a restored array's elements or name, or a call (which may write into one). */
  private boolean writesRestored(Stmt stmt) {
    return stmt instanceof Store store && writesRestored(store.array())
        || stmt instanceof Assign assign
            && (writesRestored(assign.target()) || assign.value() instanceof Call);
  }

  /** True if {@code array} is restored or shares its elements with one that is. */
  private boolean writesRestored(Var array) {
    return restored.contains(array) || shadows.contains(array) && !restored.isEmpty();
  }

  /**
   * {@code t = p[k]}, {@code t = k + 1}, {@code t = p[k] * x[i]}, {@code e = x[t] - s}: an
   * element of a replayable array, a copy or cheap arithmetic, reading an integer {@code k} that
   * loops update ({@code k++}) or a double {@code s} that they reassign (a state, {@code s =
   * alpha * x[t] + (1 - alpha) * s}), and otherwise only intact values, values its iteration
   * recomputes, or other such temporaries. {@code k} and {@code s} are not intact for the whole
   * sweep, but where a statement's adjoint reads them the backward sweep puts them back (pop or
   * inverse update) to their values at that statement: reading them there is what makes the
   * forward sweep save them. So when {@code t} is used only by later statements of its own
   * block (or, read from doubles only, on the sides of {@code if}s in it: {@code if (jump > 5)
   * break; else s += jump * old;}) and nothing assigns {@code k} or {@code s} from {@code t}'s
   * assignment to its last use (nor, for a double, at it: its restore belongs to its
   * assignment's adjoint), the backward sweep computes {@code t} again at each use instead of
   * saving it, as a person writes {@code dp[k] += x[i] * g}, or keeps only the states of
   * exponential smoothing. Uses that only pass {@code t} on ({@link #passesOn}) need no value.
   */
  private void findLocal() {
    Map<Var, List<Stmt>> mentions = new HashMap<>();
    Statements.forEach(function.body(), stmt -> Statements.vars(stmt).forEach(v ->
        mentions.computeIfAbsent(v, x -> new ArrayList<>()).add(stmt)));
    Map<Var, Set<Var>> updatedReads = new HashMap<>(); // per temporary, the updated values it reads
    Map<Var, Integer> from = new HashMap<>(); // per temporary, where its first reading is
    Statements.forEachWithPlace(function.body(), (stmt, place) -> {
      if (!(stmt instanceof Assign assign) || !place.inLoop() || !isCheapLocally(assign)) {
        return;
      }
      Var t = assign.target();
      Set<Var> updated = new HashSet<>();
      int start = loops.position(assign);
      for (Operand o : assign.value().operands()) {
        if (!(o instanceof Var v) || isIntact(v)
            || recomputation.recomputedAt(v) == place.loopBody()) {
          continue;
        }
        if (local.contains(v)) {
          updated.addAll(updatedReads.get(v));
          start = Math.min(start, from.get(v));
        } else if ((v.type() == Type.INT || v.type() == Type.LONG) && primal.contains(v)
            && !activity.isActive(v) || v.type() == Type.DOUBLE && primal.contains(v)) {
          updated.add(v);
        } else {
          return;
        }
      }
      int end = start;
      boolean readsDoublesOnly = updated.stream().allMatch(v -> v.type() == Type.DOUBLE);
      for (Stmt use : mentions.getOrDefault(t, List.of())) {
        if (use != assign) {
          boolean here = readsDoublesOnly ? inBranchesOf(use, place.block())
              : loops.blockOf(use) == place.block();
          if (!here || use instanceof If || use instanceof Loop
              || loops.position(use) < loops.position(assign)) {
            return; // used elsewhere: k may differ there
          }
          if (!passesOn(use, t)) {
            end = Math.max(end, loops.position(use));
          }
        }
      }
      for (Var k : updated) {
        for (Stmt write : mentions.get(k)) {
          int at = loops.position(write);
          // a double's restore comes with its assignment's adjoint, which may read t: so not
          // even the last use may assign it
          if (write instanceof Assign a && a.target().equals(k) && at > start
              && (at < end || at == end && k.type() == Type.DOUBLE)) {
            return;
          }
        }
      }
      if (!updated.isEmpty()) {
        local.add(t);
        updatedReads.put(t, updated);
        from.put(t, start);
        rematerialized.put(t, new Nested(Exprs.map(assign.value(), this::operand), t.type()));
      }
    });
  }

  /**
   * Whether {@code use} only passes a double {@code t} on, {@code level = t} or
   * {@code u = t + c}: its adjoint adds into {@code t}'s without reading {@code t}, so where it
   * runs in the backward sweep {@code t} need not be computable.
   */
  private static boolean passesOn(Stmt use, Var t) {
    if (t.type() != Type.DOUBLE || !(use instanceof Assign assign)
        || assign.target().equals(t)) {
      return false;
    }
    return assign.value() instanceof Copy copy && copy.a().equals(t)
        || assign.value() instanceof Binary binary
            && (binary.op() == Binary.Op.ADD || binary.op() == Binary.Op.SUB);
  }

  /**
   * An element of a replayable array, a double's copy, or {@code +}, {@code -}, {@code *},
   * assigned once.
   */
  private boolean isCheapLocally(Assign assign) {
    Var t = assign.target();
    if (t.type().isArray() || t.equals(function.result()) || loops.assignments(t) != 1
        || rematerialized.containsKey(t) || recomputation.isRecomputed(t)
        || shadows.contains(t) || assign.value().operands().contains(t)) {
      return false;
    }
    return assign.value() instanceof Load load && recomputation.isReplayable(load.array())
        || assign.value() instanceof Copy && t.type() == Type.DOUBLE
        || assign.value() instanceof Binary binary && switch (binary.op()) {
          case ADD, SUB, MUL -> true;
          default -> false;
        };
  }

  /**
   * A constant, a loop counter, a variable never assigned in a loop, or one recomputed from
   * those: its value in the backward sweep is the forward sweep's.
   */
  private boolean isIntact(Operand index) {
    return !(index instanceof Var v) || loops.isCounter(v) || !loops.isAssignedInLoop(v)
        || rematerialized.containsKey(v) && !local.contains(v);
  }

  /**
   * {@code t = 2 * i + 1} and the like: integer arithmetic on intact values, which the backward
   * sweep recomputes (cheaper than a push and a pop).
   */
  private boolean isIndexArithmetic(Assign assign) {
    Type type = assign.target().type();
    return (type == Type.INT || type == Type.LONG) && assign.value() instanceof Binary binary
        && switch (binary.op()) {
          case ADD, SUB, MUL, DIV, REM -> true;
          default -> false;
        }
        && isIntact(binary.a()) && isIntact(binary.b());
  }

  /**
   * Adds to {@link #pushed} what overwrites a value the backward sweep still needs; true if
   * anything new. To-be-recorded analysis (Tapenade's TBR), forward over the body: a variable
   * joins the set when a statement's adjoint reads it and leaves when it is overwritten; an
   * assignment to a variable in the set saves the old value. So {@code s = s + x[i]} saves
   * nothing (its adjoint reads no s) while {@code r = r * x} saves r.
   */
  private boolean decidePushes() {
    int before = pushed.size() + inverted.size();
    toBeRecorded(function.body(), new HashSet<>());
    Statements.forEach(function.body(), stmt -> {
      if (stmt instanceof Assign assign && loops.loopBody(assign) != null
          && (shapeReads.contains(assign.target()) || shadows.contains(assign.target())
              || movedNames.contains(assign.target()))) {
        // an array a loop makes anew, whose shape or elements are read back
        (inverse(assign) != null ? inverted : pushed).add(stmt);
      }
      if (stmt instanceof Store store && pushed.contains(stmt)) {
        current = store;
        readIndices(store.indices()); // restoring the element reads its indices
      }
    });
    return pushed.size() + inverted.size() > before;
  }

  /** Whether {@code block} ends in a break: it leaves its loop whenever it runs to its end. */
  private static boolean leaves(Block block) {
    List<Stmt> statements = block.statements();
    return !statements.isEmpty() && statements.get(statements.size() - 1) instanceof Break;
  }

  /** The TBR set after {@code block}, given the set before it; marks the pushes it finds. */
  private Set<Var> toBeRecorded(Block block, Set<Var> in) {
    Set<Var> tbr = new HashSet<>(in);
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof Assign assign) {
        Set<Var> used = uses.getOrDefault(stmt, Set.of());
        boolean readsOldValue = assign.value().operands().contains(assign.target())
            && used.contains(assign.target()); // r = r * x: its own adjoint reads the old r
        boolean needed = (tbr.contains(assign.target()) || readsOldValue)
            && !assign.target().equals(function.result()); // assigned once, returned after
        if (needed && inverse(assign) != null) {
          inverted.add(assign); // undone by its inverse, which needs the new value kept
        } else {
          if (needed) {
            pushed.add(assign);
          }
          tbr.remove(assign.target());
        }
        tbr.addAll(uses.getOrDefault(stmt, Set.of()));
      } else if (stmt instanceof Store store) {
        if (tbr.contains(store.array())
            || (shadows.contains(store.array()) && tbr.stream().anyMatch(shadows::contains))) {
          pushed.add(store);
        }
        tbr.addAll(uses.getOrDefault(stmt, Set.of()));
      } else if (stmt instanceof If branch) {
        tbr.addAll(uses.getOrDefault(stmt, Set.of()));
        Set<Var> after = new HashSet<>();
        for (Block side : List.of(branch.then(), branch.otherwise())) {
          // a side that ends in a break goes on after the loop, not into its next iteration
          (leaves(side) && !leaving.isEmpty() ? leaving.peek() : after)
              .addAll(toBeRecorded(side, tbr));
        }
        tbr = after;
      } else if (stmt instanceof Loop loop) {
        tbr.addAll(uses.getOrDefault(stmt, Set.of()));
        Set<Var> entry = tbr;
        Set<Var> head = new HashSet<>(entry);
        Set<Var> left;
        while (true) {
          leaving.push(new HashSet<>());
          Set<Var> end = toBeRecorded(loop.body(), toBeRecorded(loop.header(), head));
          left = leaving.pop();
          Set<Var> next = new HashSet<>(entry);
          next.addAll(end);
          if (next.equals(head)) {
            break;
          }
          head = next;
        }
        tbr = head; // leaving from the test: all are in the head's set
        tbr.addAll(left); // or from a break
        tbr.addAll(exitUses.getOrDefault(loop, Set.of()));
      }
    }
    return tbr;
  }

  // ---- reversing statements --------------------------------------------------------------

  private List<Stmt> reverse(Block block, int loopDepth) {
    List<Stmt> out = new ArrayList<>();
    List<Stmt> statements = new ArrayList<>(block.statements());
    Collections.reverse(statements);
    for (Stmt stmt : statements) {
      current = stmt;
      if (stmt instanceof Assign assign) {
        reverse(assign, block, loopDepth, out);
      } else if (stmt instanceof Store store) {
        reverse(store, block, out);
      } else if (stmt instanceof If branch) {
        reverse(branch, loopDepth, out);
      } else if (stmt instanceof Loop loop) {
        reverse(loop, loopDepth, out);
      }
    }
    List<Stmt> withInits = new ArrayList<>();
    for (Var v : zeroInits.getOrDefault(block, Set.of())) {
      withInits.add(new Declare(adjointOf(v),
          v.type() == Type.DOUBLE ? new Copy(Constant.ZERO)
              : v.equals(function.result()) ? new CloneArray(seed) : new Zeros(v)));
    }
    withInits.addAll(out);
    return withInits;
  }

  private void reverse(Assign assign, Block block, int loopDepth, List<Stmt> out) {
    RunningExtremes.Choice choice = notes.choices().get(assign);
    if (choice != null) {
      reverse(choice, block, out);
      return;
    }
    Var target = assign.target();
    boolean isResult = target.equals(function.result()) && !target.type().isArray();
    boolean restore = pushed.contains(assign) || inverted.contains(assign);
    if (scaledAway.contains(target)) {
      if (restore) {
        undo(assign, out);
      }
      return; // the k x of (k x) x, whose x received it all: no adjoint, not even zeros
    }
    if (activity.isActive(target) && !isResult && !declared.contains(target)
        && !target.type().isArray() && loops.loopBody(assign) != null) {
      // later iterations, reversed later in the code, may still flow into it
      declared.add(target);
      zeroInits.computeIfAbsent(loops.home(target), b -> new LinkedHashSet<>()).add(target);
    }
    boolean hasAdjoint = activity.isActive(target)
        && (isResult || declared.contains(target) || shadows.contains(target));
    if (!hasAdjoint) {
      if (restore) {
        undo(assign, out);
      }
      return; // inactive, or nothing flowed back into it: every contribution would be zero
    }
    Var adjoint = isResult ? seed : adjointOf(target);
    boolean reads = assign.value().operands().contains(target);
    Var result = target;
    if (reads && target.type().isArray()) {
      // h = layer(..., h): the new h's adjoint seeds the call's pullback, the old h (back from
      // the tape: the call's argument) gets an adjoint of its own shape, from zeros, unless
      // the tape gives back the adjoint the forward sweep made for it (a shadow)
      Var g = captures.computeIfAbsent(assign, a -> new Var[] {
          new Var(function.names().numbered("g"), target.type())})[0];
      out.add(new Declare(g, new Copy(adjoint)));
      if (restore) {
        restore(target, out);
      }
      if (!(restore && shadows.contains(target))) { // else the tape gave it back (h = x)
        out.add(new Assign(adjoint, new Zeros(target), null));
      }
      contributions(assign, target, g, block, out, true);
      return;
    }
    if (reads && passesThrough(assign)) {
      // s = s + t: s's adjoint flows to the old s unchanged; only the other operands receive
      contributions(assign, result, adjoint, block, out, false);
      if (restore) {
        undo(assign, out);
      }
      return;
    }
    if (reads) {
      // r = f(r, ...): take r's adjoint before the operand r receives its own
      Var[] captured = captures.computeIfAbsent(assign, a -> new Var[] {
          new Var(function.names().numbered("g"), Type.DOUBLE),
          new Var(function.names().numbered("r"), target.type())});
      Var g = captured[0];
      out.add(new Declare(g, new Copy(adjoint)));
      out.add(reset(adjoint, List.of(), null));
      adjoint = g;
      if (restore) {
        // the old r comes back from the tape; keep the new one only if a rule reads it
        List<Stmt> contributions = new ArrayList<>();
        contributions(assign, captured[1], adjoint, block, contributions, true);
        if (contributions.stream().anyMatch(c -> c instanceof Accumulate a
            && Exprs.vars(a.value()).contains(captured[1]))) {
          out.add(new Declare(captured[1], new Copy(target)));
        }
        undo(assign, out);
        out.addAll(contributions);
        return;
      }
    }
    contributions(assign, result, adjoint, block, out, true);
    if (!reads && !isResult && needsReset(assign)) {
      out.add(reset(adjoint, List.of(), null));
    }
    if (restore) {
      undo(assign, out);
    }
  }

  /** Puts back the value {@code assign} overwrote: by its inverse, or from the tape. */
  private void undo(Assign assign, List<Stmt> out) {
    if (inverted.contains(assign)) { // inverse(assign) is not null: that put it there
      Expr value = Exprs.map(inverse(assign), this::operand);
      value.operands().forEach(this::read);
      out.add(new Assign(assign.target(), value, null));
      if (shadows.contains(assign.target()) && value instanceof Copy copy) {
        out.add(new Assign(adjointOf(assign.target()), new Copy(adjointOf((Var) copy.a())), null));
      }
    } else {
      restore(assign.target(), out);
    }
  }

  /**
   * What undoes {@code assign} without the tape: the array variable that still holds the array
   * a copy overwrote ({@link SwappedArrays}), the value every iteration ends at (IterationEnds),
   * the copy taken before it ({@link #copiedBefore}), false for a test that leaves the loop when
   * true ({@link #decidesExit}), or {@code k - c} for an inactive integer update
   * {@code k = k + c} (and {@code k + c} for {@code k = k - c}) whose {@code c} has its forward
   * value wherever the backward sweep undoes it; else null.
   */
  private Expr inverse(Assign assign) {
    Var back = swapped.get(assign);
    if (back != null) {
      return new Copy(back); // the array it overwrote, under another name (SwappedArrays)
    }
    Var end = notes.ends().get(assign);
    if (end != null) {
      return new Copy(end); // the value every iteration ends at (IterationEnds)
    }
    Var old = copiedBefore(assign);
    if (old != null) {
      return new Copy(old);
    }
    if (decidesExit(assign)) {
      return new Copy(Constant.FALSE); // true only in the iteration that leaves
    }
    Var k = assign.target();
    if (k.type() != Type.INT && k.type() != Type.LONG || activity.isActive(k)
        || !(assign.value() instanceof Binary binary)) {
      return null;
    }
    Operand c = binary.op() == Binary.Op.ADD && binary.b().equals(k) ? binary.a() : binary.b();
    boolean updates = binary.op() == Binary.Op.ADD
        && (binary.a().equals(k) || binary.b().equals(k))
        || binary.op() == Binary.Op.SUB && binary.a().equals(k);
    if (!updates || c.equals(k) || !isIntact(c)) {
      return null;
    }
    return new Binary(binary.op() == Binary.Op.ADD ? Binary.Op.SUB : Binary.Op.ADD, k, c);
  }

  /**
   * Whether {@code assign} is {@code c = test} just before {@code if (c)} whose then side ends in
   * a break, in the body of a loop no other loop encloses, {@code c} assigned nowhere else: true
   * only in the iteration that leaves, so each assignment overwrites false (before the first,
   * its declaration's false), and undoing it needs no tape, as a person who reverses a search
   * loop knows that only its last step found what it was looking for.
   */
  private boolean decidesExit(Assign assign) {
    Var c = assign.target();
    Block body = loops.loopBody(assign);
    if (c.type() != Type.BOOLEAN || loops.assignments(c) != 1 || isParameter(c)
        || body == null || loops.blockOf(assign) != body
        || loops.loopsAround(assign).size() != 1) {
      return false;
    }
    List<Stmt> block = body.statements();
    int at = indexInItsBlock(assign);
    return at + 1 < block.size() && block.get(at + 1) instanceof If branch
        && branch.condition().equals(c) && leaves(branch.then());
  }

  /**
   * {@code previous} for a double's assignment {@code v = e} that its block precedes with
   * {@code previous = v} (or the block around the {@code if} it is in, and so on out to its
   * loop's body), a copy assigned nowhere else, {@code v} assigned nowhere in between: the value
   * the assignment overwrites is {@code previous}'s, which the backward sweep has where it
   * undoes the assignment (reading it there keeps it saved), so {@code v = previous} puts it
   * back instead of a second copy on the tape, as a person who writes {@code double previous =
   * v; v = ...;} keeps one value. Else null.
   */
  private Var copiedBefore(Assign assign) {
    Var v = assign.target();
    if (v.type() != Type.DOUBLE) {
      return null;
    }
    for (Stmt at = assign; at != null; at = branchHolding(loops.blockOf(at))) {
      List<Stmt> block = loops.blockOf(at).statements();
      for (int k = indexInItsBlock(at) - 1; k >= 0; k--) {
        Stmt before = block.get(k);
        if (before instanceof Assign copy && copy.value() instanceof Copy c && c.a().equals(v)) {
          Var previous = copy.target();
          return previous.type() == Type.DOUBLE && loops.assignments(previous) == 1
              && !previous.equals(function.result()) && !rematerialized.containsKey(previous)
              && !recomputation.isRecomputed(previous) ? previous : null;
        }
        boolean[] assigns = {false};
        Statements.forEach(before, s -> assigns[0] |= BackStmts.assigned(s).contains(v));
        if (assigns[0]) {
          return null;
        }
      }
    }
    return null;
  }

  /**
   * Whether {@code stmt} is in {@code block} or on a side of an {@code if} in it, however deep
   * (not in a loop nested in it, whose iterations would run between the two).
   */
  private boolean inBranchesOf(Stmt stmt, Block block) {
    for (Stmt at = stmt; at != null; at = branchHolding(loops.blockOf(at))) {
      if (loops.blockOf(at) == block) {
        return true;
      }
    }
    return false;
  }

  /** The {@code if} one of whose sides {@code block} is; null for any other block. */
  private If branchHolding(Block block) {
    if (branchesBySide.isEmpty()) {
      Statements.forEach(function.body(), s -> {
        if (s instanceof If branch) {
          branchesBySide.put(branch.then(), branch);
          branchesBySide.put(branch.otherwise(), branch);
        }
      });
    }
    return branchesBySide.get(block);
  }

  /** Puts back an overwritten value; an array with a shadow gets its shadow back too. */
  private void restore(Var target, List<Stmt> out) {
    if (shadows.contains(target)) {
      out.add(new Pop(adjointOf(target), List.of()));
    }
    out.add(new Pop(target, List.of()));
  }

  /** True for {@code r = r + x}, {@code r = r - x}: r's contribution to itself is its adjoint. */
  private boolean passesThrough(Assign assign) {
    if (assign.value() instanceof Call) {
      return false; // a call's pullback takes the whole adjoint
    }
    var operands = assign.value().operands();
    int self = operands.indexOf(assign.target());
    Var hole = new Var("seed", Type.DOUBLE);
    return operands.lastIndexOf(assign.target()) == self
        && DerivativeRules.flow(assign.value(), self) == Flow.DIFFERENTIABLE
        && DerivativeRules.contribution(assign.value(), self, operands, assign.target(), hole)
            == hole;
  }

  private void contributions(Assign assign, Var result, Var adjoint, Block block,
      List<Stmt> out, boolean toTarget) {
    var value = assign.value();
    if (value instanceof Load load && assign.target().type().isArray()) {
      return; // a row passed to a call: its adjoint is the matrix adjoint's row itself
    }
    if (value instanceof dev.adjoint.processor.ir.Copy && assign.target().type().isArray()) {
      return; // y = z: the shadow adjoints are assigned along in the forward sweep
    }
    if (value instanceof Load load) {
      if (activity.isActive(load.array())) {
        readIndices(load.indices());
        accumulateElement(load.array(), load.indices(), adjoint, assign, block, out);
      }
      return;
    }
    if (value instanceof Call call) {
      // stopGradient, or a helper called with constants only: nothing flows back
      if (!call.callee().stopsGradient() && call.callee().hasPullback()) {
        callPullback(assign, call, adjoint, block, out);
      }
      return;
    }
    if (value instanceof CloneArray clone) {
      if (activity.isActive(clone.array())) {
        out.add(new AddArray(arrayAdjoint(clone.array(), block), adjoint));
      }
      return;
    }
    var operands = value.operands();
    List<Operand> asRead = operands.stream().map(this::operand).toList();
    ScaledSquares.Square square = squares.of(assign);
    int scale = square == null ? -1 : square.scaled();
    if (square != null) {
      scaledAway.add((Var) operands.get(scale));
    }
    for (int i = 0; i < operands.size(); i++) {
      Operand operand = operands.get(i);
      if (!toTarget && operand.equals(assign.target()) || i == scale) {
        continue;
      }
      if (scale >= 0 && activity.isActive(operand)) {
        // (k x) x: x receives 2k x g at once, the scaled operand nothing
        Operand contribution = DerivativeRules.scaledSquare(square.k(), asRead.get(i),
            asRead.get(scale), adjoint);
        read(contribution);
        accumulate((Var) operand, contribution, block, out, assign.origin());
        continue;
      }
      if (activity.isActive(operand)
          && DerivativeRules.flow(value, i) == Flow.DIFFERENTIABLE) {
        Operand contribution = readsResultInstead(assign, operand)
            ? DerivativeRules.routedByResult(value, result, adjoint)
            : DerivativeRules.contribution(value, i, asRead, result, adjoint);
        read(contribution);
        accumulate((Var) operand, contribution, block, out, assign.origin());
      }
    }
  }

  /**
   * {@code r = max(0, z)} of an accumulator {@code z} (which the forward sweep would save at
   * every reassignment) whose result the backward sweep reads back from the array it was stored
   * into: the derivative reads {@code r}, so {@code z} is not saved (cs231n's hidden unit).
   */
  private boolean readsResultInstead(Assign assign, Operand operand) {
    return DerivativeRules.routesByResult(assign.value()) && operand instanceof Var z
        && loops.assignments(z) > 1 && recomputation.isRecomputed(assign.target());
  }

  /**
   * {@code r = f(a, x)}: the backward sweep calls f's pullback with r's adjoint as the seed; it
   * adds into the arrays' adjoints directly and into a small buffer for the scalars.
   */
  private void callPullback(Assign assign, Call call, Var adjoint, Block block,
      List<Stmt> out) {
    var callee = call.callee();
    List<Operand> arguments = new ArrayList<>();
    call.args().forEach(a -> arguments.add(operand(a)));
    arguments.forEach(this::read);
    arguments.add(adjoint);
    // the callee's convention: a buffer per differentiated array, then one for the scalars
    var signature = callee.signature();
    List<Integer> scalars = new ArrayList<>();
    for (int i = 0; i < call.args().size(); i++) {
      Param param = signature.params().get(i);
      Operand arg = call.args().get(i);
      if (signature.derivatives().containsKey(param)) {
        arguments.add(activity.isActive(arg) ? arrayAdjoint((Var) arg, block)
            : new Nested(new Zeros((Var) arg), arg.type()));
      } else if (param.differentiable()) {
        scalars.add(i);
      }
    }
    CallBuffer buffer = null;
    if (!scalars.isEmpty()) {
      buffer = callBuffers.computeIfAbsent(assign, a -> new CallBuffer(
          new Var(function.names().numbered("dArgs"), Type.DOUBLE_ARRAY), scalars.size()));
      for (int k = 0; k < scalars.size(); k++) {
        out.add(reset(buffer.buffer(), List.of(Constant.integer(k)), assign.origin()));
      }
      arguments.add(buffer.buffer());
    }
    out.add(new DerivativeCall(callee.backward(), arguments, callee, assign.origin()));
    for (int k = 0; k < scalars.size(); k++) {
      Operand arg = call.args().get(scalars.get(k));
      if (activity.isActive(arg)) {
        accumulate((Var) arg, Terms.element(buffer.buffer(), List.of(Constant.integer(k))),
            block, out, assign.origin());
      }
    }
  }

  private void reverse(Store store, Block block, List<Stmt> out) {
    List<Operand> indices = operands(store.indices());
    boolean linearInConstant = store.compound() != null && !activity.isActive(store.value());
    if (activity.isActive(store.array()) && !linearInConstant) {
      readIndices(store.indices());
      declareArrayAdjoint(store.array(), block);
      Var adjoint = adjointOf(store.array());
      if (activity.isActive(store.value())) {
        Operand element = Terms.element(adjoint, indices);
        Operand contribution = store.compound() == Binary.Op.SUB ? Terms.neg(element) : element;
        accumulate((Var) store.value(), contribution, block, out, store.origin());
      }
      if (store.compound() == null && !writesEachElementOnce(store)) {
        // the old element is gone: its adjoint restarts at 0
        out.add(reset(adjoint, indices, null));
      }
    }
    if (pushed.contains(store)) {
      readIndices(store.indices());
      if (readBeforeRestore.contains(store)) {
        read(Terms.element(store.array(), indices));
        out.add(new Assign((Var) store.value(), new Load(store.array(), indices), null));
      }
      out.add(new Pop(store.array(), indices));
    }
  }

  private void reverse(If branch, int loopDepth, List<Stmt> out) {
    List<Stmt> then = reverse(branch.then(), loopDepth);
    List<Stmt> otherwise = reverse(branch.otherwise(), loopDepth);
    if (then.isEmpty() && otherwise.isEmpty()) {
      return;
    }
    current = branch;
    read(branch.condition());
    out.add(new If(branch.condition(), new Block(then), new Block(otherwise), branch.origin()));
  }

  private void reverse(Loop loop, int loopDepth, List<Stmt> out) {
    RunningExtremes.Extreme extreme = notes.extremes().get(loop);
    if (extreme != null) {
      reverse(extreme, loop, out);
      return;
    }
    List<Stmt> body = reverse(loop.body(), loopDepth + 1);
    if (body.isEmpty()) {
      return;
    }
    List<Stmt> recomputed = recompute(loop);
    recomputeStatements.put(loop, recomputed);
    body.addAll(0, recomputed);
    current = loop;
    if (loop.counted() != null) {
      Operand from = operand(loop.counted().from());
      Operand to = operand(loop.counted().to());
      read(from);
      read(to);
      out.add(new ReverseLoop(loop, from, lastIndex(loop.counted(), from, to), null, false,
          new Block(body), loop.origin()));
      chosen(loop, out);
      return;
    }
    Adjoint.Trips count = trips.computeIfAbsent(loop,
        l -> new Adjoint.Trips(function.names().numbered("trips"), loopDepth > 0));
    out.add(new ReverseLoop(loop, null, null, new Var(count.name(), Type.INT), count.onTape(),
        new Block(body), loop.origin()));
  }

  /**
   * The backward pass of a running maximum's loop: its value's adjoint, if any, to the element
   * that won last, {@code if (mAt >= 0) { da[mAt] += dm; dm = 0.0; }}; else it stays for the
   * value before the loop.
   */
  private void reverse(RunningExtremes.Extreme extreme, Loop loop, List<Stmt> out) {
    Var value = extreme.value();
    if (!declared.contains(value)) {
      return; // no adjoint reaches it
    }
    reads.add(extreme.winner()); // once the loop has run: not per step
    exitUses.computeIfAbsent(loop, l -> new HashSet<>()).add(extreme.winner());
    Block home = loops.blockOf(loop);
    List<Stmt> routed = new ArrayList<>();
    Var share = adjointOf(value);
    Assign step = extreme.step();
    accumulateElement(extreme.array(), extreme.element(), share, step, home, routed);
    routed.add(reset(share, List.of(), step.origin()));
    out.add(new If(new Nested(new Binary(Binary.Op.GE, extreme.winner(), Constant.integer(0)),
        Type.BOOLEAN), new Block(routed), new Block(List.of()), step.origin()));
  }

  /**
   * The backward pass of a step choosing among its iterations' values,
   * {@code best = Math.min(best, d)}: {@code d} of the iteration that won last gets the running
   * value's adjoint, {@code dd += c == bestAt ? dbest : 0.0}, which stays unchanged for the steps
   * before ({@link #chosen} takes it from the value before the loop once the loop is done).
   * Routing step by step gives the same: each step passes the adjoint on to the old value until
   * the last one whose value won. So neither {@code best} nor {@code d} is saved per step.
   */
  private void reverse(RunningExtremes.Choice choice, Block block, List<Stmt> out) {
    Assign step = choice.step();
    Var value = choice.value();
    if (declared.contains(value)) {
      current = step;
      read(choice.counter());
      reads.add(choice.winner()); // once the loop has run: not per step
      exitUses.computeIfAbsent(loops.loopsAround(step).get(loops.loopsAround(step).size() - 1),
          l -> new HashSet<>()).add(choice.winner());
      Operand won = new Nested(new Binary(Binary.Op.EQ, choice.counter(), choice.winner()),
          Type.BOOLEAN);
      accumulate(choice.candidate(), new Nested(new Select(won, adjointOf(value), Constant.ZERO),
          Type.DOUBLE), block, out, step.origin());
    }
    if (pushed.contains(step) || inverted.contains(step)) {
      undo(step, out);
    }
  }

  /**
   * After the backward pass of a loop whose last step chooses among its iterations' values: the
   * value before the loop keeps the running value's adjoint only if no iteration won,
   * {@code if (bestAt >= 0) dbest = 0.0}.
   */
  private void chosen(Loop loop, List<Stmt> out) {
    List<Stmt> body = loop.body().statements();
    RunningExtremes.Choice choice = body.isEmpty() || !(body.get(body.size() - 1) instanceof Assign
        step) ? null : notes.choices().get(step);
    if (choice == null || !declared.contains(choice.value())) {
      return;
    }
    out.add(new If(new Nested(new Binary(Binary.Op.GE, choice.winner(), Constant.integer(0)),
        Type.BOOLEAN), new Block(List.of(reset(adjointOf(choice.value()), List.of(),
            choice.step().origin()))), new Block(List.of()), choice.step().origin()));
  }

  /**
   * The last index a counted loop reaches: {@code to - 1} ({@code to} if inclusive) by ones, else
   * {@code from + floorDiv(to - 1 - from, step) * step}, below {@code from} when the loop does not
   * run; downward, {@code to + 1} ({@code to}) by ones, else
   * {@code from - floorDiv(from - to - 1, k) * k} for a step {@code -k}, above {@code from} when
   * the loop does not run.
   */
  private static Operand lastIndex(Loop.Counted counted, Operand from, Operand to) {
    int k = Math.abs(counted.step());
    if (counted.downward()) {
      Operand bound = counted.inclusive() ? to : Terms.add(to, Constant.integer(1));
      if (k == 1) {
        return bound;
      }
      Operand steps = floorDiv(Terms.sub(from, bound), k);
      return Terms.sub(from, Terms.mul(steps, Constant.integer(k)));
    }
    Operand bound = counted.inclusive() ? to : Terms.minusOne(to);
    if (k == 1) {
      return bound;
    }
    boolean fromZero = from instanceof Constant c && c.is(0);
    Operand steps = floorDiv(fromZero ? bound : Terms.sub(bound, from), k);
    Operand offset = Terms.mul(steps, Constant.integer(k));
    return fromZero ? offset : Terms.add(from, offset);
  }

  private static Operand floorDiv(Operand a, int k) {
    return new Nested(new MathCall("Math", "floorDiv", List.of(a, Constant.integer(k))),
        Type.INT);
  }

  // ---- adjoints --------------------------------------------------------------------------

  /**
   * {@code target[indices] = 0.0}: the value whose adjoint this is was overwritten, so the earlier
   * value under the same name starts with no contributions.
   */
  /**
   * Whether {@code store} is the one write of the returned array, made of zeros
   * ({@code new double[n]}), at the counters of the loops between the array's making and the
   * store: each element is written once, its old value a constant zero whose adjoint nobody
   * reads, so the element's adjoint need not restart at 0, and the seed of a layer written
   * {@code z[i] = s} need not be copied to be zeroed. (Only the result: for the adjoint of a
   * local the zeroing store is cheap, and leaving it out measured slower on the spiral net.)
   */
  private boolean writesEachElementOnce(Store store) {
    Var array = store.array();
    if (!array.equals(function.result())) {
      return false;
    }
    int[] writes = {0};
    boolean[] made = {false};
    Statements.forEach(function.body(), stmt -> {
      if (stmt instanceof Store other && other.array().equals(array)) {
        writes[0]++;
      } else if (stmt instanceof Assign assign && assign.target().equals(array)) {
        made[0] = assign.value() instanceof dev.adjoint.processor.ir.NewArray;
        writes[0] += made[0] ? 0 : 2;
      } else if (stmt instanceof Assign assign && assign.value() instanceof Call call
          && !call.callee().readsOnly() && call.args().contains(array)) {
        writes[0] += 2; // a method that may write it
      }
    });
    if (writes[0] != 1 || !made[0] || shadows.contains(array) || loops.assignments(array) != 1) {
      return false;
    }
    List<Loop> around = new ArrayList<>(loops.loopsAround(store));
    Block home = loops.home(array);
    while (!around.isEmpty() && !inside(home, around.get(0))) {
      around.remove(0); // loops around the making of the array too
    }
    Set<Var> counters = new HashSet<>();
    for (Loop loop : around) {
      if (loop.counted() == null) {
        return false;
      }
      counters.add(loop.counted().index());
    }
    return store.indices().size() == around.size()
        && new HashSet<>(store.indices()).equals(counters);
  }

  /** Whether {@code loop} sits in {@code block}, directly or nested. */
  private static boolean inside(Block block, Loop loop) {
    boolean[] found = {false};
    Statements.forEach(block, stmt -> found[0] |= stmt == loop);
    return found[0];
  }

  private static Stmt reset(Var target, List<Operand> indices, Origin origin) {
    return indices.isEmpty() ? new Assign(target, new Copy(Constant.ZERO), origin)
        : new Store(target, indices, Constant.ZERO, origin);
  }

  private void accumulate(Var v, Operand contribution, Block current, List<Stmt> out,
      Origin origin) {
    boolean declares = false;
    if (!declared.contains(v)) {
      declared.add(v);
      Block vHome = loops.home(v);
      if (vHome == current) {
        declares = true;
      } else {
        zeroInits.computeIfAbsent(vHome, b -> new LinkedHashSet<>()).add(v);
      }
    }
    out.add(new Accumulate(adjointOf(v), contribution, declares, origin));
  }

  private void accumulateElement(Var array, List<Operand> indices, Var contribution,
      Assign from, Block current, List<Stmt> out) {
    declareArrayAdjoint(array, current);
    out.add(new Accumulate(adjointOf(array), operands(indices), contribution, false,
        from.origin()));
  }

  /**
   * The adjoint of an array: {@code dm[i]} for a row {@code m[i]} passed on (the matrix
   * adjoint's row itself), else the array's own adjoint, declared if need be.
   */
  private Operand arrayAdjoint(Var array, Block block) {
    Load row = rowLoads.get(array);
    if (row == null) {
      declareArrayAdjoint(array, block);
      return adjointOf(array);
    }
    declareArrayAdjoint(row.array(), block);
    readIndices(row.indices());
    return Terms.element(adjointOf(row.array()), operands(row.indices()));
  }

  /** Local arrays get a zero adjoint array at the start of their home block. */
  private void declareArrayAdjoint(Var array, Block current) {
    if (shadows.contains(array)) {
      declared.add(array); // allocated by the forward sweep
      return;
    }
    if (declared.add(array) && !isParameter(array)) {
      zeroInits.computeIfAbsent(loops.home(array), b -> new LinkedHashSet<>()).add(array);
    }
    if (!isParameter(array)) {
      shapeReads.add(array); // the zero adjoint takes the array's shape
    }
  }

  private boolean isParameter(Var v) {
    return function.params().stream().anyMatch(p -> p.var().equals(v));
  }

  /** An operand as the backward sweep reads it: itself, or the value it holds written in place. */
  private Operand operand(Operand operand) {
    return operand instanceof Var v && rematerialized.containsKey(v)
        ? rematerialized.get(v) : operand;
  }

  private List<Operand> operands(List<Operand> operands) {
    return operands.stream().map(this::operand).toList();
  }

  /**
   * Marks the primal variables an operand of the backward sweep reads; {@code a.length} reads
   * the shape of {@code a}, no element.
   */
  private void read(Operand operand) {
    if (operand instanceof Var v) {
      readVar(v);
    } else if (operand instanceof Nested nested) {
      if (nested.expr() instanceof Length length) {
        shapeReads.add(length.array());
        length.rows().forEach(this::read);
      } else {
        nested.expr().operands().forEach(this::read);
      }
    }
  }

  /**
   * Marks a primal variable as read by the backward sweep: one it recomputes, as needed there;
   * else as read by the adjoint of the current statement (which saves it if overwritten), unless
   * its elements are replayable: then only its name is restored, where a loop gives it the next
   * iteration's array. Adjoints and the sweep's own temporaries are not the primal's.
   */
  private void readVar(Var v) {
    if (!primal.contains(v)) {
      return;
    }
    if (recomputation.isRecomputed(v)) {
      recomputeNeeded.add(v);
      return;
    }
    reads.add(v);
    if (!recomputation.isReplayable(v)) {
      uses.computeIfAbsent(current, c -> new HashSet<>()).add(v);
    } else if (!recomputation.keepsItsArray(v)) {
      movedNames.add(v);
    }
  }

  /**
   * The values of one iteration of {@code loop} the backward sweep computes again before its
   * adjoints, in program order: those it reads and what they are computed from.
   */
  private List<Stmt> recompute(Loop loop) {
    List<Assign> assigns = recomputation.recomputedIn(loop.body());
    for (int k = assigns.size() - 1; k >= 0; k--) {
      if (recomputeNeeded.contains(assigns.get(k).target())) {
        Exprs.vars(assigns.get(k).value().operands()).forEach(v -> {
          if (recomputation.isRecomputed(v)) {
            recomputeNeeded.add(v);
          }
        });
      }
    }
    List<Stmt> out = new ArrayList<>();
    for (Assign assign : assigns) {
      if (recomputeNeeded.contains(assign.target())) {
        if (out.isEmpty()) {
          out.add(new Comment("this iteration's values, computed again instead of saved"));
        }
        current = assign;
        Expr value = Exprs.map(assign.value(), this::operand);
        value.operands().forEach(this::read);
        // a value chosen by an if is declared once, before the sweeps (it has two assignments)
        out.add(loops.assignments(assign.target()) > 1 ? new Assign(assign.target(), value, null)
            : new Declare(assign.target(), value));
      }
    }
    return out;
  }

  private void readIndices(List<Operand> indices) {
    indices.forEach(i -> read(operand(i)));
  }

  /** The adjoint of a primal variable: {@code dq} for {@code q}, of the same shape. */
  private Var adjointOf(Var v) {
    return adjoints.computeIfAbsent(v, x -> new Var(function.names().fresh("d" + x.name()),
        x.type().isArray() ? x.type() : Type.DOUBLE));
  }
}
