package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.AddArray;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Break;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.OpenTape;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.Push;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Tape;
import dev.adjoint.processor.ir.Terms;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.Zeros;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Assembles the pullback from an {@link Adjoint}: the taping forward sweep (the primal with a
 * {@link Push} before each overwrite the backward sweep needs undone, loop trip counters, the
 * shadow adjoints of arrays assigned to one another, the backward pass of fused loops inside
 * them), then the backward sweep, then the scalar parameters' adjoints added into their buffer.
 *
 * <p>{@link Declarations} then makes the forward sweep's declarations explicit: a variable the
 * backward sweep reads, or whose old value is pushed, is declared before the scope that assigns
 * it.
 */
public final class Taping {
  /** The comment between the forward sweep and the backward sweep of a pullback's body. */
  static final String BACKWARD_SWEEP = "backward sweep";

  private final Adjoint adjoint;

  private Taping(Adjoint adjoint) {
    this.adjoint = adjoint;
  }

  /** The pullback of {@code adjoint}'s function. */
  public static Pullback of(Adjoint adjoint) {
    return new Taping(adjoint).pullback();
  }

  private Pullback pullback() {
    Function f = adjoint.primal();
    List<Stmt> body = new ArrayList<>(prologue());
    Set<Var> parameters = new HashSet<>();
    f.params().forEach(p -> parameters.add(p.var()));
    Set<Var> managed = new HashSet<>(parameters);
    Statements.forEach(f.body(), stmt -> managed.addAll(Statements.vars(stmt)));
    Set<Var> pushedTargets = new HashSet<>();
    adjoint.pushed().forEach(stmt -> {
      if (stmt instanceof Assign assign) {
        pushedTargets.add(assign.target()); // its old value is pushed: it must exist first
      } else if (stmt instanceof Store store) {
        pushedTargets.add(store.array()); // the backward sweep puts its old elements back
      }
    });
    body.addAll(Declarations.of(block(f.body()), adjoint.loops(), managed, parameters,
        v -> adjoint.readByBackward().contains(v) || pushedTargets.contains(v)));
    Var returned = f.result();
    if (adjoint.pushed().stream().anyMatch(s -> s instanceof Store store
        && store.array().equals(f.result()))) {
      // the backward sweep puts back old elements of the vector returned: return a copy
      returned = new Var(f.names().fresh(f.result().name() + "Out"), f.result().type());
      body.add(new Declare(returned, new CloneArray(f.result())));
    }
    body.add(new Comment(BACKWARD_SWEEP, true));
    body.addAll(adjoint.backward());
    Var buffer = new Var(adjoint.signature().scalarBuffer(), Type.DOUBLE_ARRAY);
    List<Param> scalars = f.differentiableParams().stream()
        .filter(p -> !p.var().type().isArray()).toList();
    boolean flushes = false;
    for (int i = 0; i < scalars.size(); i++) {
      Var d = adjoint.paramAdjoints().get(scalars.get(i).var());
      if (d != null) {
        if (!flushes) {
          body.add(Comment.blankLine());
          flushes = true;
        }
        body.add(new Accumulate(buffer, List.of(Constant.integer(i)), d, false, null));
      }
    }
    Var seed = new Var(adjoint.signature().seed(), adjoint.signature().result());
    return new Pullback(f, adjoint.signature(), adjoint.tapes(), adjoint.paramAdjoints(),
        new Block(seedUncopied(body, seed)), returned);
  }

  /**
   * {@code body} with the vector result's adjoint the seed itself, not a copy, when nothing
   * writes that adjoint (a layer whose backward pass only reads it): the caller's seed stays as
   * it was either way.
   */
  private static List<Stmt> seedUncopied(List<Stmt> body, Var seed) {
    for (int i = 0; i < body.size(); i++) {
      if (body.get(i) instanceof Declare declare && declare.init() instanceof CloneArray clone
          && clone.array().equals(seed)) {
        Var adjoint = declare.var();
        boolean[] written = {false};
        Statements.forEach(body, stmt -> written[0] |= writes(stmt, adjoint));
        if (!written[0]) {
          List<Stmt> out = new ArrayList<>(body);
          out.set(i, new Declare(adjoint, new Copy(seed), declare.origin()));
          return out;
        }
      }
    }
    return body;
  }

  /** Whether {@code stmt} may write the elements of {@code array} or make another name for it. */
  private static boolean writes(Stmt stmt, Var array) {
    if (stmt instanceof Store store) {
      return store.array().equals(array);
    }
    if (stmt instanceof Accumulate add) {
      return add.target().equals(array);
    }
    if (stmt instanceof Pop pop) {
      return pop.target().equals(array);
    }
    if (stmt instanceof AddArray add) {
      return add.target().equals(array);
    }
    if (stmt instanceof DerivativeCall call) {
      return call.arguments().contains(array); // a registered pullback might write its seed
    }
    if (stmt instanceof Assign assign) {
      return assign.target().equals(array) || assign.value().operands().contains(array)
          && !(assign.value() instanceof Load);
    }
    return stmt instanceof Declare declare && declare.init() != null
        && !(declare.init() instanceof Load)
        && declare.init().operands().contains(array);
  }

  /** The tapes the sweeps use, trip counters read after their loop's scope, call buffers. */
  private List<Stmt> prologue() {
    List<Stmt> out = new ArrayList<>();
    Set<Tape> tapes = EnumSet.noneOf(Tape.class);
    if (adjoint.trips().values().stream().anyMatch(Adjoint.Trips::onTape)) {
      tapes.add(Tape.INTS);
    }
    for (Stmt stmt : adjoint.pushed()) {
      tapes.add(Tape.of(stmt instanceof Assign assign ? assign.target().type()
          : new Pop(((Store) stmt).array(), ((Store) stmt).indices()).type()));
    }
    tapes.forEach(t -> out.add(new OpenTape(t)));
    // by name: the map is keyed by identity, whose order differs from run to run
    adjoint.trips().values().stream()
        .filter(t -> !t.onTape())
        .sorted(Comparator.comparing(Adjoint.Trips::name))
        .forEach(t -> out.add(new Declare(trips(t), new Copy(Constant.integer(0)))));
    adjoint.scratch().forEach((buffer, size) -> out.add(new Declare(buffer,
        new NewArray(Type.DOUBLE_ARRAY, List.of(Constant.integer(size))))));
    adjoint.shadows().forEach((v, shadow) ->
        out.add(new Declare(shadow, Declarations.zero(v.type()))));
    return out;
  }

  private Block block(Block block) {
    List<Stmt> out = new ArrayList<>();
    block.statements().forEach(stmt -> statement(stmt, out));
    return new Block(out);
  }

  private void statement(Stmt stmt, List<Stmt> out) {
    if (stmt instanceof Declare) {
      out.add(stmt);
    } else if (stmt instanceof Assign assign) {
      assign(assign, out);
    } else if (stmt instanceof Store store) {
      if (adjoint.pushed().contains(store)) {
        out.add(new Push(Terms.element(store.array(), store.indices()), store.origin()));
      }
      out.add(store);
    } else if (stmt instanceof If branch) {
      out.add(new If(branch.condition(), block(branch.then()), block(branch.otherwise()),
          branch.origin()));
    } else if (stmt instanceof Loop loop) {
      loop(loop, out);
    } else if (stmt instanceof Break) {
      out.add(stmt);
    }
  }

  private void assign(Assign assign, List<Stmt> out) {
    Var target = assign.target();
    Var shadow = adjoint.shadows().get(target);
    if (adjoint.pushed().contains(assign)) {
      out.add(new Push(target, assign.origin()));
      if (shadow != null) {
        out.add(new Push(shadow, assign.origin()));
      }
    }
    out.add(assign);
    if (shadow != null) {
      out.add(new Assign(shadow, shadowOf(assign), null));
    }
  }

  /** The shadow adjoint of an array just made: another's shadow, or zeros of its shape. */
  private Expr shadowOf(Assign assign) {
    if (assign.value() instanceof Copy copy) {
      return new Copy(adjoint.shadows().get((Var) copy.a()));
    }
    if (assign.value() instanceof NewArray) {
      return assign.value(); // new double[n]: zeros of the same size
    }
    return new Zeros(assign.target()); // a clone, a call's fresh array
  }

  private void loop(Loop loop, List<Stmt> out) {
    if (loop.counted() != null) {
      FusedLoop fused = adjoint.fused().get(loop);
      List<Stmt> body = new ArrayList<>(block(loop.body()).statements());
      if (fused != null) {
        if (!fused.before().isEmpty()) {
          out.add(new Comment("the adjoints this loop's backward passes read, known before it"
              + " runs"));
          out.addAll(fused.before());
        }
        if (!fused.body().isEmpty()) { // its inner loops' may run inside their iterations
          body.add(new Comment("backward pass of this iteration, fused: no adjoint flows"
              + " between iterations"));
          body.addAll(fused.body());
        }
      }
      out.add(new Loop(loop.header(), loop.test(), new Block(body), false, loop.counted(),
          loop.origin()));
      return;
    }
    Adjoint.Trips count = adjoint.trips().get(loop);
    List<Stmt> body = new ArrayList<>();
    if (count != null) {
      Var trips = trips(count);
      if (count.onTape()) {
        out.add(new Declare(trips, new Copy(Constant.integer(0))));
      }
      body.add(new Assign(trips, new Binary(Binary.Op.ADD, trips, Constant.integer(1)), null));
    }
    body.addAll(block(loop.body()).statements());
    out.add(new Loop(block(loop.header()), loop.test(), new Block(body), loop.testAtEnd(), null,
        loop.origin()));
    if (count != null && count.onTape()) {
      out.add(new Push(trips(count), null));
    }
  }

  private static Var trips(Adjoint.Trips trips) {
    return new Var(trips.name(), Type.INT);
  }
}
