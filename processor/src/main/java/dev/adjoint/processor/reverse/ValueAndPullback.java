package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.AddArray;
import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Break;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.OpenTape;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.Push;
import dev.adjoint.processor.ir.Reload;
import dev.adjoint.processor.ir.Reserve;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Settle;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.ZeroFill;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A call whose pullback runs later in the same block, with the same arguments, becomes that
 * pullback where the call was: the pullback returns the value too, so the callee runs once
 * instead of twice. In a fused batch loop, {@code dataLoss += softmaxCrossEntropy(scores, y[i])}
 * then computes the loss and adds its gradient into {@code dscores} in one call, as a person
 * writes it, instead of computing the log-sum-exp once for the value and again in the backward
 * pass.
 *
 * <p>The pullback moves up with the statements between that it depends on (the seed's
 * {@code dt = ddataLoss}, the buffer's {@code dscores = Shapes.zeroed(dscores, scores)}), when
 * those it passes neither read nor write what the moved ones write, nor write what they read,
 * and none of them may leave the block ({@code break}) or use a tape. Only callees whose
 * pullback returns exactly the call's value: the generated ones (their forward sweep is the
 * method's) and the runtime's gates; a user's {@code @CustomGradient} pullback is trusted with
 * its derivative, not asked to give the value bit for bit.
 */
public final class ValueAndPullback {
  /** Stands for every array that shares elements with another, and for the tapes. */
  private static final Var SHARED = new Var(" shared", Type.DOUBLE_ARRAY);
  private static final Var TAPE = new Var(" tape", Type.DOUBLE_ARRAY);

  private final Set<Var> shared;
  private final boolean scalarOnly;

  private ValueAndPullback(Set<Var> shared, boolean scalarOnly) {
    this.shared = shared;
    this.scalarOnly = scalarOnly;
  }

  /** {@code pullback} with each call that can give way to its later pullback replaced. */
  public static Pullback of(Pullback pullback) {
    return merged(pullback, false);
  }

  /**
   * {@code pullback} with each call of a method of one {@code double} parameter returning a
   * {@code double} (Black-Scholes' {@code cdf(d1)}) that can give way to its later pullback
   * replaced: before {@link ReturnedAdjoints} turns that pullback into a call of the backward
   * pass alone, which returns the adjoint and cannot give the value too.
   */
  public static Pullback ofScalarCalls(Pullback pullback) {
    return merged(pullback, true);
  }

  private static Pullback merged(Pullback pullback, boolean scalarOnly) {
    Block body = pullback.body();
    Block merged = new ValueAndPullback(BackStmts.sharedArrays(body), scalarOnly).merged(body);
    return merged.equals(body) ? pullback : pullback.withBody(merged);
  }

  private Block merged(Block block) {
    List<Stmt> statements = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      statements.add(Statements.mapBlocks(stmt, this::merged));
    }
    for (int i = 0; i < statements.size(); i++) {
      Call call = callIn(statements.get(i));
      if (call != null && (!scalarOnly || call.callee().signature().backwardReturnsAdjoint())) {
        List<Stmt> done = mergedFrom(statements, i, call);
        if (done != null) {
          statements = done;
        }
      }
    }
    return new Block(statements);
  }

  /** The call {@code stmt} assigns, if its pullback gives its value exactly. */
  private static Call callIn(Stmt stmt) {
    Expr value = stmt instanceof Assign assign ? assign.value()
        : stmt instanceof Declare declare ? declare.init() : null;
    return value instanceof Call call && call.callee().hasPullback() && call.callee().readsOnly()
        && (call.callee().generated() || call.callee().runtime()) ? call : null;
  }

  /**
   * {@code statements} with the call at {@code at} replaced by its pullback found later, or null
   * if there is none or it cannot move there.
   */
  private List<Stmt> mergedFrom(List<Stmt> statements, int at, Call call) {
    int found = -1;
    for (int j = at + 1; j < statements.size() && found < 0; j++) {
      if (statements.get(j) instanceof DerivativeCall d && isPullbackOf(d, call)) {
        found = j;
      }
    }
    if (found < 0) {
      return null;
    }
    Set<Var> result = BackStmts.assigned(statements.get(at));
    Set<Integer> moved = new TreeSet<>(List.of(found));
    Set<Var> movedReads = new HashSet<>(reads(statements.get(found)));
    Set<Var> movedWrites = new HashSet<>(writes(statements.get(found)));
    for (int k = found - 1; k > at; k--) {
      Stmt stmt = statements.get(k);
      if (stmt instanceof Comment) {
        continue;
      }
      Set<Var> writes = writes(stmt);
      Set<Var> reads = reads(stmt);
      if (writes.contains(TAPE) || writes.contains(SHARED) && movedReads.contains(SHARED)
          || containsBreak(stmt)) {
        return null;
      }
      boolean needed = writes.stream().anyMatch(v -> movedReads.contains(v)
          || movedWrites.contains(v));
      if (needed) {
        moved.add(k);
        movedReads.addAll(reads);
        movedWrites.addAll(writes);
      } else if (reads.stream().anyMatch(movedWrites::contains)) {
        return null;
      }
    }
    if (result.stream().anyMatch(movedReads::contains)
        || reads(statements.get(at)).stream().anyMatch(movedWrites::contains)) {
      return null;
    }
    List<Stmt> out = new ArrayList<>(statements.subList(0, at));
    out.add(new Comment("value and backward pass of " + call.callee().display() + " in one call"));
    for (int k : moved) {
      if (k != found) {
        out.add(statements.get(k));
      }
    }
    DerivativeCall pullback = (DerivativeCall) statements.get(found);
    out.add(withValue(statements.get(at),
        new Call(call.callee().pullbackCallee(), pullback.arguments())));
    for (int k = at + 1; k < statements.size(); k++) {
      if (!moved.contains(k)) {
        out.add(statements.get(k));
      }
    }
    return out;
  }

  /** True if {@code d} is the pullback of {@code call}, with the same arguments first. */
  private static boolean isPullbackOf(DerivativeCall d, Call call) {
    Callee callee = call.callee();
    return callee.equals(d.callee())
        && (d.method().equals(callee.pullback()) || d.method().equals(callee.backward()))
        && d.arguments().size() > call.args().size()
        && d.arguments().subList(0, call.args().size()).equals(call.args());
  }

  private static Stmt withValue(Stmt stmt, Expr value) {
    return stmt instanceof Assign assign
        ? new Assign(assign.target(), value, assign.origin())
        : new Declare(((Declare) stmt).var(), value, ((Declare) stmt).origin());
  }

  private static boolean containsBreak(Stmt stmt) {
    boolean[] found = {false};
    Statements.forEach(stmt, s -> found[0] |= s instanceof Break);
    return found[0];
  }

  /** What {@code stmt} and the statements in it may read (everything they name). */
  private Set<Var> reads(Stmt stmt) {
    Set<Var> reads = new HashSet<>();
    Statements.forEach(stmt, s -> {
      for (Var v : Statements.vars(s)) {
        reads.add(shared.contains(v) ? SHARED : v);
      }
      if (usesTape(s)) {
        reads.add(TAPE);
      }
    });
    return reads;
  }

  /** The variables, and the arrays' elements, {@code stmt} and the statements in it may write. */
  private Set<Var> writes(Stmt stmt) {
    Set<Var> writes = new HashSet<>();
    Statements.forEach(stmt, s -> {
      writes.addAll(BackStmts.assigned(s));
      if (s instanceof Store store) {
        writes.add(store.array());
      } else if (s instanceof Accumulate add) {
        writes.add(add.target());
      } else if (s instanceof ZeroFill fill) {
        writes.add(fill.array());
      } else if (s instanceof AddArray add) {
        writes.addAll(Exprs.vars(add.target()));
      } else if (s instanceof DerivativeCall d) {
        writes.addAll(arrays(buffers(d)));
      }
      for (Operand operand : Statements.operands(s)) {
        Exprs.forEachNested(operand, e -> {
          if (e instanceof Call call && !call.callee().readsOnly()) {
            writes.addAll(arrays(call.args()));
          }
        });
      }
      if (usesTape(s)) {
        writes.add(TAPE);
      }
    });
    Set<Var> out = new HashSet<>();
    for (Var v : writes) {
      out.add(shared.contains(v) ? SHARED : v);
    }
    return out;
  }

  /**
   * The arguments a derivative call may write: those after the callee's own arguments and the
   * seed (the buffers), or all of them for a call of a second derivative.
   */
  private static List<Operand> buffers(DerivativeCall d) {
    int own = d.callee() == null ? 0 : d.callee().parameters().size() + 1;
    return d.arguments().subList(Math.min(own, d.arguments().size()), d.arguments().size());
  }

  private static Set<Var> arrays(List<Operand> operands) {
    Set<Var> arrays = new HashSet<>();
    for (Var v : Exprs.vars(operands)) {
      if (v.type().isArray()) {
        arrays.add(v);
      }
    }
    return arrays;
  }

  /** A push, a pop (a backward loop's trip count too), or the tape's bookkeeping. */
  private static boolean usesTape(Stmt s) {
    return s instanceof Push || s instanceof Pop || s instanceof Reserve || s instanceof Reload
        || s instanceof OpenTape || s instanceof Settle
        || s instanceof ReverseLoop loop && loop.tripsOnTape();
  }
}
