package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.ZeroFill;
import dev.adjoint.processor.ir.Zeros;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The adjoint arrays a loop makes in each iteration (of a layer's output, of a per-example
 * scratch row, the buffer for an argument's adjoint nobody reads) become one array per loop,
 * as a person keeps one {@code dscores} row for a whole batch. When the array it is the adjoint
 * of has a length known before the loop ({@code new double[b2.length]}, a constant, a variable
 * set once before), the buffer is made there and cleared in each iteration,
 * {@code Arrays.fill(dscores, 0.0)}, so that its variable never changes in the loop (measured:
 * the JIT optimises the inner loops far better); else it is zeroed where it was made,
 * {@code dscores = Shapes.zeroed(dscores, scores)}, reusing the array when the shape is the
 * same. Nothing but the allocation changes: each iteration sees zeros, as before, and no such
 * array outlives its iteration (it is declared in the loop's body; a buffer passed to a
 * pullback receives adjoints, which are added out of it before the iteration ends).
 */
public final class AdjointScratch {
  private final NameScope names;
  private final Block body;
  private final Map<Var, Integer> declarations = new HashMap<>();
  /** The buffers' declarations, before the top-level statement being rewritten. */
  private final List<Stmt> hoisted = new ArrayList<>();
  /** The index of the top-level statement being rewritten. */
  private int at;

  private AdjointScratch(Block body, NameScope names) {
    this.names = names;
    this.body = body;
  }

  /** {@code pullback} with the adjoint arrays made in loops made once. */
  public static Pullback of(Pullback pullback) {
    return pullback.withBody(of(pullback.body(), pullback.primal().names()));
  }

  /**
   * {@code body} with the arrays made in loops made once: an HVP's too, for its adjoints and
   * their tangents; new names from {@code names}.
   */
  public static Block of(Block body, NameScope names) {
    AdjointScratch pass = new AdjointScratch(body, names);
    Statements.forEach(body, stmt -> {
      Var declared = stmt instanceof Declare declare ? declare.var()
          : stmt instanceof Accumulate add && add.declares() ? add.target() : null;
      if (declared != null) {
        pass.declarations.merge(declared, 1, Integer::sum);
      }
    });
    List<Stmt> all = new ArrayList<>();
    List<Stmt> top = body.statements();
    for (pass.at = 0; pass.at < top.size(); pass.at++) {
      Block rewritten = pass.block(new Block(List.of(top.get(pass.at))), false);
      all.addAll(pass.hoisted);
      pass.hoisted.clear();
      all.addAll(rewritten.statements());
    }
    return new Block(all);
  }

  private Block block(Block block, boolean inLoop) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      if (inLoop && stmt instanceof Declare declare && declare.init() instanceof Zeros zeros
          && zeros.reuse() == null && declarations.get(declare.var()) == 1) {
        out.add(reuse(declare.var(), zeros.shape()));
      } else if (inLoop && stmt instanceof DerivativeCall call) {
        List<Operand> arguments = new ArrayList<>();
        for (Operand argument : call.arguments()) {
          if (argument instanceof Nested nested && nested.expr() instanceof Zeros zeros
              && zeros.reuse() == null) {
            Var scratch = new Var(names.fresh("d" + zeros.shape().name()), nested.type());
            out.add(reuse(scratch, zeros.shape()));
            arguments.add(scratch);
          } else {
            arguments.add(argument);
          }
        }
        out.add(new DerivativeCall(call.method(), arguments, call.callee(), call.origin()));
      } else {
        boolean nestedInLoop = inLoop || !(stmt instanceof If); // a loop's blocks are in it
        out.add(Statements.mapBlocks(stmt, nested -> block(nested, nestedInLoop)));
      }
    }
    return new Block(out);
  }

  /**
   * The statement clearing {@code array} where it was made: {@code Arrays.fill(array, 0.0)}, the
   * array made before the top-level statement, when {@code shape}'s length is known there; else
   * {@code array = Shapes.zeroed(array, shape)}, {@code array} declared there.
   */
  private Stmt reuse(Var array, Var shape) {
    Operand length = array.type() == Type.DOUBLE_ARRAY ? lengthBefore(body, shape, at) : null;
    if (length != null) {
      hoisted.add(new Declare(array, new NewArray(Type.DOUBLE_ARRAY, List.of(length))));
      return new ZeroFill(array);
    }
    hoisted.add(new Declare(array, Declarations.zero(array.type())));
    return new Assign(array, new Zeros(shape, array), null);
  }

  /**
   * The length of every array {@code array} is made as, as an operand with that value before
   * top-level statement {@code at} of {@code body}, or null: {@code array} made by
   * {@code new double[n]} alone, {@code n} a constant, the length of an array never assigned
   * (a parameter), or a variable set once, by a top-level statement before {@code at} or to
   * such a length.
   */
  static Operand lengthBefore(Block body, Var array, int at) {
    List<Expr> made = valuesOf(body, array);
    if (made.size() != 1 || !(made.get(0) instanceof NewArray create)
        || create.dimensions().size() != 1) {
      return null;
    }
    return knownBefore(body, create.dimensions().get(0), at);
  }

  /**
   * {@code operand}, or an operand of its value, in scope and set before top-level statement
   * {@code at}; else null.
   */
  static Operand knownBefore(Block body, Operand operand, int at) {
    if (!(operand instanceof Var v)) {
      return operand;
    }
    List<Expr> sets = valuesOf(body, v);
    if (sets.isEmpty()) {
      return v; // a parameter
    }
    if (sets.size() != 1) {
      return null;
    }
    for (int k = 0; k < at; k++) {
      Stmt stmt = body.statements().get(k);
      if (stmt instanceof Assign assign && assign.target().equals(v)
          || stmt instanceof Declare declare && declare.var().equals(v)
              && declare.init() != null) {
        return v; // its one setting is a top-level statement before at (not in a branch)
      }
    }
    return sets.get(0) instanceof Length length && length.rows().isEmpty()
        && valuesOf(body, length.array()).isEmpty()
        ? new Nested(length, Type.INT) : null;
  }

  /**
   * What each statement setting {@code v} sets it to: null for a pop; a bare declaration or one
   * hoisted out of a loop ({@code double[] h = null;}) sets nothing.
   */
  static List<Expr> valuesOf(Block body, Var v) {
    List<Expr> values = new ArrayList<>();
    Statements.forEach(body, stmt -> {
      if (stmt instanceof Assign assign && assign.target().equals(v)) {
        values.add(assign.value());
      } else if (stmt instanceof Declare declare && declare.var().equals(v)
          && declare.init() != null && !declare.init().equals(Declarations.zero(v.type()))) {
        values.add(declare.init()); // not a declaration hoisted out of a loop
      } else if (stmt instanceof Pop pop && pop.target().equals(v)) {
        values.add(null);
      }
    });
    return values;
  }
}
