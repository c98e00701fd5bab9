package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Terms;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;

/**
 * The one-element buffer a call of a scalar helper's pullback gives its adjoint back through
 * ({@link ValueAndPullback}: {@code dArgs[0] = 0.0; double t = cdfPullback(d1, dt, dArgs);} and
 * later {@code dd1 = dArgs[0]}, with {@code double[] dArgs = new double[1]} made per call of the
 * pullback) becomes the pullback's own buffer of scalar adjoints, borrowed for the call: its
 * first element kept, zeroed, the call, the adjoint read into a local, the element put back.
 * Only for a buffer the processor made (no source line) and where every argument of the helper
 * is a {@code double}: the buffer is then the only
 * array it can write, and it writes nothing else, so neither it nor anything after sees the
 * borrowed element. The pullback allocates nothing where the source allocates nothing.
 */
public final class BorrowedScalarBuffers {
  private final Var scalars;
  private final NameScope names;

  private BorrowedScalarBuffers(Var scalars, NameScope names) {
    this.scalars = scalars;
    this.names = names;
  }

  /** {@code pullback} with each such buffer borrowed from its buffer of scalar adjoints. */
  public static Pullback of(Pullback pullback) {
    String buffer = pullback.signature().scalarBuffer();
    if (buffer == null) {
      return pullback;
    }
    BorrowedScalarBuffers pass = new BorrowedScalarBuffers(
        new Var(buffer, Type.DOUBLE_ARRAY), pullback.primal().names());
    Block body = pullback.body();
    for (Stmt stmt : List.copyOf(body.statements())) {
      if (isMadeBuffer(stmt)) {
        Declare declare = (Declare) stmt;
        Block borrowed = pass.borrowed(body, declare);
        if (borrowed != null) {
          body = borrowed;
        }
      }
    }
    return pullback.withBody(body);
  }

  /** How many one-element buffers for calls' adjoints {@code pullback} makes. */
  public static long madeBuffers(Pullback pullback) {
    return pullback.body().statements().stream().filter(BorrowedScalarBuffers::isMadeBuffer)
        .count();
  }

  /** {@code double[] dArgs = new double[1]}, made by the processor (no source line). */
  private static boolean isMadeBuffer(Stmt stmt) {
    return stmt instanceof Declare declare && declare.init() instanceof NewArray made
        && declare.origin() == null && declare.var().type() == Type.DOUBLE_ARRAY
        && made.dimensions().equals(List.of(Constant.integer(1)));
  }

  /** {@code body} with the buffer {@code made} declares borrowed, or null if it cannot be. */
  private Block borrowed(Block body, Declare made) {
    Var buffer = made.var();
    int[] calls = {0};
    boolean[] other = {false};
    Statements.forEach(body, s -> {
      if (s == made || !Statements.mentioned(s).contains(buffer)) {
        return;
      }
      if (isZeroing(s, buffer)) {
        return;
      }
      Call call = callWith(s, buffer);
      if (call != null) {
        calls[0]++;
      } else if (!readsElementOnly(s, buffer)) {
        other[0] = true;
      }
    });
    if (calls[0] != 1 || other[0]) {
      return null;
    }
    Block[] out = {null};
    Block rewritten = inBlocks(body, buffer, out);
    if (out[0] == null) {
      return null;
    }
    List<Stmt> statements = new ArrayList<>(rewritten.statements());
    statements.remove(made);
    boolean[] left = {false};
    Statements.forEach(statements, s -> left[0] |= Statements.mentioned(s).contains(buffer));
    return left[0] ? null : new Block(statements); // a use outside the call's block: keep it
  }

  /**
   * {@code block} with the zeroing and call of {@code buffer} rewritten where they stand next
   * to each other, every later read of its element in that block read from a local; records the
   * result in {@code done[0]}.
   */
  private Block inBlocks(Block block, Var buffer, Block[] done) {
    List<Stmt> statements = block.statements();
    for (int k = 0; k + 1 < statements.size(); k++) {
      if (isZeroing(statements.get(k), buffer) && callWith(statements.get(k + 1), buffer) != null
          && onlyZeroingsBefore(statements.subList(0, k), buffer)) {
        Var kept = new Var(names.fresh("kept"), Type.DOUBLE);
        Var adjoint = new Var(names.fresh("dArg"), Type.DOUBLE);
        Operand element = Terms.element(scalars, List.of(Constant.integer(0)));
        List<Stmt> out = new ArrayList<>(statements.subList(0, k));
        Stmt zeroing = statements.get(k);
        out.add(new Declare(kept, new Copy(element), null));
        out.add(new Store(scalars, List.of(Constant.integer(0)), Constant.ZERO, null,
            ((Store) zeroing).origin()));
        out.add(withBuffer(statements.get(k + 1), buffer));
        out.add(new Declare(adjoint, new Copy(element), null));
        out.add(new Store(scalars, List.of(Constant.integer(0)), kept, null, null));
        for (Stmt later : statements.subList(k + 2, statements.size())) {
          out.add(readFrom(later, buffer, adjoint));
        }
        done[0] = new Block(out);
        return done[0];
      }
    }
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : statements) {
      out.add(done[0] != null ? stmt : Statements.mapBlocks(stmt, b -> inBlocks(b, buffer, done)));
    }
    return done[0] == null ? block : new Block(out);
  }

  /** Whether nothing in {@code statements} reads the buffer (a read there would be stale). */
  private static boolean onlyZeroingsBefore(List<Stmt> statements, Var buffer) {
    boolean[] reads = {false};
    Statements.forEach(statements, s -> reads[0] |= !isZeroing(s, buffer)
        && !(s instanceof Declare d && d.var().equals(buffer))
        && Statements.mentioned(s).contains(buffer));
    return !reads[0];
  }

  private static boolean isZeroing(Stmt s, Var buffer) {
    return s instanceof Store store && store.array().equals(buffer) && store.compound() == null
        && store.indices().equals(List.of(Constant.integer(0)))
        && store.value() instanceof Constant c && c.is(0);
  }

  /**
   * The call of a pullback {@code s} assigns whose last argument is {@code buffer} and every
   * other a {@code double}; else null.
   */
  private static Call callWith(Stmt s, Var buffer) {
    Expr value = s instanceof Assign assign ? assign.value()
        : s instanceof Declare declare ? declare.init() : null;
    if (!(value instanceof Call call) || call.args().isEmpty()
        || !call.args().get(call.args().size() - 1).equals(buffer)) {
      return null;
    }
    List<Operand> rest = call.args().subList(0, call.args().size() - 1);
    return rest.stream().allMatch(a -> a.type() == Type.DOUBLE)
        && !Exprs.vars(rest).contains(buffer) ? call : null;
  }

  /** Whether {@code s} itself names {@code buffer} only as {@code buffer[0]}, read. */
  private static boolean readsElementOnly(Stmt s, Var buffer) {
    if (s instanceof Store store && store.array().equals(buffer)) {
      return false;
    }
    if (s instanceof Accumulate add && add.target().equals(buffer)) {
      return false;
    }
    if (!(s instanceof Assign || s instanceof Declare || s instanceof Store
        || s instanceof Accumulate)) {
      return !Statements.vars(s).contains(buffer); // a branch or loop: its own reads
    }
    Var marker = new Var(" element", Type.DOUBLE);
    Stmt read = readFrom(s, buffer, marker);
    return !Statements.vars(read).contains(buffer);
  }

  /** {@code s} with its reads of {@code buffer[0]}, and those nested in it, of {@code local}. */
  private static Stmt readFrom(Stmt s, Var buffer, Var local) {
    Stmt mapped = Statements.mapBlocks(s, b -> {
      List<Stmt> out = new ArrayList<>();
      b.statements().forEach(inner -> out.add(readFrom(inner, buffer, local)));
      return new Block(out);
    });
    if (mapped instanceof Declare declare && isElement(declare.init(), buffer)) {
      return new Declare(declare.var(), new Copy(local), declare.origin());
    }
    if (mapped instanceof Assign assign && isElement(assign.value(), buffer)) {
      return new Assign(assign.target(), new Copy(local), assign.origin());
    }
    if (mapped instanceof Accumulate add) {
      return new Accumulate(add.target(),
          add.indices().stream().map(o -> replaced(o, buffer, local)).toList(),
          replaced(add.value(), buffer, local), add.declares(), add.origin());
    }
    return Statements.withReads(mapped, operand -> replaced(operand, buffer, local));
  }

  private static Operand replaced(Operand operand, Var buffer, Var local) {
    if (operand instanceof Nested nested) {
      if (isElement(nested.expr(), buffer)) {
        return local;
      }
      return new Nested(Exprs.map(nested.expr(), o -> replaced(o, buffer, local)),
          nested.type());
    }
    return operand;
  }

  private static boolean isElement(Expr expr, Var buffer) {
    return expr instanceof Load load && load.array().equals(buffer)
        && load.indices().equals(List.of(Constant.integer(0)))
        || expr instanceof Copy copy && copy.a() instanceof Nested nested
        && isElement(nested.expr(), buffer);
  }

  /** {@code s}, a call's assignment, with {@code buffer} replaced by the scalars' buffer. */
  private Stmt withBuffer(Stmt s, Var buffer) {
    Call call = callWith(s, buffer);
    List<Operand> args = new ArrayList<>(call.args());
    args.set(args.size() - 1, scalars);
    Call borrowed = new Call(call.callee(), args);
    return s instanceof Assign assign ? new Assign(assign.target(), borrowed, assign.origin())
        : new Declare(((Declare) s).var(), borrowed, ((Declare) s).origin());
  }
}
