package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Terms;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.plan.GeneratedNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A call of a generated pullback through a one-element buffer, {@code dArgs1[0] = 0.0;
 * CGrad.cdfPullback(d2, dt21, dArgs1); double dd2 = dArgs1[0];}, becomes a call of the callee's
 * backward pass that returns the adjoint, {@code double dd2 = CGrad.cdfBackward(d2, dt21);}: no
 * buffer to allocate, clear and read, and not the callee's value computed again. For callees
 * returning {@code double} with one differentiated {@code double} parameter
 * ({@link dev.adjoint.processor.plan.DerivativeSignature#backwardReturnsAdjoint}); a buffer no
 * call uses any more is not declared.
 */
public final class ReturnedAdjoints {
  private final Set<Var> replaced = new HashSet<>();

  private ReturnedAdjoints() {}

  /** {@code pullback} with its calls through one-element buffers returning the adjoint. */
  public static Pullback of(Pullback pullback) {
    ReturnedAdjoints pass = new ReturnedAdjoints();
    Block body = pass.block(pullback.body());
    if (pass.replaced.isEmpty()) {
      return pullback;
    }
    Set<Var> stillUsed = new HashSet<>();
    Statements.forEach(body, stmt -> {
      if (!(stmt instanceof Declare)) {
        stillUsed.addAll(Statements.vars(stmt));
      }
    });
    return pullback.withBody(pass.withoutDeclarations(body, stillUsed));
  }

  private Block block(Block block) {
    List<Stmt> in = block.statements();
    List<Stmt> out = new ArrayList<>();
    for (int k = 0; k < in.size(); k++) {
      Stmt returning = k + 2 < in.size() ? returning(in.get(k), in.get(k + 1), in.get(k + 2))
          : null;
      if (returning != null) {
        out.add(returning);
        k += 2;
      } else {
        out.add(Statements.mapBlocks(in.get(k), this::block));
      }
    }
    return new Block(out);
  }

  /**
   * {@code reset; call; add} as one addition of the returned adjoint, or null if the three are
   * not a call of a generated pullback through a buffer of one element read right after it.
   */
  private Stmt returning(Stmt reset, Stmt call, Stmt add) {
    if (!(call instanceof DerivativeCall derivative) || derivative.callee() == null) {
      return null;
    }
    Callee callee = derivative.callee();
    List<Operand> arguments = derivative.arguments();
    if (!callee.generated() || !callee.signature().backwardReturnsAdjoint()
        || !derivative.method().equals(callee.pullback())
        || !(arguments.get(arguments.size() - 1) instanceof Var buffer)) {
      return null;
    }
    List<Operand> first = List.of(Constant.integer(0));
    if (!(reset instanceof Store store && store.array().equals(buffer)
        && store.indices().equals(first) && store.compound() == null)
        || !(add instanceof Accumulate into && !into.intoElement()
        && into.value().equals(Terms.element(buffer, first)))) {
      return null;
    }
    replaced.add(buffer);
    String pullback = callee.signature().name();
    String method = pullback.substring(0, pullback.length() - "Pullback".length());
    String backward = callee.pullback().substring(0, callee.pullback().length()
        - pullback.length()) + GeneratedNames.backwardName(method);
    Callee returns = new Callee(backward, callee.display(), null, null, null, null, null,
        List.of(), false, false, false, false, null);
    Operand value = new Nested(new Call(returns, arguments.subList(0, arguments.size() - 1)),
        Type.DOUBLE);
    return new Accumulate(into.target(), value, into.declares(), into.origin());
  }

  /** {@code block} without the declarations of replaced buffers nothing uses. */
  private Block withoutDeclarations(Block block, Set<Var> stillUsed) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      if (!(stmt instanceof Declare declare && replaced.contains(declare.var())
          && !stillUsed.contains(declare.var()))) {
        out.add(Statements.mapBlocks(stmt, b -> withoutDeclarations(b, stillUsed)));
      }
    }
    return new Block(out);
  }
}
