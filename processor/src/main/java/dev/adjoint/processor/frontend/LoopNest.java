package dev.adjoint.processor.frontend;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;

/**
 * The loops around the statement being lowered: where {@code continue} goes, the one mutable
 * variable each local is inside them (instead of SSA versions), and the flag a {@code return}
 * inside a loop sets.
 */
final class LoopNest {
  private final NameScope names;
  /** The loops around the statement being lowered, innermost first. */
  private final Deque<LoopContext> loops = new ArrayDeque<>();
  /** Inside loops a local is one mutable variable, not SSA versions: its variable per element. */
  private final Map<Element, Var> loopVariables = new HashMap<>();
  /** Set when a {@code return} inside a loop leaves it early; null until one does. */
  private Var returned;

  /** Where {@code continue} goes inside a loop: the update, then the end of the iteration. */
  private record LoopContext(Continuation continueTarget) {}

  LoopNest(NameScope names) {
    this.names = names;
  }

  boolean inLoop() {
    return !loops.isEmpty();
  }

  /** Where a {@code continue} in the innermost loop goes. */
  Continuation continueTarget() {
    return loops.peek().continueTarget();
  }

  /** The body of a loop whose {@code continue} goes to {@code continueTarget} is lowered now. */
  void enter(Continuation continueTarget) {
    loops.push(new LoopContext(continueTarget));
  }

  void leave() {
    loops.pop();
  }

  /** A new version of {@code local} to assign: outside loops a fresh one, inside its variable. */
  Var newVersion(Element local) {
    Type type = Types.of(local.asType());
    if (inLoop()) {
      return variable(local, type);
    }
    return new Var(names.fresh(local.getSimpleName().toString()), type);
  }

  /** The one variable of {@code local} inside loops. */
  Var variable(Element local, Type type) {
    return loopVariables.computeIfAbsent(local,
        l -> new Var(names.claim(l.getSimpleName().toString()), type));
  }

  /** Forgets the variable of {@code local}, so that its next declaration gets a new one. */
  void forget(Element local) {
    loopVariables.remove(local);
  }

  /** The locals that have a variable now. */
  Set<Element> locals() {
    return loopVariables.keySet();
  }

  /** Forgets the variables of all locals but {@code kept}. */
  void forgetAllBut(Set<Element> kept) {
    loopVariables.keySet().removeIf(local -> !kept.contains(local));
  }

  /**
   * Locals declared before a loop and assigned in it ({@code assigned}) become one mutable
   * variable each, initialized from their current version.
   */
  void makeLoopCarried(Set<Element> assigned, Env env, List<Stmt> out, Origin origin) {
    for (Element local : assigned) {
      Var current = env.versions.get(local);
      if (current == null || current.equals(loopVariables.get(local))) {
        continue; // declared inside the loop, or already mutable in an enclosing loop
      }
      Var v = new Var(names.fresh(local.getSimpleName().toString()), current.type());
      if (current == Env.UNASSIGNED) {
        out.add(new Declare(v));
      } else {
        out.add(new Assign(v, new Copy(current), origin));
      }
      loopVariables.put(local, v);
      env.versions.put(local, v);
    }
  }

  /** The flag a {@code return} inside a loop sets before it breaks out. */
  Var returnedFlag() {
    if (returned == null) {
      returned = new Var(names.fresh("returned"), Type.BOOLEAN);
    }
    return returned;
  }

  /** The flag, if a {@code return} inside a loop made one; else null. */
  Var returned() {
    return returned;
  }

  /**
   * A branch condition that a variable assigned elsewhere holds (a flag in a loop, the
   * early-return flag) is copied first: the backward sweep replays the branch from a value that
   * nothing overwrites, not from the variable, which the branch itself may change.
   */
  Operand condition(Operand operand, List<Stmt> out, Origin origin) {
    if (operand instanceof Var v && (v.equals(returned) || loopVariables.containsValue(v))) {
      Var copy = new Var(names.numbered("c"), Type.BOOLEAN);
      out.add(new Assign(copy, new Copy(v), origin));
      return copy;
    }
    return operand;
  }
}
