package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Cast;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.Push;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A value the source chooses with a conditional, {@code double left = i > 0 ? u[i - 1] : 0.0;},
 * which the forward sweep runs as an {@code if} whose two sides each compute and assign it
 * ({@code if (c1) { int t3 = i - 1; left = u[t3]; } else { left = 0.0; }}), is printed as the
 * conditional again: {@code left = c1 ? u[i - 1] : 0.0;}. Only when each side is temporaries
 * read once, then the one assignment, all of it arithmetic, casts, loads and lengths: Java
 * evaluates only the side the test picks, as the {@code if} did, so nothing else changes. A push
 * of one value both sides start with (after declarations of other variables) goes before the
 * {@code if}, a pop both end with after it (the saved old value of what the sides assign).
 * Applied to the printed pullback, before declarations are sunk (which may then declare the value
 * where it is chosen).
 */
public final class ChosenValues {
  private ChosenValues() {}

  public static Pullback of(Pullback pullback) {
    return pullback.withBody(block(pullback.body()));
  }

  private static Block block(Block block) {
    List<Stmt> out = new ArrayList<>();
    boolean changed = false;
    for (Stmt stmt : block.statements()) {
      Stmt mapped = Statements.mapBlocks(stmt, ChosenValues::block);
      changed |= mapped != stmt;
      if (!(mapped instanceof If branch)) {
        out.add(mapped);
        continue;
      }
      List<Stmt> after = new ArrayList<>();
      If shared = shared(branch, out, after);
      Assign chosen = chosen(shared);
      changed |= shared != branch || chosen != null;
      if (chosen != null) {
        out.add(chosen);
      } else if (!shared.then().isEmpty() || !shared.otherwise().isEmpty()) {
        out.add(shared);
      }
      out.addAll(after);
    }
    return changed ? new Block(out) : block;
  }

  /**
   * {@code branch} without the pushes of one value both its sides start with, added to
   * {@code before}, and the pops both end with, added to {@code after}: the tape sees the same
   * either way, and what is left may be a choice of a value (or nothing: then the if goes, its
   * test having no effect).
   */
  private static If shared(If branch, List<Stmt> before, List<Stmt> after) {
    List<Stmt> then = new ArrayList<>(branch.then().statements());
    List<Stmt> otherwise = new ArrayList<>(branch.otherwise().statements());
    boolean moved = false;
    for (int k = firstPush(then), j = firstPush(otherwise); k >= 0 && j >= 0
        && ((Push) then.get(k)).value().equals(((Push) otherwise.get(j)).value());
        k = firstPush(then), j = firstPush(otherwise)) {
      before.add(then.remove(k));
      otherwise.remove(j);
      moved = true;
    }
    List<Stmt> popped = new ArrayList<>();
    while (!then.isEmpty() && !otherwise.isEmpty()
        && then.get(then.size() - 1) instanceof Pop pop
        && pop.equals(otherwise.get(otherwise.size() - 1))) {
      popped.add(0, then.remove(then.size() - 1));
      otherwise.remove(otherwise.size() - 1);
      moved = true;
    }
    after.addAll(popped);
    return moved ? new If(branch.condition(), new Block(then), new Block(otherwise),
        branch.origin()) : branch;
  }

  /**
   * Where the first push of {@code side} is, if only declarations of other variables come before
   * it (they do not touch the tape nor what it pushes); else -1.
   */
  private static int firstPush(List<Stmt> side) {
    for (int k = 0; k < side.size(); k++) {
      if (side.get(k) instanceof Push push) {
        Set<Var> read = Exprs.vars(push.value());
        return side.subList(0, k).stream().allMatch(s -> s instanceof Comment
            || s instanceof Declare declare && !read.contains(declare.var())) ? k : -1;
      }
      if (!(side.get(k) instanceof Declare || side.get(k) instanceof Comment)) {
        return -1;
      }
    }
    return -1;
  }

  /** {@code target = test ? a : b} for an if whose sides assign {@code a} and {@code b}. */
  private static Assign chosen(If branch) {
    Assign then = side(branch.then());
    Assign otherwise = side(branch.otherwise());
    if (then == null || otherwise == null || !then.target().equals(otherwise.target())) {
      return null;
    }
    Var target = then.target();
    return new Assign(target, new Select(branch.condition(), operand(then.value(), target),
        operand(otherwise.value(), target)), then.origin());
  }

  private static Operand operand(Expr value, Var target) {
    return value instanceof Copy copy ? copy.a() : new Nested(value, target.type());
  }

  /**
   * The assignment a side ends with, its temporaries written into its value; null unless the
   * side is only those (each read once, after it) and the assignment, all of them cheap and
   * without effects.
   */
  private static Assign side(Block side) {
    List<Stmt> statements = side.statements().stream()
        .filter(s -> !(s instanceof Comment)).toList();
    if (statements.isEmpty()
        || !(statements.get(statements.size() - 1) instanceof Assign assign)) {
      return null;
    }
    Map<Var, Operand> temporaries = new HashMap<>();
    UnaryOperator<Operand> written = Exprs.substituting(temporaries::remove);
    for (Stmt stmt : statements.subList(0, statements.size() - 1)) {
      if (!(stmt instanceof Declare declare) || declare.init() == null
          || !isCheap(declare.init()) || reads(statements, declare.var()) != 1) {
        return null;
      }
      temporaries.put(declare.var(), operand(Exprs.map(declare.init(), written), declare.var()));
    }
    if (!isCheap(assign.value())) {
      return null;
    }
    Expr value = Exprs.map(assign.value(), written);
    return temporaries.isEmpty() ? new Assign(assign.target(), value, assign.origin()) : null;
  }

  /** How many times {@code statements} read {@code v} (its declaration aside). */
  private static int reads(List<Stmt> statements, Var v) {
    int count = 0;
    for (Stmt stmt : statements) {
      List<Operand> operands = new ArrayList<>(Statements.operands(stmt));
      if (stmt instanceof Declare || stmt instanceof Assign) {
        operands.remove(0);
      }
      count += (int) operands.stream().filter(v::equals).count();
      for (Operand o : operands) {
        int[] nested = {0};
        Exprs.forEachNested(o, e -> nested[0] += (int) e.operands().stream()
            .filter(v::equals).count());
        count += nested[0];
      }
    }
    return count;
  }

  /** An operation that computes and has no effect: arithmetic, a cast, a load, a length. */
  private static boolean isCheap(Expr e) {
    boolean[] cheap = {e instanceof Copy || e instanceof Binary || e instanceof Unary
        || e instanceof Cast || e instanceof Load || e instanceof Length};
    e.operands().forEach(o -> Exprs.forEachNested(o, inner -> cheap[0] &= isCheap(inner)));
    return cheap[0];
  }
}
