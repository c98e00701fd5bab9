package dev.adjoint.processor.frontend;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Nested;
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
 * An element read twice in a straight line of the primal, nothing in between writing an array or
 * calling a method ({@code x[i] * x[i]}, {@code q[j] * q[j]}, also {@code s[hidden + i]} twice,
 * its index computed twice), is read once: the second read's
 * variable is replaced by the first's everywhere, so that the backward sweep saves or reads
 * again one value, not two, as a person writes {@code double xi = x[i]; xi * xi}. The same for
 * an operation computed twice on the same values, nothing in between assigning its operands:
 * {@code (x[t] - f) * (x[t] - f)} computes the difference once and squares it, as a person
 * writes {@code double e = x[t] - f; e * e} (integer {@code +}, {@code -}, {@code *}; double
 * {@code +}, {@code -}, {@code *}, {@code /}). Only variables assigned once (the lowering's
 * temporaries) are merged; the value is the same, bit for bit.
 */
public final class SameElementReads {
  private final Map<Var, Integer> assignments = new HashMap<>();
  private final Map<Var, Var> replaced = new HashMap<>();
  private final Var result;

  private SameElementReads(Function function) {
    this.result = function.result();
    Statements.forEach(function.body(), stmt -> {
      Var set = stmt instanceof Assign assign ? assign.target()
          : stmt instanceof Declare declare ? declare.var() : null;
      if (set != null) {
        assignments.merge(set, 1, Integer::sum);
      }
    });
  }

  /** {@code function} with repeated reads of an element merged. */
  public static Function of(Function function) {
    SameElementReads pass = new SameElementReads(function);
    Block body = pass.block(function.body());
    if (pass.replaced.isEmpty()) {
      return function;
    }
    return new Function(function.name(), function.params(), function.result(),
        pass.substituted(body), function.names());
  }

  /** An element as a read names it. */
  private record Element(Var array, List<Operand> indices) {}

  private Block block(Block block) {
    Map<Element, Var> read = new HashMap<>();
    Map<Expr, Var> computed = new HashMap<>(); // arithmetic computed: hidden + i, x[t] - f
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof Assign assign && assign.value() instanceof Load load
          && !assign.target().type().isArray() && once(assign.target())
          && !assign.target().equals(result)) {
        Element element = new Element(load.array(), all(load.indices()));
        Var first = read.get(element);
        if (first != null) {
          replaced.put(assign.target(), first);
          continue;
        }
        read.put(element, assign.target());
        out.add(stmt);
      } else if (stmt instanceof Assign assign && !(assign.value() instanceof Load)
          && !(assign.value() instanceof Call)
          && !assign.target().type().isArray()) {
        Var target = assign.target();
        read.keySet().removeIf(e -> e.indices().contains(target));
        computed.keySet().removeIf(e -> e.operands().contains(target));
        if (isMergeable(assign) && !target.equals(result)) {
          Expr value = expr(assign.value());
          Var first = computed.get(value);
          if (first != null) {
            replaced.put(target, first); // computed again: the same value (the same element)
            continue;
          }
          computed.put(value, target);
        }
        out.add(stmt);
      } else {
        read.clear(); // a store, a call, an array assigned, a branch or a loop
        computed.clear(); // a branch or loop may assign an operand (k++ under an if)
        out.add(Statements.mapBlocks(stmt, this::block));
      }
    }
    return new Block(out);
  }

  /**
   * {@code t = hidden + i}, {@code e = x - f} and the like, set once: integer {@code +},
   * {@code -} or {@code *} (no division, which may throw), double {@code +}, {@code -},
   * {@code *} or {@code /}.
   */
  private boolean isMergeable(Assign assign) {
    Type type = assign.target().type();
    if (!once(assign.target()) || !(assign.value() instanceof Binary binary)) {
      return false;
    }
    return switch (binary.op()) {
      case ADD, SUB, MUL -> type == Type.INT || type == Type.LONG || type == Type.DOUBLE;
      case DIV -> type == Type.DOUBLE;
      default -> false;
    };
  }

  private boolean once(Var v) {
    return assignments.getOrDefault(v, 0) == 1;
  }

  private Operand operand(Operand operand) {
    if (operand instanceof Var v) {
      return replaced.getOrDefault(v, v);
    }
    return operand instanceof Nested nested
        ? new Nested(expr(nested.expr()), nested.type()) : operand;
  }

  private Expr expr(Expr expr) {
    return Exprs.map(expr, this::operand);
  }

  private List<Operand> all(List<Operand> operands) {
    return operands.stream().map(this::operand).toList();
  }

  private Block substituted(Block block) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      out.add(Statements.mapBlocks(substituted(stmt), this::substituted));
    }
    return new Block(out);
  }

  private Stmt substituted(Stmt stmt) {
    return Statements.withReads(stmt, this::operand);
  }
}
