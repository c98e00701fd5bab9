package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Reused;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.ZeroFill;
import dev.adjoint.processor.ir.Zeros;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code double[]} that a loop's iterations make by a call and never keep
 * ({@code double[] hidden = Vectors.relu(dense(x, W1, b1))} in a batch loop) is written into the
 * array the previous iteration made, as a person keeps one {@code hidden} row for a batch: the
 * call becomes {@code hidden = Vectors.reluInto(t, hidden)}, which writes the value into the
 * array it is given when that has the value's length, else into a new one. Same values, in the
 * same order; one array per loop instead of one per iteration. So is an array the loop makes
 * itself: {@code new double[n]} is zeroed in place ({@code Arrays.fill}, the array made before
 * the loop when {@code n} is known there, so that its variable never changes in the loop), and
 * {@code b.clone()} copied in place.
 *
 * <p>Only where the array cannot be seen after its iteration: declared once, in the loop, by
 * the call; its elements read and written, its length read, itself passed to methods that only
 * read it and to derivative calls, and nothing else: never copied to another variable, stored
 * in another array, pushed on a tape or returned. The callee is the runtime's gate with such a
 * method ({@code reluInto}, {@code softmaxInto}, ...) or a {@code @Differentiable} method
 * returning {@code double[]}, whose generated {@code <name>Into} ({@link #into}) makes its
 * result in the array given when it makes it by {@code new double[n]} or {@code b.clone()}, and
 * allocates as the source does otherwise.
 */
public final class ReusedResults {
  private final Block body;
  private final Map<Var, Integer> declarations = new HashMap<>();
  /** How many statements name each variable. */
  private final Map<Var, Integer> mentions = new HashMap<>();
  /** The arrays' declarations, before the top-level statement being rewritten. */
  private final List<Stmt> hoisted = new ArrayList<>();
  /** The index of the top-level statement being rewritten. */
  private int at;

  private ReusedResults(Block body) {
    this.body = body;
    Statements.forEach(body, stmt -> {
      Var declared = BackStmts.declared(stmt);
      if (declared != null) {
        declarations.merge(declared, 1, Integer::sum);
      }
      Statements.vars(stmt).forEach(v -> mentions.merge(v, 1, Integer::sum));
    });
  }

  /** {@code pullback} with the arrays its loops make by calls and never keep made once. */
  public static Pullback of(Pullback pullback) {
    ReusedResults pass = new ReusedResults(pullback.body());
    List<Stmt> all = new ArrayList<>();
    List<Stmt> top = pullback.body().statements();
    for (pass.at = 0; pass.at < top.size(); pass.at++) {
      Stmt stmt = top.get(pass.at);
      Stmt rewritten = Statements.mapBlocks(stmt, b -> pass.block(b, !(stmt instanceof If)));
      all.addAll(pass.hoisted);
      pass.hoisted.clear();
      all.add(rewritten);
    }
    return pullback.withBody(new Block(all));
  }

  private Block block(Block block, boolean inLoop) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      Expr made = inLoop && stmt instanceof Declare declare
          && declare.var().type() == Type.DOUBLE_ARRAY
          && declarations.get(declare.var()) == 1 ? reusable(declare) : null;
      Operand length = made instanceof Reused reused && reused.made() instanceof NewArray create
          ? AdjointScratch.knownBefore(body, create.dimensions().get(0), at) : null;
      if (length != null) {
        // made before the loop: its variable never changes in the loop (as AdjointScratch's)
        Var array = ((Declare) stmt).var();
        hoisted.add(new Declare(array, new NewArray(Type.DOUBLE_ARRAY, List.of(length))));
        Operand size = ((NewArray) ((Reused) made).made()).dimensions().get(0);
        Var temp = out.isEmpty() ? null : BackStmts.declared(out.get(out.size() - 1));
        if (temp != null && temp.equals(size) && mentions.get(temp) == 2) {
          out.remove(out.size() - 1); // int t = b.length; read only by the new double[t]
        }
        out.add(new ZeroFill(array, ((Declare) stmt).origin()));
      } else if (made != null) {
        Declare declare = (Declare) stmt;
        hoisted.add(new Declare(declare.var(), Declarations.zero(Type.DOUBLE_ARRAY)));
        out.add(new Assign(declare.var(), made, declare.origin()));
      } else {
        boolean nestedInLoop = inLoop || !(stmt instanceof If); // a loop's blocks are in it
        out.add(Statements.mapBlocks(stmt, nested -> block(nested, nestedInLoop)));
      }
    }
    return new Block(out);
  }

  /**
   * What makes {@code definition}'s array in the one its previous iteration made, or null: the
   * call's {@code <name>Into}, {@code Shapes.zeroed} for {@code new double[n]},
   * {@code Shapes.copied} for {@code b.clone()}.
   */
  private Expr reusable(Declare definition) {
    Var array = definition.var();
    Expr init = definition.init();
    boolean fresh = init instanceof Call call && call.callee().into() != null
        || isFresh(init);
    if (!fresh || !staysInItsIteration(definition)) {
      return null;
    }
    if (init instanceof Call call) {
      List<Operand> arguments = new ArrayList<>(call.args());
      arguments.add(array);
      return new Call(call.callee().intoCallee(), arguments);
    }
    return new Reused(init, array);
  }

  /** {@code new double[n]} or {@code b.clone()} of a {@code double[] b}. */
  private static boolean isFresh(Expr made) {
    return made instanceof NewArray create && create.dimensions().size() == 1
        && create.type() == Type.DOUBLE_ARRAY
        || made instanceof CloneArray clone && clone.array().type() == Type.DOUBLE_ARRAY;
  }

  /** True if nothing but {@code definition}'s variable ever holds the array it makes. */
  private boolean staysInItsIteration(Declare definition) {
    Var array = definition.var();
    boolean[] escapes = {false};
    Statements.forEach(body, stmt -> {
      if (stmt != definition && Statements.vars(stmt).contains(array)) {
        escapes[0] |= escapes(stmt, array);
      }
    });
    return !escapes[0];
  }

  /** True if {@code stmt} may let another variable, array or tape hold {@code array}. */
  private static boolean escapes(Stmt stmt, Var array) {
    List<Operand> held = new ArrayList<>(); // where array itself must not appear
    List<Operand> read = new ArrayList<>(); // operands whose nested operations are checked
    if (stmt instanceof Assign assign) {
      return assign.target().equals(array) || escapes(assign.value(), array);
    } else if (stmt instanceof Declare declare) {
      return declare.var().equals(array)
          || declare.init() != null && escapes(declare.init(), array);
    } else if (stmt instanceof Store store) {
      held.add(store.value());
      read.addAll(store.indices());
    } else if (stmt instanceof Accumulate add) {
      if (!add.intoElement() && add.target().equals(array)) {
        return true;
      }
      held.add(add.value());
      read.addAll(add.indices());
    } else if (stmt instanceof DerivativeCall call) {
      read.addAll(call.arguments()); // reads the arguments, writes the buffers
    } else if (stmt instanceof ZeroFill) {
      return false;
    } else if (stmt instanceof If || stmt instanceof Loop || stmt instanceof ReverseLoop) {
      read.addAll(Statements.operands(stmt)); // conditions and bounds: ints and booleans
    } else {
      return true; // a push, a pop, an array added into another: not worth telling apart
    }
    read.addAll(held);
    return held.contains(array) || read.stream().anyMatch(o -> o instanceof Nested nested
        && escapes(nested.expr(), array));
  }

  /** True if {@code expr} or an operation nested in it may give {@code array} to someone. */
  private static boolean escapes(Expr expr, Var array) {
    boolean passed = expr instanceof Load || expr instanceof Length || expr instanceof Zeros
        || expr instanceof CloneArray || expr instanceof Call call && call.callee().readsOnly();
    for (Operand operand : expr.operands()) {
      if (operand.equals(array) && !passed
          || operand instanceof Nested nested && escapes(nested.expr(), array)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The body of {@code f}, a method returning {@code double[]}, making its result in
   * {@code buffer} when it makes it once, at the top, by {@code new double[n]} or
   * {@code b.clone()}; else the body unchanged.
   */
  public static Block into(Function f, Block body, Var buffer) {
    Var result = f.result();
    int[] assignments = {0};
    Statements.forEach(body, stmt -> assignments[0] += BackStmts.assigned(stmt)
        .contains(result) && !(stmt instanceof Declare d && d.init() == null) ? 1 : 0);
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : body.statements()) {
      Expr made = stmt instanceof Assign assign && assign.target().equals(result)
          ? assign.value()
          : stmt instanceof Declare declare && declare.var().equals(result) ? declare.init()
          : null;
      if (assignments[0] == 1 && isFresh(made)) {
        Expr reused = new Reused(made, buffer);
        out.add(stmt instanceof Assign assign
            ? new Assign(result, reused, assign.origin())
            : new Declare(result, reused, ((Declare) stmt).origin()));
      } else {
        out.add(stmt);
      }
    }
    return new Block(out);
  }
}
