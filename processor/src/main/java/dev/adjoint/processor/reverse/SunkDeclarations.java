package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A variable declared at the top of the pullback with its type's zero
 * ({@code double[] hidden = null;}), because a backward pass reads it, is declared where it is
 * first assigned once every statement naming it sits in one loop's body and that body assigns it
 * before anything else there names it: {@code double[] hidden = new double[H];} inside the batch
 * loop whose fused backward pass reads it. Each iteration then starts from that assignment, as
 * before; the value the top declaration gave was never read. Generated code reads as a person
 * writes it, with each name in the scope that uses it.
 */
public final class SunkDeclarations {
  private SunkDeclarations() {}

  /** {@code pullback} with its top declarations moved into the loops that alone use them. */
  public static Pullback of(Pullback pullback) {
    return pullback.withBody(of(pullback.body()));
  }

  /**
   * {@code body} (a pullback's, an HVP's) with its top declarations moved into the loops that
   * alone use them.
   */
  public static Block of(Block body) {
    Map<Loop, List<Var>> sinks = new IdentityHashMap<>();
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : body.statements()) {
      Loop loop = null;
      if (stmt instanceof Declare declare && declare.origin() == null
          && declare.init() instanceof Copy copy && copy.a() instanceof Constant) {
        loop = soleLoop(body, stmt, declare.var());
        if (loop != null && assignedFirst(loop.body(), declare.var())) {
          sinks.computeIfAbsent(loop, l -> new ArrayList<>()).add(declare.var());
        } else {
          loop = null;
        }
      }
      if (loop == null) {
        out.add(stmt);
      }
    }
    return sinks.isEmpty() ? body : sunk(new Block(out), sinks);
  }

  /**
   * The innermost loop whose body holds every statement of {@code block} naming {@code v} (but
   * {@code skip}), none naming it in the loop's header or bounds; null if there is none.
   */
  private static Loop soleLoop(Block block, Stmt skip, Var v) {
    Loop found = null;
    for (Stmt stmt : block.statements()) {
      if (stmt != skip && Statements.mentioned(stmt).contains(v)) {
        if (found != null || !(stmt instanceof Loop loop)
            || Statements.vars(loop).contains(v) || mentionedIn(loop.header(), v)) {
          return null;
        }
        found = loop;
      }
    }
    if (found == null) {
      return null;
    }
    Loop inner = soleLoop(found.body(), null, v);
    return inner != null ? inner : found;
  }

  private static boolean mentionedIn(Block block, Var v) {
    return block.statements().stream().anyMatch(s -> Statements.mentioned(s).contains(v));
  }

  /**
   * Whether the first statement of {@code body} naming {@code v} assigns it, at the top of the
   * body, a value that does not read it.
   */
  private static boolean assignedFirst(Block body, Var v) {
    for (Stmt stmt : body.statements()) {
      if (Statements.mentioned(stmt).contains(v)) {
        return stmt instanceof Assign assign && assign.target().equals(v)
            && !Exprs.vars(assign.value().operands()).contains(v);
      }
    }
    return false;
  }

  /** {@code block} with the sunk variables declared at their loops' first assignments. */
  private static Block sunk(Block block, Map<Loop, List<Var>> sinks) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      List<Var> pending = stmt instanceof Loop ? new ArrayList<>(sinks.getOrDefault(stmt,
          List.of())) : List.of();
      Stmt done = Statements.mapBlocks(stmt, b -> sunk(b, sinks));
      if (!pending.isEmpty()) {
        Loop loop = (Loop) done;
        List<Stmt> body = new ArrayList<>();
        for (Stmt inner : loop.body().statements()) {
          body.add(inner instanceof Assign assign && pending.remove(assign.target())
              ? new Declare(assign.target(), assign.value(), assign.origin()) : inner);
        }
        done = new Loop(loop.header(), loop.test(), new Block(body), loop.testAtEnd(),
            loop.counted(), loop.origin());
      }
      out.add(done);
    }
    return new Block(out);
  }
}
