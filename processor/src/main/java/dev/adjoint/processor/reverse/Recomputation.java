package dev.adjoint.processor.reverse;

import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Cast;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the backward sweep computes again instead of saving, as a person writing backpropagation
 * by hand does.
 *
 * <p><b>Replayable arrays.</b> An array whose every element, when the backward sweep runs, still
 * holds what each read of it saw in the forward sweep: no write to it runs after a read of the
 * same element. That holds for arrays nobody writes, for arrays written only before they are
 * read, where "before" may be per iteration of the loops around both, and for arrays made anew
 * in each iteration of a loop (by {@code new double[n]}, or returned by a layer:
 * {@code a = hidden(W, x)}, {@code Vectors.tanh(z)}) and written before they are read in it
 * (cs231n's {@code hidden} per example): in
 * {@code for (i) { for (h) z[i][h] = ...; for (h) a[i][h] = max(0, z[i][h]); }} iteration
 * {@code i} writes and reads only row {@code i}, so the backward sweep reads {@code z[i][h]}
 * again instead of saving it. In a loop whose backward pass is fused into it, an array the
 * iterations reuse (GMM's {@code mainTerm} per point) counts as made anew in each: the backward
 * pass of an iteration reads it before the next iteration writes it. Arrays shared with another
 * name (a row variable, an array
 * assigned to another, an argument of a call that may write into it: any but a
 * {@code @Differentiable} method or a runtime gate) are never replayable.
 *
 * <p><b>Recomputed values.</b> A variable assigned once, directly in a loop's body, from a cheap
 * operation (arithmetic, a cast, an element of a replayable array) whose operands keep their
 * values through the backward sweep (constants, the counters of the loops around it, variables no
 * loop assigns, other recomputed values): the backward sweep computes it again at the start of
 * the same iteration of the reversed loop, so the forward sweep pushes nothing for it. Calls and
 * {@code Math} functions are saved instead (a push is cheaper than an {@code exp}). This also
 * reads a loop-invariant element once per iteration of the outer loop, not in the inner one.
 */
final class Recomputation {
  private final Function function;
  private final LoopFacts loops;
  private final Set<Var> replayable = new HashSet<>();
  private final Map<Var, Assign> recomputed = new LinkedHashMap<>();
  /** The loop body each recomputed value is computed again at the start of. */
  private final Map<Var, Block> bodyOf = new HashMap<>();
  /** The stores into each array, and the statement making each array made in the method. */
  private final Map<Var, List<Store>> stores = new LinkedHashMap<>();
  private final Map<Var, Assign> allocations = new HashMap<>();
  /** Arrays under another name too (shadows, rows, call arguments that may be written). */
  private final Set<Var> shared = new HashSet<>();
  /** Rows under another name, and arguments of calls that may write into them. */
  private final Set<Var> otherNames = new HashSet<>();
  /** The assignment of each variable assigned once. */
  private final Map<Var, Assign> definitions = new HashMap<>();
  /** The top-level loops whose backward pass runs inside each iteration ({@link Fusion}). */
  private final Set<Loop> fused;
  /** {@link #keepsItsArray}'s answers. */
  private final Map<Var, Boolean> keepsItsArray = new HashMap<>();

  /**
   * {@code fused}: top-level loops whose backward pass runs inside each iteration, right after
   * its forward pass (see {@link Fusion}); for those the backward pass of an iteration reads
   * arrays before the next iteration writes them, as if each iteration made them anew.
   */
  Recomputation(Function function, LoopFacts loops, Set<Var> shadows, Set<Loop> fused) {
    this.function = function;
    this.loops = loops;
    this.fused = fused;
    findReplayable(shadows, fused);
  }

  /** True if reading {@code array}'s elements in the backward sweep gives the forward values. */
  boolean isReplayable(Var array) {
    return replayable.contains(array);
  }

  /**
   * True if {@code array}, though not replayable, can have each overwritten element put back by
   * the backward sweep (see {@code ReverseSweep}'s restored arrays): a {@code double[]} made in
   * the method, written only by element stores under its own name or the names of the arrays
   * assigned to one another with it (two buffers swapped each step), never a row under another
   * name, an argument of a call that may write into it, or a parameter.
   */
  boolean isRestorable(Var array) {
    if (array.type() != Type.DOUBLE_ARRAY || replayable.contains(array)) {
      return false;
    }
    Set<Var> group = groupOf(array);
    if (group.stream().anyMatch(v -> otherNames.contains(v)
        || function.params().stream().anyMatch(p -> p.var().equals(v)))) {
      return false;
    }
    boolean[] made = {true};
    Statements.forEachAssign(function.body(), assign -> {
      if (group.contains(assign.target())) {
        made[0] &= assign.value() instanceof NewArray || assign.value() instanceof CloneArray
            || assign.value() instanceof Copy copy && group.contains(copy.a());
      }
    });
    return made[0];
  }

  /**
   * True if the name {@code array}, wherever the backward sweep reads it, names the array it
   * named there in the forward sweep: it is assigned outside loops only, or directly in the
   * body of a loop whose backward pass is fused into each iteration. An array made anew in
   * each iteration of any other loop keeps its elements (it may be replayable) but its name
   * moves on to the next iteration's array, so the backward sweep must have the name restored
   * ({@code if (h0(u, b)[0] < c)} in a loop that runs backward, whose branch is chosen again
   * from the element, read the last iteration's array).
   */
  boolean keepsItsArray(Var array) {
    return keepsItsArray.computeIfAbsent(array, a -> {
      boolean[] kept = {true};
      Statements.forEachAssign(function.body(), assign -> {
        if (assign.target().equals(a)) {
          List<Loop> around = loops.loopsAround(assign);
          kept[0] &= around.isEmpty() || around.size() == 1 && fused.contains(around.get(0));
        }
      });
      return kept[0];
    });
  }

  boolean isRecomputed(Var v) {
    return recomputed.containsKey(v);
  }

  /** The loop body at whose start the backward sweep computes {@code v} again, or null. */
  Block recomputedAt(Var v) {
    return bodyOf.get(v);
  }

  /** The assignments the backward sweep repeats at the start of {@code body}, in program order. */
  List<Assign> recomputedIn(Block body) {
    List<Assign> out = new ArrayList<>();
    recomputed.forEach((v, assign) -> {
      if (bodyOf.get(v) == body) {
        out.add(assign);
      }
    });
    return out;
  }

  private void findReplayable(Set<Var> shadows, Set<Loop> fused) {
    Map<Var, List<Assign>> loads = new HashMap<>();
    Set<Var> arrays = new HashSet<>();
    function.params().forEach(p -> arrays.add(p.var()));
    Statements.forEach(function.body(), stmt -> {
      if (stmt instanceof Assign assign) {
        arrays.add(assign.target());
        if (assign.value() instanceof NewArray || returnsFreshArray(assign)) {
          allocations.put(assign.target(), assign);
        }
        if (assign.value() instanceof Load load) {
          if (assign.target().type().isArray()) {
            otherNames.add(load.array()); // a row under another name
            otherNames.add(assign.target());
          } else {
            loads.computeIfAbsent(load.array(), a -> new ArrayList<>()).add(assign);
          }
        } else if (assign.value() instanceof Call call) {
          call.args().forEach(a -> {
            if (a instanceof Var v && v.type().isArray()) {
              if (call.callee().readsOnly()) {
                // reads every element: its pullback reads them again in the backward sweep
                loads.computeIfAbsent(v, x -> new ArrayList<>()).add(assign);
              } else {
                otherNames.add(v); // a method that may write into it
              }
            }
          });
        }
      } else if (stmt instanceof Store store) {
        stores.computeIfAbsent(store.array(), a -> new ArrayList<>()).add(store);
      }
    });
    shared.addAll(shadows);
    shared.addAll(otherNames);
    Statements.forEachAssign(function.body(), assign -> {
      if (loops.assignments(assign.target()) == 1) {
        definitions.put(assign.target(), assign);
      }
    });
    for (Set<Var> group : aliasGroups()) {
      if (handsOnFreshArrays(group, stores, loads, allocations, otherNames)) {
        replayable.addAll(group);
      }
    }
    for (Var array : arrays) {
      if (!array.type().isArray() || shared.contains(array) || loops.assignments(array) > 1) {
        continue;
      }
      // an array made afresh in each iteration of the loops around its allocation: those loops
      // cannot carry a write of one iteration's array into another's reads; nor can a fused
      // loop, whose iteration's backward pass runs before the next iteration writes
      Set<Loop> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
      fresh.addAll(fused);
      if (loops.isAssignedInLoop(array)) {
        Assign allocation = allocations.get(array);
        if (allocation == null) {
          continue;
        }
        fresh.addAll(loops.loopsAround(allocation));
      }
      boolean safe = true;
      for (Store store : stores.getOrDefault(array, List.of())) {
        for (Assign load : loads.getOrDefault(array, List.of())) {
          safe &= writesBefore(store, load, fresh);
        }
      }
      if (safe) {
        replayable.add(array);
      }
    }
  }

  /**
   * Whether {@code assign} takes a new array from a call, as {@code new double[n]} makes one: a
   * {@code @Differentiable} method's result (it never returns a parameter) or a runtime gate's
   * ({@code Vectors.tanh(z)}).
   */
  private static boolean returnsFreshArray(Assign assign) {
    return assign.target().type().isArray() && assign.value() instanceof Call call
        && (call.callee().generated() || call.callee().runtime() && call.callee().hasPullback());
  }

  /** {@code array} and the arrays assigned to one another with it ({@link #aliasGroups}). */
  private Set<Var> groupOf(Var array) {
    return aliasGroups().stream().filter(g -> g.contains(array)).findFirst()
        .orElse(Set.of(array));
  }

  /** The arrays assigned to one another ({@code h = next}), grouped by the copies linking them. */
  private List<Set<Var>> aliasGroups() {
    Map<Var, Set<Var>> groups = new LinkedHashMap<>();
    Statements.forEachAssign(function.body(), assign -> {
      if (assign.value() instanceof Copy copy && copy.a() instanceof Var source
          && assign.target().type().isArray()) {
        Set<Var> merged = new LinkedHashSet<>();
        for (Var v : List.of(assign.target(), source)) {
          merged.addAll(groups.getOrDefault(v, Set.of(v)));
        }
        merged.forEach(v -> groups.put(v, merged));
      }
    });
    return groups.values().stream().distinct().toList();
  }

  /**
   * Whether a group of arrays assigned to one another holds forward values when the backward
   * sweep reads them, as an RNN's {@code h = next} does: one name takes every write, made anew
   * ({@code new double[n]}) once per iteration of a loop, written after that and only in that
   * iteration, and handed on to the others ({@code h = next}) directly in that loop's body after
   * its last write; the others are never written, and are otherwise only made anew or copied
   * ({@code h = x0.clone()}). So each array is complete before any other name reads it, and
   * never written again (the next iteration writes a new one). Reads under the writing name
   * itself follow the rule for a single array.
   */
  private boolean handsOnFreshArrays(Set<Var> group, Map<Var, List<Store>> stores,
      Map<Var, List<Assign>> loads, Map<Var, Assign> allocations, Set<Var> otherNames) {
    List<Var> writers = group.stream().filter(stores::containsKey).toList();
    if (writers.size() != 1 || group.stream().anyMatch(otherNames::contains)) {
      return false;
    }
    Var writer = writers.get(0);
    Assign allocation = allocations.get(writer);
    if (allocation == null || loops.assignments(writer) != 1 || !loops.isAssignedInLoop(writer)) {
      return false;
    }
    List<Loop> around = loops.loopsAround(allocation);
    Loop loop = around.get(around.size() - 1);
    int lastWrite = -1;
    for (Store store : stores.get(writer)) {
      if (loops.position(store) < loops.position(allocation)
          || !loops.loopsAround(store).contains(loop)) {
        return false;
      }
      lastWrite = Math.max(lastWrite, loops.position(store));
    }
    boolean[] ok = {true};
    int last = lastWrite;
    Statements.forEachAssign(function.body(), assign -> {
      if (!group.contains(assign.target())) {
        return;
      }
      if (assign.value() instanceof Copy copy && copy.a().equals(writer)) {
        ok[0] &= loops.loopBody(assign) == loop.body() && loops.position(assign) > last;
      } else if (!(assign.value() instanceof Copy copy && group.contains(copy.a()))
          && !(assign.value() instanceof NewArray)
          && !(assign.value() instanceof CloneArray)) {
        ok[0] = false; // made some other way: a call's result, a parameter's row
      }
    });
    Set<Loop> fresh = new HashSet<>(around);
    for (Store store : stores.get(writer)) {
      for (Assign load : loads.getOrDefault(writer, List.of())) {
        ok[0] &= writesBefore(store, load, fresh);
      }
    }
    return ok[0];
  }

  /**
   * True if {@code store} never writes an element after {@code load} (an element's read, or a
   * call given the whole array) read it: it comes first in the code, and each loop around both,
   * but those in {@code fresh} (whose iterations each make the array anew), indexes the array by
   * its counter at the same place in both, so another iteration touches other elements.
   */
  private boolean writesBefore(Store store, Assign load, Set<Loop> fresh) {
    if (loops.position(store) > loops.position(load)) {
      return false;
    }
    List<Operand> read = load.value() instanceof Load element ? element.indices()
        : List.of(); // a call's argument: every element read
    List<Loop> storeLoops = loops.loopsAround(store);
    List<Loop> loadLoops = loops.loopsAround(load);
    for (int k = 0; k < Math.min(storeLoops.size(), loadLoops.size())
        && storeLoops.get(k) == loadLoops.get(k); k++) {
      if (fresh.contains(storeLoops.get(k))) {
        continue; // each iteration writes and reads its own array
      }
      Loop.Counted counted = storeLoops.get(k).counted();
      if (counted == null) {
        return false;
      }
      boolean separated = false;
      for (int p = 0; p < Math.min(read.size(), store.indices().size()); p++) {
        separated |= read.get(p).equals(counted.index())
            && store.indices().get(p).equals(counted.index());
      }
      if (!separated) {
        return false;
      }
    }
    return true;
  }

  /**
   * Finds the recomputed values, loop by loop; {@code inline} says which variables the backward
   * sweep already writes as their expression (indices, lengths).
   */
  void findRecomputed(Predicate<Var> inline) {
    Statements.forEach(function.body(), stmt -> {
      if (!(stmt instanceof Loop loop)) {
        return;
      }
      Set<Var> mentioned = new HashSet<>();
      loop.header().statements().forEach(s -> mentions(s, mentioned));
      if (loop.test() instanceof Var v) {
        mentioned.add(v);
      }
      for (Stmt inBody : loop.body().statements()) {
        if (inBody instanceof Assign assign && !mentioned.contains(assign.target())
            && loops.assignments(assign.target()) == 1
            && loops.home(assign.target()) == loop.body()
            && !(inline.test(assign.target()) && !isElement(assign))) {
          Assign again = isCheap(assign) && assign.value().operands().stream()
              .allMatch(o -> isAvailable(o, assign, inline)) ? assign : readBack(assign, inline);
          if (again == null) {
            again = forwarded(assign, inline);
          }
          if (again == null && isInvariantCall(assign, loop, inline)) {
            again = assign;
          }
          if (again != null) {
            recomputed.put(assign.target(), again);
            bodyOf.put(assign.target(), loop.body());
          }
        } else if (inBody instanceof If branch) {
          for (Assign again : chosen(branch, loop, mentioned, inline)) {
            recomputed.put(again.target(), again);
            bodyOf.put(again.target(), loop.body());
          }
        }
        mentions(inBody, mentioned);
      }
    });
  }

  /**
   * The values an {@code if} directly in {@code loop}'s body chooses, each assigned once on each
   * side from cheap operations ({@code double left = i > 0 ? u[i - 1] : 0.0;}, which lowers to
   * an {@code if} whose sides compute the index and load): each is computed again as
   * {@code c ? then : otherwise}, whose side not taken Java does not evaluate, when the condition
   * and both sides' operands keep their values through the backward sweep. The sides may name
   * values of their own first (the index {@code i - 1}); nothing else may be on them.
   */
  private List<Assign> chosen(If branch, Loop loop, Set<Var> mentioned, Predicate<Var> inline) {
    Map<Var, Operand> then = sideValues(branch.then());
    Map<Var, Operand> otherwise = sideValues(branch.otherwise());
    if (then == null || otherwise == null || !(branch.condition() instanceof Var condition)) {
      return List.of();
    }
    List<Assign> out = new ArrayList<>();
    for (var entry : then.entrySet()) {
      Var v = entry.getKey();
      Operand other = otherwise.get(v);
      if (other == null || v.type().isArray() || v.equals(function.result())
          || mentioned.contains(v) || loops.assignments(v) != 2 || loops.home(v) != loop.body()
          || inline.test(v)) {
        continue;
      }
      Assign at = branch.then().statements().stream()
          .map(Assign.class::cast).filter(a -> a.target().equals(v)).findFirst().orElseThrow();
      Set<Var> reads = Exprs.vars(List.of(condition, entry.getValue(), other));
      if (reads.contains(v) || !reads.stream().allMatch(o -> isAvailable(o, at, inline))) {
        continue;
      }
      out.add(new Assign(v, new Select(condition, entry.getValue(), other), branch.origin()));
    }
    return out;
  }

  /**
   * What each variable a side of an {@code if} assigns last holds, as an operand of the
   * variables it reads (the side's own values written out), or null unless the side only
   * assigns cheap operations, each variable once.
   */
  private Map<Var, Operand> sideValues(Block side) {
    Map<Var, Operand> values = new LinkedHashMap<>();
    for (Stmt stmt : side.statements()) {
      if (!(stmt instanceof Assign assign) || values.containsKey(assign.target())
          || !isCheap(assign) || values.size() > 8) {
        return null;
      }
      Expr value = Exprs.map(assign.value(), o -> o instanceof Var v && values.containsKey(v)
          ? values.get(v) : o);
      values.put(assign.target(), value instanceof Copy copy ? copy.a()
          : new Nested(value, assign.target().type()));
    }
    return values;
  }

  /**
   * {@code t = a[i]} for a value {@code t} (any operation: {@code max(0, z)}) that its loop body
   * stores after it, not in a branch, into an element {@code a[i] = t} that still holds it when
   * the backward sweep reads it, at indices the backward sweep has: the backward sweep reads the
   * element back instead of saving {@code t}. The element holds it when the array is replayable
   * and written nowhere else, each element once ({@code hidden[h] = t}), or when this store is
   * the array's last write ({@link #lastWrite}: softmax's {@code p[j] = Math.exp(p[j] - max)},
   * then {@code p[j] /= sum}, which reads back the second). Else null.
   */
  private Assign readBack(Assign assign, Predicate<Var> inline) {
    Var target = assign.target();
    if (target.type() != Type.DOUBLE || target.equals(function.result())
        || assign.value().operands().contains(target)) {
      return null;
    }
    for (List<Store> into : stores.values()) {
      for (Store store : into) {
        if (store.value().equals(target) && store.compound() == null
            && loops.blockOf(store) == loops.blockOf(assign) // not inside a branch
            && loops.position(store) > loops.position(assign)
            && store.indices().stream().allMatch(o -> isAvailable(o, assign, inline))
            && (into.size() == 1 && replayable.contains(store.array()) && eachElementOnce(store)
                || lastWrite(store, into))) {
          return new Assign(target, new Load(store.array(), store.indices()), assign.origin());
        }
      }
    }
    return null;
  }

  /**
   * True if {@code store} is the last write into its array, which keeps what it wrote until the
   * backward sweep: the array is made in the method ({@code new}, a clone, a layer's result)
   * under one name no other name shares, every other store into it comes before the loops
   * around this one, and each of those loops writes elements of its own (its counter indexes
   * the array).
   */
  private boolean lastWrite(Store store, List<Store> into) {
    Var array = store.array();
    Assign made = definitions.get(array);
    if (made == null || shared.contains(array) || loops.isAssignedInLoop(array)
        || !(allocations.containsKey(array) || made.value() instanceof CloneArray)) {
      return false;
    }
    List<Loop> around = loops.loopsAround(store);
    for (Loop loop : around) {
      if (loop.counted() == null || !store.indices().contains(loop.counted().index())) {
        return false;
      }
    }
    return into.stream().allMatch(other -> other == store
        || loops.position(other) < loops.position(store)
            && loops.loopsAround(other).stream().noneMatch(l -> around.stream().anyMatch(
                m -> m == l)));
  }

  /**
   * {@code t = Math.sqrt(d)} in a loop that changes none of the call's arguments (attention's
   * {@code s / Math.sqrt(q.length)}), on values the backward sweep has: the backward sweep
   * computes it again, once before its loop ({@link InvariantValues} moves it there), instead
   * of saving it every iteration.
   */
  private boolean isInvariantCall(Assign assign, Loop loop, Predicate<Var> inline) {
    if (!(assign.value() instanceof MathCall call) || call.args().isEmpty() // Math.random()
        || assign.target().type() != Type.DOUBLE || assign.target().equals(function.result())) {
      return false;
    }
    Set<Var> changed = new HashSet<>();
    Statements.forEach(loop.body(), stmt -> changed.addAll(BackStmts.assigned(stmt)));
    loop.header().statements().forEach(stmt -> changed.addAll(BackStmts.assigned(stmt)));
    return call.args().stream()
        .allMatch(o -> isAvailable(o, assign, inline) && isInvariant(o, changed, inline));
  }

  /**
   * True if {@code operand} has one value throughout a loop that assigns {@code changed}: a
   * constant, a variable the loop does not assign, or one the backward sweep writes as its
   * expression ({@code int t5 = q.length;}) of such values.
   */
  private boolean isInvariant(Operand operand, Set<Var> changed, Predicate<Var> inline) {
    if (!(operand instanceof Var v) || !changed.contains(v)) {
      return true;
    }
    Assign definition = definitions.get(v);
    return inline.test(v) && definition != null
        && (definition.value() instanceof Length || definition.value() instanceof Binary)
        && definition.value().operands().stream().allMatch(o -> isInvariant(o, changed, inline));
  }

  /**
   * {@code t = a[u]} for a scratch array {@code a} that one loop earlier in the same block fills,
   * {@code for (v = 0; v < n; v++) a[v] = e(v)} being its only store, read inside a loop whose
   * counter {@code u} runs from 0 below the same {@code n}: the element read is {@code e(u)}.
   * When {@code e} is cheap arithmetic on elements of replayable arrays and values the backward
   * sweep has, it computes {@code e(u)} again instead of saving {@code t} (GMM's
   * {@code xcentered[id] = x[ix][id] - means[ik][id]}, read per component). Else null.
   */
  private Assign forwarded(Assign assign, Predicate<Var> inline) {
    if (!(assign.value() instanceof Load load) || assign.target().type() != Type.DOUBLE
        || load.indices().size() != 1 || !(load.indices().get(0) instanceof Var u)) {
      return null;
    }
    Var array = load.array();
    List<Store> into = stores.getOrDefault(array, List.of());
    if (into.size() != 1 || shared.contains(array) || loops.assignments(array) > 1
        || into.get(0).compound() != null || loops.loopsAround(into.get(0)).isEmpty()) {
      return null;
    }
    Store store = into.get(0);
    List<Loop> around = loops.loopsAround(store);
    Loop fill = around.get(around.size() - 1);
    Loop walk = null;
    for (Loop loop : loops.loopsAround(assign)) {
      if (loop.counted() != null && loop.counted().index().equals(u)) {
        walk = loop;
      }
    }
    if (walk == null || fill.counted() == null || loops.blockOf(store) != fill.body()
        || !store.indices().equals(List.of(fill.counted().index()))
        || !fill.counted().unitFromZero()
        || !startsAtZero(walk.counted()) || walk.counted().step() < 1
        || loops.blockOf(walk) != loops.blockOf(fill)
        || loops.position(walk) < loops.position(fill)
        || !walk.counted().to().equals(fill.counted().to())
        || fill.counted().to() instanceof Var n && loops.isAssignedInLoop(n)) {
      return null;
    }
    Operand value = substituted(store.value(), fill, u, store, assign, inline, 0);
    if (value == null) {
      return null;
    }
    Expr expr = value instanceof Nested nested ? nested.expr() : new Copy(value);
    return new Assign(assign.target(), expr, assign.origin());
  }

  /** {@code for (v = 0; v < n; v += step)} with {@code step > 0}. */
  private static boolean startsAtZero(Loop.Counted counted) {
    return counted.from() instanceof Constant zero && zero.is(0) && !counted.inclusive()
        && !counted.downward();
  }

  /**
   * {@code operand} of the fill loop's store as an expression of the reading loop's counter
   * {@code u}: the fill's counter becomes {@code u}, a value assigned once directly in the fill's
   * body (before {@code store}) by cheap arithmetic or a replayable element becomes that
   * operation, anything else must be available at the read {@code at}; null if it is not.
   */
  private Operand substituted(Operand operand, Loop fill, Var u, Store store, Assign at,
      Predicate<Var> inline, int depth) {
    if (!(operand instanceof Var v)) {
      return operand instanceof Constant ? operand : null;
    }
    if (v.equals(fill.counted().index())) {
      return u;
    }
    Assign definition = definitions.get(v);
    if (definition == null || !loops.loopsAround(definition).contains(fill)) {
      return !v.type().isArray() && isAvailable(v, at, inline)
          || v.type().isArray() && replayable.contains(v) ? v : null;
    }
    Expr value = definition.value();
    if (depth > 8 || loops.blockOf(definition) != fill.body()
        || loops.position(definition) > loops.position(store)
        || !(value instanceof Binary || value instanceof Unary || value instanceof Cast
            || value instanceof Copy
            || value instanceof Load load && replayable.contains(load.array()))) {
      return null;
    }
    Map<Operand, Operand> operands = new HashMap<>();
    for (Operand o : value.operands()) {
      Operand mapped = substituted(o, fill, u, store, at, inline, depth + 1);
      if (mapped == null) {
        return null;
      }
      operands.put(o, mapped);
    }
    return new Nested(Exprs.map(value, operands::get), v.type());
  }

  /**
   * True if {@code store} writes each element of its array at most once while the array is the
   * same: every loop around it, but those around the array's allocation (which make it anew in
   * each iteration) and a fused loop (whose iteration's backward pass reads the array before the
   * next iteration writes it), indexes it by its counter.
   */
  private boolean eachElementOnce(Store store) {
    Assign allocation = allocations.get(store.array());
    if (allocation == null) {
      return false; // a parameter (never written) or a row under another name
    }
    Set<Loop> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
    fresh.addAll(loops.loopsAround(allocation));
    fresh.addAll(fused);
    for (Loop loop : loops.loopsAround(store)) {
      if (!fresh.contains(loop)
          && (loop.counted() == null || !store.indices().contains(loop.counted().index()))) {
        return false;
      }
    }
    return true;
  }

  private boolean isCheap(Assign assign) {
    Var target = assign.target();
    if (target.type().isArray() || target.equals(function.result())
        || assign.value().operands().contains(target)) {
      return false;
    }
    Expr value = assign.value();
    return value instanceof Binary || value instanceof Unary || value instanceof Copy
        || value instanceof Cast || isElement(assign);
  }

  private boolean isElement(Assign assign) {
    return assign.value() instanceof Load load && (replayable.contains(load.array())
        || settledAt(load.array(), assign));
  }

  /**
   * True if {@code array} and its name hold, when the backward sweep reaches {@code at}, what
   * they held when the forward sweep ran it: nothing but reads of it, or of the arrays assigned
   * to one another with it, can run after {@code at} (no statement after it in program order,
   * nor in a loop around both), and no other name shares it. Every write before {@code at} is
   * undone only by backward passes that run after its own (a loss read from an RNN's state
   * buffers after the last step reads them again, as cs231n's hand-written code does), whether
   * or not the array is {@link #isReplayable} as a whole.
   */
  private boolean settledAt(Var array, Stmt at) {
    Set<Var> group = groupOf(array);
    if (group.stream().anyMatch(otherNames::contains)) {
      return false; // the arrays assigned to one another are the group, scanned below
    }
    int position = loops.position(at);
    List<Loop> around = loops.loopsAround(at);
    boolean[] settled = {true};
    Statements.forEach(function.body(), stmt -> {
      if (settled[0] && !(stmt instanceof Loop || stmt instanceof If)
          && !isRead(stmt, group)
          && Statements.vars(stmt).stream().anyMatch(group::contains)
          && (loops.position(stmt) > position
              || loops.loopsAround(stmt).stream().anyMatch(around::contains))) {
        settled[0] = false;
      }
    });
    return settled[0];
  }

  /**
   * Whether {@code stmt} only reads the arrays of {@code group}: an element, a length, or a call
   * that never writes its arguments.
   */
  private static boolean isRead(Stmt stmt, Set<Var> group) {
    return stmt instanceof Assign assign && !group.contains(assign.target())
        && (assign.value() instanceof Load || assign.value() instanceof Length
            || assign.value() instanceof Call call && call.callee().readsOnly());
  }

  /** True if {@code operand} has its forward value where the backward sweep recomputes. */
  private boolean isAvailable(Operand operand, Assign at, Predicate<Var> inline) {
    if (!(operand instanceof Var v)) {
      return true;
    }
    if (replayable.contains(v) || inline.test(v) || !loops.isAssignedInLoop(v)
        || v.type().isArray() && settledAt(v, at)) {
      return true;
    }
    List<Loop> around = loops.loopsAround(at);
    for (Loop loop : around) {
      if (loop.counted() != null && loop.counted().index().equals(v)
          || recomputed.containsKey(v) && bodyOf.get(v) == loop.body()) {
        return true;
      }
    }
    return settledInFusedIteration(v, at, around);
  }

  /**
   * True if {@code v} still holds, when the backward pass of an iteration of a fused loop runs,
   * the value {@code at} read in that iteration: the loop assigns {@code v} only before the
   * statement of its body that holds {@code at} (batch norm's {@code mu = mu / n}, before the
   * loop over {@code x[i][j] - mu}), and the backward pass runs before the next iteration.
   */
  private boolean settledInFusedIteration(Var v, Stmt at, List<Loop> around) {
    if (around.isEmpty() || !fused.contains(around.get(0)) || around.get(0).testAtEnd()) {
      return false;
    }
    Loop outer = around.get(0);
    int limit = loops.position(around.size() > 1 ? around.get(1) : at);
    boolean[] before = {true};
    Statements.forEach(outer.body(), stmt -> before[0] &= !BackStmts.assigned(stmt).contains(v)
        || loops.position(stmt) < limit);
    outer.header().statements()
        .forEach(stmt -> before[0] &= !BackStmts.assigned(stmt).contains(v));
    return before[0];
  }

  /** Adds the variables {@code stmt} and the statements nested in it name. */
  private static void mentions(Stmt stmt, Set<Var> out) {
    out.addAll(Statements.mentioned(stmt));
  }
}
