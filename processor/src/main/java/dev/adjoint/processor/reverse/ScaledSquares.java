package dev.adjoint.processor.reverse;

import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Products {@code r = t * x} whose factor {@code t} is {@code k * x}, {@code k} a constant: Java
 * reads {@code 100 * a * a} as {@code (100 a) a}. A person differentiates {@code 100 a²} at once,
 * {@code 200 a}, and so do both sweeps: the reverse one gives {@code x} the adjoint
 * {@code 2k x g} ({@link dev.adjoint.processor.rules.DerivativeRules#scaledSquare}), the forward
 * one the tangent {@code 2 (t dx)} ({@link dev.adjoint.processor.rules.DerivativeRules#square}),
 * and {@code t} gets neither an adjoint nor a tangent. Only where {@code t} is assigned once, in
 * the same block before {@code r}, read by {@code r} alone, and neither an assignment of
 * {@code x} nor a branch or loop stands between them: then {@code t} is {@code k x} of the same
 * {@code x}.
 */
public final class ScaledSquares {
  /** In {@code r = t * x}, operand {@code scaled} (0 or 1) is {@code t = k * x}. */
  public record Square(int scaled, Constant k) {}

  private final LoopFacts loops;
  /** The statements (not branches or loops) that name each variable, in program order. */
  private final Map<Var, List<Stmt>> mentioning = new HashMap<>();

  public ScaledSquares(Function function, LoopFacts loops) {
    this.loops = loops;
    Statements.forEach(function.body(), stmt -> {
      if (!(stmt instanceof Loop || stmt instanceof If)) {
        Statements.vars(stmt).forEach(
            v -> mentioning.computeIfAbsent(v, k -> new ArrayList<>()).add(stmt));
      }
    });
  }

  /** The square {@code use} computes, or null. */
  public Square of(Assign use) {
    if (!(use.value() instanceof Binary product) || product.op() != Binary.Op.MUL
        || product.a().equals(product.b())) {
      return null;
    }
    for (int i = 0; i < 2; i++) {
      Operand t = i == 0 ? product.a() : product.b();
      Operand x = i == 0 ? product.b() : product.a();
      Constant k = t instanceof Var scaled && x instanceof Var && scaled.type() == Type.DOUBLE
          ? scaleOf(scaled, (Var) x, use) : null;
      if (k != null) {
        return new Square(i, k);
      }
    }
    return null;
  }

  /** The constant {@code k} where {@code t} is {@code k * x} as {@link #of} needs it, else null. */
  private Constant scaleOf(Var t, Var x, Assign use) {
    List<Stmt> uses = mentioning.getOrDefault(t, List.of());
    if (uses.size() != 2 || !(uses.get(0) instanceof Assign definition)
        || uses.get(1) != use || !definition.target().equals(t)
        || !(definition.value() instanceof Binary times) || times.op() != Binary.Op.MUL) {
      return null;
    }
    Operand k = times.b().equals(x) ? times.a() : times.a().equals(x) ? times.b() : null;
    Block block = loops.blockOf(definition);
    if (!(k instanceof Constant constant) || block != loops.blockOf(use)) {
      return null;
    }
    List<Stmt> statements = block.statements();
    boolean xUnchanged = statements.subList(statements.indexOf(definition) + 1,
        statements.indexOf(use)).stream().noneMatch(stmt -> BackStmts.assigned(stmt).contains(x)
            || stmt instanceof Loop || stmt instanceof If);
    return xUnchanged ? constant : null;
  }
}
