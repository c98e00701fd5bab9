package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What a statement of the backward sweep reads, writes and declares, for the passes over it. */
final class BackStmts {
  private BackStmts() {}

  /** Every variable {@code stmt} names, read or written, nested statements included. */
  static Set<Var> mentioned(BackStmt stmt) {
    Set<Var> vars = new LinkedHashSet<>();
    List<Operand> named = new ArrayList<>();
    if (stmt instanceof Accumulate add) {
      named.add(add.target());
      named.addAll(add.indices());
      named.add(add.value());
    } else if (stmt instanceof ZeroInit init) {
      named.add(init.adjoint());
      if (init.shape() != null) {
        named.add(init.shape());
      }
    } else if (stmt instanceof Capture capture) {
      named.add(capture.target());
      named.addAll(capture.value().operands());
    } else if (stmt instanceof Reset reset) {
      named.add(reset.target());
      named.addAll(reset.indices());
    } else if (stmt instanceof Restore restore) {
      named.add(restore.target());
      named.addAll(restore.indices());
    } else if (stmt instanceof AddArray add) {
      named.add(add.target());
      named.add(add.source());
    } else if (stmt instanceof PullbackCall call) {
      named.addAll(call.arguments());
    } else if (stmt instanceof BackIf branch) {
      named.add(branch.condition());
      branch.then().forEach(s -> vars.addAll(mentioned(s)));
      branch.otherwise().forEach(s -> vars.addAll(mentioned(s)));
    } else if (stmt instanceof BackLoop loop) {
      for (Operand bound : new Operand[] {loop.from(), loop.to(), loop.trips()}) {
        if (bound != null) {
          named.add(bound);
        }
      }
      loop.body().forEach(s -> vars.addAll(mentioned(s)));
    }
    vars.addAll(Exprs.vars(named));
    return vars;
  }

  /** The variables a statement declares in its block. */
  static List<Var> declared(BackStmt stmt) {
    if (stmt instanceof ZeroInit init) {
      return List.of(init.adjoint());
    }
    if (stmt instanceof Accumulate add && add.declares()) {
      return List.of(add.target());
    }
    if (stmt instanceof Capture capture) {
      return List.of(capture.target());
    }
    return List.of();
  }

  /** True if {@code stmt} may write {@code v}: exactly for contributions, else any mention. */
  static boolean writes(BackStmt stmt, Var v) {
    if (stmt instanceof Accumulate add) {
      return add.target().equals(v);
    }
    if (stmt instanceof ZeroInit init) {
      return init.adjoint().equals(v);
    }
    return mentioned(stmt).contains(v);
  }

  /**
   * The arrays whose elements a straight-line statement reads or resets (the array a
   * contribution adds into is not read by it).
   */
  static Set<Var> elementsRead(BackStmt stmt) {
    Set<Var> arrays = new LinkedHashSet<>();
    List<Operand> operands = new ArrayList<>();
    if (stmt instanceof Accumulate add) {
      operands.add(add.value());
      operands.addAll(add.indices());
    } else if (stmt instanceof Capture capture) {
      if (capture.value() instanceof Load load) {
        arrays.add(load.array());
      }
      operands.addAll(capture.value().operands());
    } else if (stmt instanceof Reset reset) {
      if (!reset.indices().isEmpty()) {
        arrays.add(reset.target());
      }
      operands.addAll(reset.indices());
    }
    operands.forEach(o -> Exprs.forEachNested(o, e -> {
      if (e instanceof Load load) {
        arrays.add(load.array());
      }
    }));
    return arrays;
  }
}
