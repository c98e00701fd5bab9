package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adds several contributions to one array element once: {@code dx[2 * i] += a; ...;
 * dx[2 * i] += b;} becomes {@code double dxSum1 = a; ...; dxSum1 += b; dx[2 * i] += dxSum1;}, as a
 * person sums the gradient of a value read twice before storing it. The JIT does not merge the
 * repeated read-modify-writes of an element (it cannot prove the stores in between touch other
 * elements), so each costs a load and a store. Contributions are summed in the same order; only
 * where the element is added to changes. Within one block, and only while nothing reads the
 * array or leaves the straight line (a branch, a loop, a call, a restore), and never for an
 * adjoint array that another name shares (the shadows of arrays assigned to one another).
 *
 * <p>The same across a loop: an element a backward loop adds into in every iteration, at an
 * index the loop does not change, and whose array the loop names nowhere else, is summed in a
 * local and added once after the loop: {@code dx[d] += w[d][h] * dz[h]} over {@code h} becomes
 * {@code dxSum1 += ...} and {@code dx[d] += dxSum1}, as a person accumulates a dot product in a
 * register. The sum starts at zero, so the element receives the same contributions, added in the
 * same order, as one rounded sum. The sum is added only if the loop ran (a counted loop's; one
 * that ran no iteration never read the element, whose index may be out of bounds then).
 */
final class ElementSums {
  private final NameScope names;
  private final Set<Var> shared;

  private ElementSums(NameScope names, Set<Var> shared) {
    this.names = names;
    this.shared = shared;
  }

  /**
   * The backward sweep {@code statements} with repeated element contributions summed, except
   * into the adjoint arrays in {@code shared}.
   */
  static List<Stmt> of(List<Stmt> statements, NameScope names, Set<Var> shared) {
    return new ElementSums(names, shared).block(statements);
  }

  private List<Stmt> block(List<Stmt> statements) {
    List<Stmt> out = new ArrayList<>();
    int start = 0;
    for (int k = 0; k <= statements.size(); k++) {
      Stmt stmt = k < statements.size() ? statements.get(k) : null;
      if (stmt == null || !isStraight(stmt)) {
        out.addAll(run(statements.subList(start, k)));
        if (stmt != null) {
          out.addAll(stmt instanceof ReverseLoop loop ? loopSums(loop) : List.of(nested(stmt)));
        }
        start = k + 1;
      }
    }
    return out;
  }

  private Stmt nested(Stmt stmt) {
    if (stmt instanceof If branch) {
      return new If(branch.condition(), block(branch.then()), block(branch.otherwise()),
          branch.origin());
    }
    if (stmt instanceof ReverseLoop loop) {
      return loop.withBody(block(loop.body()));
    }
    return stmt;
  }

  /**
   * {@code loop} (its body done first), with each element it adds into at a fixed index summed
   * in a local declared before it and added after it.
   */
  private List<Stmt> loopSums(ReverseLoop loop) {
    ReverseLoop done = (ReverseLoop) nested(loop);
    if (done.loop().counted() == null) {
      return List.of(done); // its trip count is spent by the end: whether it ran is not known
    }
    Set<Var> changed = assignedIn(done);
    Map<Var, Element> fixed = new LinkedHashMap<>();
    Set<Var> otherwise = new HashSet<>();
    List<Element> moving = new ArrayList<>();
    // only contributions every iteration makes (not under a branch, whose index may be one the
    // forward sweep never read: du[w] where u[w] was read on a path never taken)
    done.body().statements().forEach(stmt -> {
      Set<Var> named = Statements.mentioned(stmt);
      if (stmt instanceof Accumulate add && add.intoElement() && !shared.contains(add.target())
          && !Exprs.vars(add.value()).contains(add.target())) {
        Element element = new Element(add.target(), add.indices());
        if (!add.indices().stream().allMatch(i -> isFixed(i, changed))) {
          moving.add(element); // dx[j] -= g: apart from dx[i] if j never reaches i
          Set<Var> others = new HashSet<>(named);
          others.remove(add.target());
          otherwise.addAll(others);
          return;
        }
        Element before = fixed.putIfAbsent(add.target(), element);
        if (before != null && !before.equals(element)) {
          otherwise.add(add.target()); // two elements of one array
        }
      } else {
        otherwise.addAll(named);
      }
    });
    for (Element other : moving) {
      Element element = fixed.get(other.array());
      if (element != null && !apart(element, other, done)) {
        otherwise.add(other.array());
      }
    }
    fixed.keySet().removeAll(otherwise);
    if (fixed.isEmpty()) {
      return List.of(done);
    }
    Map<Var, Var> sums = new LinkedHashMap<>();
    List<Stmt> out = new ArrayList<>();
    fixed.keySet().forEach(array -> {
      Var sum = new Var(names.numbered(array.name() + "Sum"), Type.DOUBLE);
      sums.put(array, sum);
      out.add(new Declare(sum, new Copy(Constant.ZERO)));
    });
    out.add(done.withBody(summed(done.body(), sums, fixed)));
    // added only if the loop ran: one that ran no iteration never read the element, whose
    // index may then be out of bounds (u[k] with k = -1 for an empty x). The test is the
    // backward loop's own (its last index against its first), so that it reads nothing
    // differentiated and the HVP's tangent of this sweep keeps it as it is.
    List<Stmt> adds = new ArrayList<>();
    fixed.forEach((array, element) ->
        adds.add(new Accumulate(array, element.indices(), sums.get(array), false, null)));
    out.add(new If(BackStmts.runs(done), new Block(adds), new Block(List.of()), null));
    return out;
  }

  /**
   * {@code block} with the contributions into the elements of {@code fixed} added to their sums
   * in {@code sums} (other elements of the same arrays keep theirs).
   */
  private static Block summed(Block block, Map<Var, Var> sums, Map<Var, Element> fixed) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof Accumulate add && add.intoElement() && sums.containsKey(add.target())
          && fixed.get(add.target()).indices().equals(add.indices())) {
        out.add(new Accumulate(sums.get(add.target()), add.value(), false, add.origin()));
      } else {
        out.add(Statements.mapBlocks(stmt, b -> summed(b, sums, fixed)));
      }
    }
    return new Block(out);
  }

  /**
   * Whether the element {@code other} adds into, at the loop's counter, is never {@code fixed}:
   * at one index position the counter runs from {@code e + c} upward (or {@code e - c} down),
   * {@code c} a positive constant, where {@code fixed} has {@code e} ({@code dx[j]} with
   * {@code j} from {@code i + 1}, beside {@code dx[i]}: the pairs of a triangle).
   */
  private static boolean apart(Element fixed, Element other, ReverseLoop loop) {
    Loop.Counted counted = loop.loop().counted();
    if (fixed.indices().size() != other.indices().size()
        || !(loop.from() instanceof Nested nested && nested.expr() instanceof Binary start
            && start.b() instanceof Constant c && c.value() != null && c.value() > 0
            && start.op() == (counted.downward() ? Binary.Op.SUB : Binary.Op.ADD))) {
      return false;
    }
    for (int p = 0; p < fixed.indices().size(); p++) {
      if (other.indices().get(p).equals(counted.index())
          && fixed.indices().get(p).equals(start.a())) {
        return true;
      }
    }
    return false;
  }

  /** An index that keeps its value through the loop: a constant or a variable it never sets. */
  private static boolean isFixed(Operand index, Set<Var> changed) {
    return index instanceof Constant || index instanceof Var v && !changed.contains(v);
  }

  /** The variables {@code loop} sets: its counter and every scalar its body writes. */
  private static Set<Var> assignedIn(ReverseLoop loop) {
    Set<Var> changed = new HashSet<>();
    if (loop.loop().counted() != null) {
      changed.add(loop.loop().counted().index());
    }
    Statements.forEach(loop.body(), stmt -> {
      if (stmt instanceof Assign assign) {
        changed.add(assign.target());
      } else if (stmt instanceof Declare declare) {
        changed.add(declare.var());
      } else if (stmt instanceof Accumulate add && !add.intoElement()) {
        changed.add(add.target());
      } else if (stmt instanceof Pop pop && pop.indices().isEmpty()) {
        changed.add(pop.target());
      } else if (stmt instanceof Loop || stmt instanceof ReverseLoop) {
        Var counter = stmt instanceof Loop l && l.counted() != null ? l.counted().index()
            : stmt instanceof ReverseLoop r && r.loop().counted() != null
                ? r.loop().counted().index() : null;
        if (counter != null) {
          changed.add(counter);
        }
      }
    });
    return changed;
  }

  private Block block(Block block) {
    return new Block(block(block.statements()));
  }

  /** Contributions, declarations and resets (of adjoints: the backward sweep stores no other). */
  private static boolean isStraight(Stmt stmt) {
    return stmt instanceof Accumulate || stmt instanceof Declare || stmt instanceof Assign
        || stmt instanceof Store;
  }

  /** An element of an adjoint array, as a contribution names it. */
  private record Element(Var array, List<Operand> indices) {}

  /** One straight run: sums each element's contributions that no read of its array separates. */
  private List<Stmt> run(List<Stmt> statements) {
    // for each element added to more than once, the positions of its additions
    Map<Element, List<Integer>> additions = new HashMap<>();
    Map<Var, Integer> lastRead = new HashMap<>();
    List<List<Integer>> groups = new ArrayList<>();
    for (int k = 0; k < statements.size(); k++) {
      Stmt stmt = statements.get(k);
      for (Var array : BackStmts.elementsRead(stmt)) {
        lastRead.put(array, k);
      }
      if (stmt instanceof Accumulate add && add.intoElement()) {
        if (shared.contains(add.target())) {
          continue;
        }
        Element element = new Element(add.target(), add.indices());
        List<Integer> group = additions.get(element);
        if (group != null && lastRead.getOrDefault(add.target(), -1) < group.get(0)) {
          group.add(k);
        } else {
          group = new ArrayList<>(List.of(k));
          additions.put(element, group);
          groups.add(group);
        }
      }
    }
    Map<Integer, Stmt> replaced = new HashMap<>();
    Map<Integer, Stmt> appended = new HashMap<>();
    for (List<Integer> group : groups) {
      if (group.size() < 2) {
        continue;
      }
      Accumulate first = (Accumulate) statements.get(group.get(0));
      Var sum = new Var(names.numbered(first.target().name() + "Sum"), Type.DOUBLE);
      replaced.put(group.get(0), new Declare(sum, new Copy(first.value())));
      for (int k : group.subList(1, group.size())) {
        Accumulate add = (Accumulate) statements.get(k);
        replaced.put(k, new Accumulate(sum, add.value(), false, add.origin()));
      }
      int last = group.get(group.size() - 1);
      appended.put(last,
          new Accumulate(first.target(), first.indices(), sum, false, null));
    }
    List<Stmt> out = new ArrayList<>();
    for (int k = 0; k < statements.size(); k++) {
      out.add(replaced.getOrDefault(k, statements.get(k)));
      if (appended.containsKey(k)) {
        out.add(appended.get(k));
      }
    }
    return out;
  }
}
