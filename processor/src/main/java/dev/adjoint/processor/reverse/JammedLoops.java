package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Two loops one after the other over the same indices become one loop when the iterations of
 * the two together are independent of one another ({@link InOrderLoops#independent}): GMM's
 * {@code xcentered[id] = x[id] - mu[id]} and {@code qxcentered[id] = q[id] * xcentered[id]},
 * and their backward passes, each one loop as a person writes them. Then iteration {@code i} of
 * the second loop touches only the elements iteration {@code i} of the first one touches, at
 * the same index position, and both assign only their own locals: every variable and element
 * receives the same operations in the same order as before, so the results are the same bit for
 * bit, and short loops (GMM's {@code d = 2}) pay their overhead once. Taken for counted forward
 * loops with the same bounds and step, and for backward loops run in the forward order
 * ({@link InOrderLoops}) from the same first to the same last index, whose bodies only declare,
 * assign, add and store (forward loops: no branch, no inner loop; backward loops may have them,
 * nothing taped or called). The bound may be a temporary each loop declares before it
 * ({@code int t7 = x.length;}, from {@code i < x.length}): the second one's declaration then
 * comes before the jammed loop, which cannot change an array's length.
 *
 * <p>A backward loop also moves back over statements it shares nothing with (neither writes
 * what the other names; no array that may be another's) to the loop it jams with: the
 * two-layer net's pass into {@code a} per hidden unit and ReLU's, over the loop into the
 * scores' biases between them.
 *
 * <p>A backward loop of independent iterations also runs at the head of a backward loop over
 * the same indices after it whose iterations are not independent, where that one touches it
 * only at the element its counter picks ({@link #headOf}): GMM's log-sum-exp pass into
 * {@code dmainTerm[k]} at the head of its pass over the components, which reads
 * {@code dmainTerm[k]} first.
 */
public final class JammedLoops {
  private final ArrayAliases aliases;

  private JammedLoops(ArrayAliases aliases) {
    this.aliases = aliases;
  }

  /** {@code pullback} with each run of adjacent loops over the same indices jammed into one. */
  public static Pullback of(Pullback pullback) {
    return pullback.withBody(of(pullback.body()));
  }

  /** {@code body} with each run of adjacent loops over the same indices jammed into one. */
  static Block of(Block body) {
    return new JammedLoops(ArrayAliases.of(body)).block(body);
  }

  private Block block(Block block) {
    List<Stmt> statements = block.statements();
    List<Stmt> out = new ArrayList<>();
    for (int k = 0; k < statements.size(); k++) {
      Stmt done = Statements.mapBlocks(statements.get(k), this::block);
      int first = out.size() - 1;
      while (first >= 0 && lengthOf(out.get(first)) != null) {
        first--; // int t = x.length; before the second loop: its bound, the same as the first's
      }
      Stmt jammed = first < 0 ? null : paired(out.get(first), done, out);
      int partner = first;
      while (jammed == null && partner > 0 && done instanceof ReverseLoop
          && commute(out.get(partner), done)) {
        partner--; // a backward loop moves over what it shares nothing with, to its partner
        jammed = paired(out.get(partner), done, out);
      }
      if (jammed == null) {
        out.add(done);
        continue;
      }
      if (partner < first) {
        out.set(partner, jammed);
        continue;
      }
      out.remove(first);
      Operand bound = done instanceof Loop loop ? loop.counted().to() : null;
      List<Stmt> rest = new ArrayList<>(statements.subList(k + 1, statements.size()));
      rest.add(jammed);
      out.removeIf(s -> lengthOf(s) != null && ((Declare) s).var().equals(bound)
          && rest.stream().noneMatch(r -> Statements.mentioned(r).contains(bound))); // unused now
      out.add(jammed);
    }
    return new Block(out);
  }

  /**
   * The loop running {@code first}'s body and then {@code second}'s, both of independent
   * iterations or {@code first}'s at the head of {@code second}'s, or null.
   */
  private Stmt paired(Stmt first, Stmt second, List<Stmt> before) {
    Stmt jammed = jammed(first, second, before);
    return jammed == null && second instanceof ReverseLoop dependent
        ? headOf(first, dependent) : jammed;
  }

  /** The loop running {@code first}'s body and then {@code second}'s, or null. */
  private Stmt jammed(Stmt first, Stmt second, List<Stmt> before) {
    if (first instanceof Loop a && second instanceof Loop b && sameRange(a, b, before)) {
      Block body =
          concatenated(a.body(), b.body(), b.counted().index(), a.counted().index(), false);
      return body == null ? null : a.withBody(body);
    }
    if (first instanceof ReverseLoop a && second instanceof ReverseLoop b && a.inOrder()
        && b.inOrder() && a.trips() == null && b.trips() == null
        && a.loop().counted() != null && b.loop().counted() != null
        && a.loop().counted().step() == b.loop().counted().step()
        && a.from().equals(b.from()) && a.last().equals(b.last())) {
      Var counter = a.loop().counted().index();
      Block body = concatenated(a.body(), b.body(), b.loop().counted().index(), counter, true);
      return body == null ? null : a.withBody(body);
    }
    return null;
  }

  /**
   * {@code first}, a backward loop whose iterations are independent (or the one loop of the test
   * {@link ZeroSkipping} puts around it), run at the head of each iteration of {@code second},
   * the backward loop over the same indices after it, whose iterations are not independent: the
   * log-sum-exp's pass {@code dmainTerm[k] += e[k] * dsemx} at the head of GMM's pass over the
   * components, which reads {@code dmainTerm[k]}; else null. Iteration {@code k} of the first
   * loop then runs after iterations of the second that ran after it before, in the second's
   * order; so the second must touch the arrays the first writes, and write the arrays the first
   * reads, only at element {@code k} (the counter at one index position in every access of
   * either loop), and assign no variable the first reads; the first, independent, touches
   * nothing else of another iteration. The results are the same bit for bit.
   */
  private Stmt headOf(Stmt first, ReverseLoop second) {
    If test = first instanceof If branch && branch.otherwise().isEmpty()
        && branch.then().statements().size() == 1 ? branch : null;
    Stmt inner = test == null ? first : test.then().statements().get(0);
    if (!(inner instanceof ReverseLoop a) || second.inOrder() || a.trips() != null
        || second.trips() != null || a.loop().counted() == null
        || second.loop().counted() == null
        || a.loop().counted().step() != second.loop().counted().step()
        || !a.from().equals(second.from()) || !a.last().equals(second.last())) {
      return null;
    }
    Var counter = second.loop().counted().index();
    List<Stmt> renamed = new ArrayList<>();
    for (Stmt stmt : a.body().statements()) {
      renamed.add(BackStmts.renamed(stmt, a.loop().counted().index(), counter));
    }
    Block head = new Block(renamed);
    Set<Var> declared = BackStmts.declaredIn(head);
    if (!InOrderLoops.independent(head, counter, aliases)
        || BackStmts.declaredIn(second.body()).stream().anyMatch(declared::contains)) {
      return null;
    }
    Set<Var> read = new HashSet<>();
    Statements.forEach(head, s -> read.addAll(Statements.vars(s)));
    if (test != null) {
      read.addAll(Exprs.vars(List.of(test.condition())));
    }
    read.removeAll(declared);
    Set<Var> writtenBySecond = written(second);
    Set<Var> shared = new HashSet<>();
    head.statements().forEach(stmt -> shared.addAll(groups(written(stmt))));
    for (Var v : read) {
      if (!v.type().isArray() && writtenBySecond.contains(v)) {
        return null; // the second assigns what the first reads
      }
      if (v.type().isArray() && groups(writtenBySecond).contains(aliases.group(v))) {
        shared.add(aliases.group(v));
      }
    }
    List<InOrderLoops.Access> accesses = elementAccesses(head);
    accesses.addAll(elementAccesses(second.body()));
    if (!InOrderLoops.oneElementPerIteration(accesses, shared, counter, aliases)) {
      return null;
    }
    List<Stmt> body = new ArrayList<>(test == null ? head.statements()
        : List.of(new If(test.condition(), head, new Block(List.of()), test.origin())));
    body.addAll(second.body().statements());
    return second.withBody(new Block(body));
  }

  /**
   * The elements of arrays {@code block} and the blocks nested in it read, store or add into,
   * and each array named otherwise (assigned, passed, a row taken) with null indices.
   */
  private static List<InOrderLoops.Access> elementAccesses(Block block) {
    List<InOrderLoops.Access> accesses = new ArrayList<>();
    Statements.forEach(block, stmt -> {
      List<InOrderLoops.Access> found = new ArrayList<>();
      List<Operand> operands = Statements.operands(stmt);
      Expr value = stmt instanceof Assign assign ? assign.value()
          : stmt instanceof Declare declare ? declare.init() : null;
      if (value instanceof Load load) {
        found.add(new InOrderLoops.Access(load.array(), load.indices()));
      }
      if (stmt instanceof Store store) {
        found.add(new InOrderLoops.Access(store.array(), store.indices()));
      } else if (stmt instanceof Accumulate add && add.intoElement()) {
        found.add(new InOrderLoops.Access(add.target(), add.indices()));
      }
      for (Operand operand : operands) {
        Exprs.forEachNested(operand, e -> {
          if (e instanceof Load load) {
            found.add(new InOrderLoops.Access(load.array(), load.indices()));
          }
        });
      }
      Set<Var> accessed = new HashSet<>();
      found.forEach(f -> accessed.add(f.array()));
      for (Var v : Statements.vars(stmt)) {
        if (v.type().isArray() && !accessed.contains(v)) {
          found.add(new InOrderLoops.Access(v, null));
        }
      }
      accesses.addAll(found);
    });
    return accesses;
  }

  /**
   * The same first index, step and bound: the same operand, or temporaries that take the same
   * array's length ({@code int t3 = x.length;} before each loop, as {@code i < x.length} gives).
   */
  private static boolean sameRange(Loop a, Loop b, List<Stmt> before) {
    Loop.Counted x = a.counted();
    Loop.Counted y = b.counted();
    return x != null && y != null && x.from().equals(y.from())
        && bound(x.to(), before).equals(bound(y.to(), before))
        && x.inclusive() == y.inclusive() && x.step() == y.step();
  }

  /** {@code to}, or the length a temporary declared in {@code before} takes. */
  private static Object bound(Operand to, List<Stmt> before) {
    for (Stmt stmt : before) {
      Length length = lengthOf(stmt);
      if (length != null && ((Declare) stmt).var().equals(to)) {
        return length;
      }
    }
    return to;
  }

  /** The length {@code stmt} declares an integer with ({@code int t = x.length;}), or null. */
  private static Length lengthOf(Stmt stmt) {
    return stmt instanceof Declare declare && declare.init() instanceof Length length
        && length.rows().isEmpty() ? length : null;
  }

  /**
   * {@code first} then {@code second} reading {@code counter} where it read {@code index}, when
   * both are flat and the iterations of the two together are independent; else null.
   */
  private Block concatenated(Block first, Block second, Var index, Var counter,
      boolean backward) {
    List<Stmt> body = new ArrayList<>(first.statements());
    for (Stmt stmt : second.statements()) {
      body.add(BackStmts.renamed(stmt, index, counter));
    }
    boolean flat = body.stream().allMatch(s -> s instanceof Declare || s instanceof Assign
        || s instanceof Accumulate || s instanceof Store || s instanceof Comment);
    if (!flat && !(backward && body.stream().allMatch(BackStmts::untaped))) {
      return null;
    }
    Set<Var> declared = BackStmts.declaredIn(first);
    if (BackStmts.declaredIn(new Block(body.subList(first.statements().size(), body.size()))).stream()
        .anyMatch(declared::contains)) {
      return null; // both declare it (a value each computes again): one scope cannot
    }
    Block jammed = new Block(body);
    return InOrderLoops.independent(jammed, counter, aliases) ? jammed : null;
  }

  /**
   * Whether {@code a} and {@code b} may run in either order: neither writes a variable or array
   * the other names (an array assigned to it counting as it), neither touches an opaque array,
   * no tape.
   */
  private boolean commute(Stmt a, Stmt b) {
    if (!BackStmts.untaped(a) || !BackStmts.untaped(b)) {
      return false;
    }
    Set<Var> namedByA = Statements.mentioned(a);
    Set<Var> namedByB = Statements.mentioned(b);
    return namedByA.stream().noneMatch(aliases::opaque)
        && namedByB.stream().noneMatch(aliases::opaque)
        && groups(written(a)).stream().noneMatch(groups(namedByB)::contains)
        && groups(written(b)).stream().noneMatch(groups(namedByA)::contains);
  }

  private Set<Var> groups(Set<Var> vars) {
    Set<Var> groups = new HashSet<>();
    vars.forEach(v -> groups.add(aliases.group(v)));
    return groups;
  }

  /** The variables and arrays {@code stmt} and what is nested in it assign, add into or store. */
  private static Set<Var> written(Stmt stmt) {
    Set<Var> written = new HashSet<>();
    Statements.forEach(stmt, s -> {
      written.addAll(BackStmts.assigned(s));
      if (s instanceof Store store) {
        written.add(store.array());
      } else if (s instanceof Accumulate add) {
        written.add(add.target());
      }
    });
    return written;
  }
}
