package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.ZeroFill;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A buffer cleared at the start of each iteration ({@code Arrays.fill(dz, 0.0)}) needs no
 * clearing when every iteration leaves it all zeros anyway: made zero before the loop
 * ({@code new double[n]}), used only inside the loop, and last touched in each iteration by a
 * loop over all its elements that takes each element's value and sets it to zero
 * ({@code double dt = dz[h]; dz[h] = 0.0;}, the backward pass consuming an adjoint), touching
 * no other element. Then the buffer is zeros at the start of every iteration, as the clearing
 * would make it, and the fill is one pass over memory saved per iteration.
 */
public final class SettledRows {
  /** The length each buffer made once ({@code new double[n]}) is made with. */
  private final Map<Var, Operand> lengths = new HashMap<>();
  private final Block whole;

  private SettledRows(Block whole) {
    this.whole = whole;
    Statements.forEach(whole, stmt -> {
      if (stmt instanceof Declare declare && declare.init() instanceof NewArray create
          && create.dimensions().size() == 1) {
        lengths.put(declare.var(), create.dimensions().get(0));
      }
    });
  }

  /** {@code pullback} without the clearing of buffers each iteration leaves zero. */
  public static Pullback of(Pullback pullback) {
    SettledRows pass = new SettledRows(pullback.body());
    return pullback.withBody(pass.block(pullback.body()));
  }

  private Block block(Block block) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      Stmt inner = Statements.mapBlocks(stmt, this::block);
      if (inner instanceof Loop loop) {
        Block body = settled(loop.body(), loop);
        inner = new Loop(loop.header(), loop.test(), body, loop.testAtEnd(), loop.counted(),
            loop.origin());
      } else if (inner instanceof ReverseLoop back) {
        inner = back.withBody(settled(back.body(), back));
      }
      out.add(inner);
    }
    return new Block(out);
  }

  /** {@code body} of {@code loop} without the fills of buffers its iterations leave zero. */
  private Block settled(Block body, Stmt loop) {
    List<Stmt> out = new ArrayList<>();
    List<Stmt> statements = body.statements();
    for (int k = 0; k < statements.size(); k++) {
      if (!(statements.get(k) instanceof ZeroFill fill && leavesZero(statements, k, fill.array(),
          loop))) {
        out.add(statements.get(k));
      }
    }
    return new Block(out);
  }

  /**
   * True if {@code array}, filled by statement {@code at} of a loop's body, is made zero before
   * the loop, named nowhere outside it, not before the fill in the body, and last named in the
   * body by a loop over all its elements that sets each to zero and touches only that one.
   */
  private boolean leavesZero(List<Stmt> statements, int at, Var array, Stmt loop) {
    Operand length = lengths.get(array);
    if (length == null || namedOutside(array, loop)) {
      return false;
    }
    Stmt last = null;
    for (int k = 0; k < statements.size(); k++) {
      if (k != at && Statements.mentioned(statements.get(k)).contains(array)) {
        if (k < at) {
          return false;
        }
        last = statements.get(k);
      }
    }
    return last instanceof ReverseLoop back && (zeroesEachElement(back, array, length)
        || zeroesEachElement(back, array, lengthValue(length)));
  }

  /** {@code b1.length} for a length {@code H} set once to it; else null. */
  private Operand lengthValue(Operand length) {
    if (length instanceof Var v) {
      List<Expr> values = AdjointScratch.valuesOf(whole, v);
      if (values.size() == 1 && values.get(0) instanceof Length of && of.rows().isEmpty()) {
        return new Nested(of, v.type());
      }
    }
    return null;
  }

  /** Whether a statement outside {@code loop} (but the declaration) names {@code array}. */
  private boolean namedOutside(Var array, Stmt loop) {
    List<Stmt> inside = new ArrayList<>();
    Statements.forEach(loop, inside::add);
    boolean[] outside = {false};
    Statements.forEach(whole, stmt -> outside[0] |= !(stmt instanceof Declare declare
        && declare.var().equals(array)) && !(stmt instanceof Loop || stmt instanceof ReverseLoop)
        && Statements.vars(stmt).contains(array) && inside.stream().noneMatch(s -> s == stmt));
    return outside[0];
  }

  /**
   * {@code back} runs over {@code 0 .. length - 1}, sets {@code array[j] = 0.0} for its counter
   * {@code j} directly in its body, and names {@code array} only as {@code array[j]}, and not
   * after that store.
   */
  private static boolean zeroesEachElement(ReverseLoop back, Var array, Operand length) {
    Loop.Counted counted = back.loop().counted();
    if (counted == null || length == null || Math.abs(counted.step()) != 1
        || !(back.from() instanceof Constant zero && zero.is(0))
        || !back.last().equals(new Nested(new Binary(Binary.Op.SUB, length, Constant.integer(1)),
            counted.index().type()))) {
      return false;
    }
    Var j = counted.index();
    boolean zeroed = false;
    for (Stmt stmt : back.body().statements()) {
      boolean names = Statements.mentioned(stmt).contains(array);
      if (zeroed && names) {
        return false; // touched again after it was set to zero
      }
      if (stmt instanceof Store store && store.array().equals(array)
          && store.indices().equals(List.of(j)) && store.compound() == null
          && store.value() instanceof Constant c && c.is(0)) {
        zeroed = true;
      } else if (names && !onlyElement(stmt, array, j)) {
        return false;
      }
    }
    return zeroed;
  }

  /** Whether {@code stmt} and those nested in it name {@code array} only as {@code array[j]}. */
  private static boolean onlyElement(Stmt stmt, Var array, Var j) {
    boolean[] ok = {true};
    List<Operand> at = List.of(j);
    Statements.forEach(stmt, s -> {
      if (s instanceof Loop || s instanceof ReverseLoop || s instanceof If
          || !Statements.vars(s).contains(array)) {
        return;
      }
      if (s instanceof Store store) {
        ok[0] &= (!store.array().equals(array) || store.indices().equals(at))
            && onlyElement(store.indices(), array, at)
            && onlyElement(List.of(store.value()), array, at);
      } else if (s instanceof Accumulate add) {
        ok[0] &= (!add.target().equals(array) || add.indices().equals(at))
            && onlyElement(add.indices(), array, at)
            && onlyElement(List.of(add.value()), array, at);
      } else if (s instanceof Declare declare && declare.init() != null) {
        ok[0] &= onlyElement(declare.init(), array, at);
      } else if (s instanceof Assign assign) {
        ok[0] &= onlyElement(assign.value(), array, at);
      } else {
        ok[0] = false; // a call, a push or pop, a fill: the whole array
      }
    });
    return ok[0];
  }

  private static boolean onlyElement(List<Operand> operands, Var array, List<Operand> at) {
    for (Operand operand : operands) {
      if (operand.equals(array)
          || operand instanceof Nested nested && !onlyElement(nested.expr(), array, at)) {
        return false;
      }
    }
    return true;
  }

  private static boolean onlyElement(Expr expr, Var array, List<Operand> at) {
    if (expr instanceof Load load && load.array().equals(array)) {
      return load.indices().equals(at);
    }
    return onlyElement(expr.operands(), array, at);
  }
}
