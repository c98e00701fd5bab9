package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Length;
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
 */
public final class JammedLoops {
  private final ArrayAliases aliases;

  private JammedLoops(ArrayAliases aliases) {
    this.aliases = aliases;
  }

  /** {@code pullback} with each run of adjacent loops over the same indices jammed into one. */
  public static Pullback of(Pullback pullback) {
    JammedLoops pass = new JammedLoops(ArrayAliases.of(pullback.body()));
    return pullback.withBody(pass.block(pullback.body()));
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
      Stmt jammed = first < 0 ? null : jammed(out.get(first), done, out);
      int partner = first;
      while (jammed == null && partner > 0 && done instanceof ReverseLoop
          && commute(out.get(partner), done)) {
        partner--; // a backward loop moves over what it shares nothing with, to its partner
        jammed = jammed(out.get(partner), done, out);
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
