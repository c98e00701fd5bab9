package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.AddArray;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Break;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.Push;
import dev.adjoint.processor.ir.Reused;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.ZeroFill;
import dev.adjoint.processor.ir.Zeros;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The adjoint of an array a loop makes in each iteration and hands to the next
 * ({@code double[] next = new double[n]; ... h = next;}, an RNN's state, a heat equation's grid;
 * or a {@code new double[m][n]} matrix, a 2-D grid)
 * lives in one of two buffers that the iterations take in turn, as a person keeps a
 * {@code dh} and a {@code dnext}, instead of a new array per iteration kept on the tape.
 *
 * <p>Why two are enough: such an array is named in its own iteration and, through the variable
 * it is handed to, in the next one only; so its adjoint receives contributions in the backward
 * passes of those two iterations, the later one first, and is read out by the earlier one. The
 * buffer of iteration {@code t} is that of iteration {@code t - 2}: {@code t}'s backward pass
 * runs first, and the backward sweep empties the buffer after it
 * ({@code Arrays.fill(dnext, 0.0)}, {@code Shapes.zero} for a matrix, before the tape gives the previous buffer back), so
 * {@code t - 2}'s adjoint starts from zeros. The forward sweep writes no adjoint in the loop, so
 * a buffer it takes again still holds zeros. The tape still holds the buffers: it says which of
 * the two an iteration's backward pass uses.
 *
 * <p>Applied where that reasoning holds, checked on the printed pullback: the array's adjoint is
 * assigned once, at the top of the loop's body, and handed on only by assignments there
 * ({@code dh = dnext}); neither variable is handed anywhere else, passed to a call or named by
 * the loop's forward statements but for being pushed; the handed-to variable gets no other
 * array in the loop, which never stops early. Each run of the loop (in a loop over sequences)
 * takes two buffers of its own: a later run's backward pass runs first and would otherwise
 * empty a buffer the earlier run's adjoints are still in. Applied to the printed pullback only,
 * last.
 */
public final class AlternatingAdjoints {
  /** An adjoint array that may alternate: the statement making it and the loop it is in. */
  private record Made(Loop loop, Assign made) {}

  private final NameScope names;

  private AlternatingAdjoints(Pullback pullback) {
    this.names = pullback.primal().names();
  }

  public static Pullback of(Pullback pullback) {
    AlternatingAdjoints pass = new AlternatingAdjoints(pullback);
    Block body = pullback.body();
    for (Made made = next(body); made != null; made = next(body)) {
      body = pass.alternated(body, made);
    }
    return pullback.withBody(body);
  }

  /** The first adjoint array made in a loop that may alternate, or null. */
  private static Made next(Block body) {
    Made[] found = {null};
    Statements.forEach(body, stmt -> {
      if (found[0] == null && stmt instanceof Loop loop) {
        for (Stmt s : loop.body().statements()) {
          if (s instanceof Assign made && isMade(made) && qualifies(body, loop, made)) {
            found[0] = new Made(loop, made);
            return;
          }
        }
      }
    });
    return found[0];
  }

  /**
   * {@code array = new double[n]}, {@code new double[m][n]} or zeros shaped like an array: a
   * fresh adjoint array or matrix.
   */
  private static boolean isMade(Assign made) {
    Type type = made.target().type();
    return made.value() instanceof NewArray create && create.dimensions().size() == type.rank()
        && (type == Type.DOUBLE_ARRAY || type == Type.DOUBLE_MATRIX)
        || type == Type.DOUBLE_ARRAY && made.value() instanceof Zeros zeros
            && zeros.reuse() == null && zeros.shape().type() == Type.DOUBLE_ARRAY;
  }

  /**
   * True if the adjoint {@code made}, a statement of {@code loop}'s body, makes may alternate
   * between two buffers.
   */
  private static boolean qualifies(Block body, Loop loop, Assign made) {
    List<Stmt> statements = loop.body().statements();
    int j = indexOf(statements, made);
    Var adjoint = made.target();
    // the variables the iteration hands it to: assigned from it at the top of the body, after
    Set<Var> family = new LinkedHashSet<>(List.of(adjoint));
    Set<Stmt> handovers = new HashSet<>();
    Statements.forEach(body, stmt -> {
      if (stmt instanceof Assign assign && assign.value() instanceof Copy copy
          && copy.a().equals(adjoint)) {
        family.add(assign.target());
        handovers.add(stmt);
      }
    });
    for (Stmt handover : handovers) {
      int at = indexOf(statements, handover);
      if (at <= j || ((Assign) handover).target().type() != adjoint.type()) {
        return false;
      }
    }
    Set<Stmt> loopStatements = new HashSet<>();
    Statements.forEach(loop.header(), loopStatements::add);
    Statements.forEach(loop.body(), loopStatements::add);
    if (loopStatements.stream().anyMatch(Break.class::isInstance)) {
      return false; // an iteration that stops early may not make its array
    }
    Set<Var> pushed = new HashSet<>();
    boolean[] popped = {false};
    boolean[] ok = {true};
    Statements.forEach(body, stmt -> {
      boolean inLoop = loopStatements.contains(stmt);
      Set<Var> named = Statements.vars(stmt);
      named.retainAll(family);
      if (named.isEmpty() || stmt == made || handovers.contains(stmt)) {
        return;
      }
      if (stmt instanceof Push push && push.value() instanceof Var && !inLoop) {
        return; // saved and put back: the tape does not keep a buffer in use
      }
      if (stmt instanceof Push push && push.value() instanceof Var v && pushed.add(v)) {
        // pushed at the top of the body, before it is assigned there
        int at = indexOf(statements, stmt);
        ok[0] &= at >= 0 && at < firstAssignment(statements, v);
      } else if (stmt instanceof Pop pop && pop.indices().isEmpty()
          && family.contains(pop.target())) {
        popped[0] |= pop.target().equals(adjoint);
        ok[0] &= !inLoop;
      } else if (inLoop) {
        ok[0] = false; // the forward sweep names it in the loop
      } else if (stmt instanceof Assign assign && family.contains(assign.target())) {
        // the handed-to variable gets another array outside the loop: not one of the buffers
        Set<Var> from = valuesNamed(assign.value());
        from.retainAll(family);
        ok[0] &= !assign.target().equals(adjoint) && from.isEmpty();
      } else if (stmt instanceof Declare declare && family.contains(declare.var())) {
        ok[0] &= declare.init() == null
            || declare.init().equals(Declarations.zero(adjoint.type()));
      } else {
        Set<Var> asValues = valuesNamed(stmt);
        asValues.retainAll(family);
        ok[0] &= asValues.isEmpty(); // read or written element by element only
      }
    });
    return ok[0] && popped[0] && pushed.equals(family);
  }

  /** The index of the first statement of {@code statements} assigning {@code v}. */
  private static int firstAssignment(List<Stmt> statements, Var v) {
    for (int k = 0; k < statements.size(); k++) {
      if (statements.get(k) instanceof Assign assign && assign.target().equals(v)) {
        return k;
      }
    }
    return -1;
  }

  /** The variables {@code stmt} names as values, not as the array of an element it reads. */
  private static Set<Var> valuesNamed(Stmt stmt) {
    Set<Var> values = new HashSet<>();
    List<Operand> operands = new ArrayList<>();
    if (stmt instanceof Assign assign) {
      values.add(assign.target());
      values.addAll(valuesNamed(assign.value()));
    } else if (stmt instanceof Declare declare) {
      values.add(declare.var());
      if (declare.init() != null) {
        values.addAll(valuesNamed(declare.init()));
      }
    } else if (stmt instanceof Store store) {
      operands.addAll(store.indices());
      operands.add(store.value());
    } else if (stmt instanceof Accumulate add) {
      if (!add.intoElement()) {
        values.add(add.target());
      }
      operands.addAll(add.indices());
      operands.add(add.value());
    } else if (stmt instanceof Pop pop) {
      operands.addAll(pop.indices());
    } else if (!(stmt instanceof AddArray || stmt instanceof ZeroFill)) {
      operands.addAll(Statements.operands(stmt));
    }
    operands.forEach(operand -> values.addAll(valuesNamed(operand)));
    return values;
  }

  private static Set<Var> valuesNamed(Operand operand) {
    if (operand instanceof Var v) {
      return new HashSet<>(Set.of(v));
    }
    return operand instanceof Nested nested ? valuesNamed(nested.expr()) : new HashSet<>();
  }

  private static Set<Var> valuesNamed(Expr expr) {
    List<Operand> operands = expr instanceof Load load ? load.indices()
        : expr instanceof Length length ? length.rows()
        : expr.operands();
    Set<Var> values = new HashSet<>();
    operands.forEach(operand -> values.addAll(valuesNamed(operand)));
    return values;
  }

  private static int indexOf(List<Stmt> statements, Stmt stmt) {
    for (int k = 0; k < statements.size(); k++) {
      if (statements.get(k) == stmt) {
        return k;
      }
    }
    return -1;
  }

  /**
   * {@code body} with the adjoint {@code made} makes taken from two buffers in turn, both
   * declared before its loop (so that each run of the loop starts with its own), and emptied
   * before each pop of the variable.
   */
  private Block alternated(Block body, Made found) {
    Loop loop = found.loop();
    Assign made = found.made();
    Var adjoint = made.target();
    Type type = adjoint.type();
    Var beforeLast = new Var(names.fresh(adjoint.name() + "BeforeLast"), type);
    Var last = new Var(names.fresh(adjoint.name() + "Last"), type);
    List<Operand> dimensions = made.value() instanceof NewArray create ? create.dimensions()
        : List.of(new Nested(new Length(((Zeros) made.value()).shape(), List.of()), Type.INT));
    List<Stmt> loopBody = new ArrayList<>();
    for (Stmt stmt : loop.body().statements()) {
      if (stmt != made) {
        loopBody.add(stmt);
        continue;
      }
      loopBody.add(new Comment("its adjoint reuses the buffer of two iterations back"));
      loopBody.add(new Assign(adjoint, new Reused(new NewArray(type, dimensions), beforeLast,
          false), made.origin()));
      loopBody.add(new Assign(beforeLast, new Copy(last), null));
      loopBody.add(new Assign(last, new Copy(adjoint), null));
    }
    Loop rewritten = loop.withBody(new Block(loopBody));
    return rewritten(body, loop, List.of(new Declare(beforeLast, Declarations.zero(type)),
        new Declare(last, Declarations.zero(type)), rewritten), adjoint);
  }

  /**
   * {@code block} with {@code loop} replaced by {@code replacement} and {@code adjoint}
   * zero-filled before each pop of it.
   */
  private static Block rewritten(Block block, Loop loop, List<Stmt> replacement, Var adjoint) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      if (stmt == loop) {
        out.addAll(replacement);
        continue;
      }
      if (stmt instanceof Pop pop && pop.target().equals(adjoint) && pop.indices().isEmpty()) {
        out.add(new Comment("emptied for two iterations back, which reuses this buffer"));
        out.add(new ZeroFill(adjoint));
      }
      out.add(Statements.mapBlocks(stmt, b -> rewritten(b, loop, replacement, adjoint)));
    }
    return new Block(out);
  }
}
