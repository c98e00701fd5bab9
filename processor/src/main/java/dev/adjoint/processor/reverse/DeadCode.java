package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Break;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.Zeros;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pullback's backward pass alone: the pullback without its value, every statement whose result
 * nothing left reads taken out. What a caller's backward sweep calls, having computed the value in
 * its own forward sweep: a layer {@code z = b + x W} whose backward pass reads only {@code x},
 * {@code W} and the seed does not compute {@code z} again.
 *
 * <p>Kept: what writes outside the method (stores into parameters and buffers, tape pushes and
 * pops, calls of derivatives and of methods that may write their arguments), and, until nothing
 * changes, whatever defines a variable a kept statement reads, the branches and loops around kept
 * statements with what decides them (a kept loop keeps its {@code break}s). Dropped: assignments
 * of values nobody reads, stores into arrays made in the method that nobody reads, and loops and
 * branches left empty (every loop of the primal ended when the primal ran). A variable declared
 * again in a nested block (a value the backward pass computes again) is another variable there.
 */
public final class DeadCode {
  /** One declared variable: a declaration, or a variable declared nowhere in the body. */
  private static final class Binding {}

  private final Set<Var> parameters;
  /** Arrays made in the method: every value they hold is a new array (or null). */
  private final Set<Var> fresh = new HashSet<>();
  private final Map<Stmt, Binding> declarations = new IdentityHashMap<>();
  private final Map<Var, Binding> undeclared = new HashMap<>();
  /** The declarations visible where the walk is, innermost block first. */
  private final Deque<Map<Var, Binding>> scopes = new ArrayDeque<>();
  /** Variables a kept statement reads. */
  private final Set<Binding> live = new HashSet<>();
  /** Variables a kept statement writes: their declarations stay. */
  private final Set<Binding> written = new HashSet<>();
  private final Set<Stmt> kept = Collections.newSetFromMap(new IdentityHashMap<>());
  /** What each loop's test and bounds read, resolved inside the loop. */
  private final Map<Stmt, Set<Binding>> loopReads = new IdentityHashMap<>();

  private DeadCode(Set<Var> parameters) {
    this.parameters = parameters;
  }

  /** The body of {@code pullback}, whose value is not wanted, without its dead statements. */
  public static Block backwardOnly(Pullback pullback) {
    return backwardOnly(pullback, Set.of());
  }

  /**
   * The same without the contributions to the buffers {@code unread} (which the caller does not
   * pass: they become local arrays nobody reads).
   */
  public static Block backwardOnly(Pullback pullback, Set<Var> unread) {
    Set<Var> parameters = new HashSet<>();
    pullback.primal().params().forEach(p -> parameters.add(p.var()));
    var signature = pullback.signature();
    parameters.add(new Var(signature.seed(), signature.result()));
    signature.derivatives().forEach((p, d) -> parameters.add(new Var(d, p.var().type())));
    if (signature.scalarBuffer() != null) {
      parameters.add(new Var(signature.scalarBuffer(), Type.DOUBLE_ARRAY));
    }
    parameters.removeAll(unread);
    return of(pullback.body(), parameters, unread);
  }

  /**
   * {@code body} without its dead statements, where {@code parameters} are what it is given
   * (stores into them are kept) and {@code unread} local arrays nobody reads.
   */
  public static Block of(Block body, Set<Var> parameters, Set<Var> unread) {
    DeadCode pass = new DeadCode(parameters);
    pass.findFresh(body);
    pass.fresh.addAll(unread);
    int size;
    do {
      size = pass.live.size() + pass.written.size() + pass.kept.size();
      pass.mark(body);
    } while (size != pass.live.size() + pass.written.size() + pass.kept.size());
    return pass.rebuild(body);
  }

  private void findFresh(Block body) {
    Set<Var> notFresh = new HashSet<>(parameters);
    Statements.forEach(body, stmt -> {
      if (stmt instanceof Assign assign && assign.target().type().isArray()) {
        (isNew(assign.value()) ? fresh : notFresh).add(assign.target());
      } else if (stmt instanceof Declare declare && declare.var().type().isArray()) {
        (declare.init() == null || isNew(declare.init()) ? fresh : notFresh).add(declare.var());
      }
    });
    fresh.removeAll(notFresh);
  }

  private static boolean isNew(Expr value) {
    return value instanceof NewArray || value instanceof CloneArray || value instanceof Zeros
        || value instanceof Copy copy && copy.a() instanceof Constant;
  }

  /** The variable {@code v} names where the walk is. */
  private Binding binding(Var v) {
    for (Map<Var, Binding> scope : scopes) {
      Binding b = scope.get(v);
      if (b != null) {
        return b;
      }
    }
    return undeclared.computeIfAbsent(v, x -> new Binding());
  }

  private Set<Binding> bindings(Set<Var> vars) {
    Set<Binding> out = new HashSet<>();
    vars.forEach(v -> out.add(binding(v)));
    return out;
  }

  /** Marks the statements of {@code blocks}, one scope, to keep; true if any is kept. */
  private boolean mark(Block... blocks) {
    return mark((Stmt) null, blocks);
  }

  /**
   * The same for the blocks of {@code loop} (when not null), in whose scope its index is declared
   * and its test (computed in a while loop's header) and bounds are read.
   */
  private boolean mark(Stmt loop, Block... blocks) {
    scopes.push(new HashMap<>());
    Loop.Counted counted = loop instanceof Loop forward ? forward.counted()
        : loop instanceof ReverseLoop back ? back.loop().counted() : null;
    if (counted != null) {
      scopes.peek().put(counted.index(), declarations.computeIfAbsent(loop, x -> new Binding()));
    }
    boolean any = false;
    for (Block block : blocks) {
      for (Stmt stmt : block.statements()) {
        if (mark(stmt)) {
          kept.add(stmt);
          any = true;
        }
        Var declared = stmt instanceof Declare declare ? declare.var()
            : stmt instanceof Accumulate add && add.declares() ? add.target() : null;
        if (declared != null) {
          scopes.peek().put(declared, declarations.computeIfAbsent(stmt, x -> new Binding()));
        }
      }
    }
    if (loop != null) {
      loopReads.put(loop, bindings(Statements.vars(loop)));
    }
    scopes.pop();
    return any;
  }

  private boolean mark(Stmt stmt) {
    if (stmt instanceof Comment || stmt instanceof Break) {
      return kept.contains(stmt); // a break: kept with its loop; a comment: with what follows
    }
    if (stmt instanceof If branch) {
      boolean then = mark(branch.then());
      boolean otherwise = mark(branch.otherwise());
      return (then || otherwise) && keep(stmt);
    }
    if (stmt instanceof Loop loop) {
      if (mark(loop, loop.header(), loop.body())) {
        keepBreaks(loop.header());
        keepBreaks(loop.body());
        return keep(stmt);
      }
      return false;
    }
    if (stmt instanceof ReverseLoop loop) {
      return mark(loop, loop.body()) && keep(stmt);
    }
    Binding target = target(stmt);
    if (stmt instanceof Assign assign) {
      return (live.contains(target) || sideEffects(assign.value())) && keep(stmt);
    }
    if (stmt instanceof Declare declare) {
      boolean needed = live.contains(target) || written.contains(target)
          || declare.init() != null && sideEffects(declare.init());
      return needed && keep(stmt);
    }
    if (stmt instanceof Store || stmt instanceof Accumulate) {
      // ds += hBackward(s, u, dt, du): the call adds into du, whether or not ds is read
      return (target == null || live.contains(target)
          || sideEffects(Statements.operands(stmt))) && keep(stmt);
    }
    return keep(stmt); // pushes, pops, tapes, derivative calls, arrays added into buffers
  }

  /** Records what a kept statement reads and writes; true. */
  private boolean keep(Stmt stmt) {
    if (loopReads.containsKey(stmt)) {
      live.addAll(loopReads.get(stmt));
      return true;
    }
    Binding target = target(stmt);
    if (target == null || stmt instanceof Pop) {
      live.addAll(bindings(Statements.vars(stmt)));
    } else {
      written.add(target);
      live.addAll(bindings(reads(stmt))); // a store into a local array does not read it
    }
    return true;
  }

  /**
   * The variable a statement writes: an assignment's, a declaration's, a pop's, a store's or
   * contribution's into a local (a scalar, an array made in the method); else null.
   */
  private Binding target(Stmt stmt) {
    if (stmt instanceof Declare declare) {
      return declarations.computeIfAbsent(stmt, x -> new Binding());
    }
    if (stmt instanceof Accumulate add && add.declares()) {
      return declarations.computeIfAbsent(stmt, x -> new Binding());
    }
    if (stmt instanceof Assign assign) {
      return binding(assign.target());
    }
    if (stmt instanceof Pop pop) {
      return binding(pop.target());
    }
    if (stmt instanceof Store store && fresh.contains(store.array())) {
      return binding(store.array());
    }
    if (stmt instanceof Accumulate add && (add.intoElement() ? fresh.contains(add.target())
        : !parameters.contains(add.target()))) {
      return binding(add.target());
    }
    return null;
  }

  /** What a statement that writes its target reads, its own target excluded. */
  private static Set<Var> reads(Stmt stmt) {
    List<Operand> operands = new ArrayList<>();
    if (stmt instanceof Assign assign) {
      operands.addAll(assign.value().operands());
    } else if (stmt instanceof Declare declare && declare.init() != null) {
      operands.addAll(declare.init().operands());
    } else if (stmt instanceof Store store) {
      operands.addAll(store.indices());
      operands.add(store.value());
    } else if (stmt instanceof Accumulate add) {
      operands.addAll(add.indices());
      operands.add(add.value());
    }
    return Exprs.vars(operands);
  }

  /** Whether evaluating {@code value} may write what it is given: a call of a method that may. */
  private static boolean sideEffects(Expr value) {
    return value instanceof Call call && !call.callee().readsOnly()
        || sideEffects(value.operands());
  }

  /** Whether an operation nested in {@code operands} calls a method that may write. */
  private static boolean sideEffects(List<Operand> operands) {
    boolean[] found = {false};
    operands.forEach(o -> Exprs.forEachNested(o, e -> {
      if (e instanceof Call call && !call.callee().readsOnly()) {
        found[0] = true;
      }
    }));
    return found[0];
  }

  /** The breaks of a kept loop's own iterations, and the branches that decide them. */
  private boolean keepBreaks(Block block) {
    boolean any = false;
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof Break) {
        kept.add(stmt);
        any = true;
      } else if (stmt instanceof If branch
          && (keepBreaks(branch.then()) | keepBreaks(branch.otherwise()))) {
        kept.add(stmt);
        keep(stmt);
        any = true;
      }
    }
    return any;
  }

  private Block rebuild(Block block) {
    List<Stmt> out = new ArrayList<>();
    List<Stmt> statements = block.statements();
    for (int i = 0; i < statements.size(); i++) {
      Stmt stmt = statements.get(i);
      if (stmt instanceof Comment comment) {
        if (nextKept(statements, i)) {
          out.add(out.isEmpty() ? new Comment(comment.text()) : comment); // no blank line first
        }
      } else if (kept.contains(stmt)) {
        out.add(Statements.mapBlocks(stmt, this::rebuild));
      }
    }
    return new Block(out);
  }


  /** Whether the first statement after the comments from {@code i} is kept. */
  private boolean nextKept(List<Stmt> statements, int i) {
    for (int j = i + 1; j < statements.size(); j++) {
      if (!(statements.get(j) instanceof Comment)) {
        return kept.contains(statements.get(j));
      }
    }
    return false;
  }
}
