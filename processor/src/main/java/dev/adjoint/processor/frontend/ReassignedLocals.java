package dev.adjoint.processor.frontend;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code double} reassigned in a straight line gets a variable per value, as a person names
 * each step when writing the gradient by hand:
 * <pre>
 * for (...) {                         for (...) {
 *   double s = x[i] * w;                double s = x[i] * w;
 *   s = s * s;                  =&gt;      double s2 = s * s;
 *   s = Math.tanh(s);                   double s3 = Math.tanh(s2);
 *   sum += s;                           sum += s3;
 * }                                   }
 * </pre>
 * Inside loops the lowering makes a local one mutable variable ({@link LoopNest}), whose old
 * value the backward sweep must save before each assignment that overwrites one it reads (here
 * three saves per iteration); with a variable per value nothing is overwritten within the
 * iteration, and a fused iteration saves nothing. Outside loops the lowering already gives each
 * assignment its own version; this pass finds those it could not know of when it lowered them.
 *
 * <p>Conditions, so that every read has one assignment that reaches it: all the assignments of
 * the variable are statements of one block (none in a branch or a loop inside it), the first
 * reads not the variable, and every other statement naming it stands in that block after the
 * first assignment (at its top level or nested in a statement there). Neither a parameter nor
 * the method's result. Each read then takes the value of the last assignment before the
 * statement that holds it.
 */
public final class ReassignedLocals {
  private final Function function;
  /** The variables to split, each with the block that assigns it. */
  private final Map<Var, Block> split = new HashMap<>();

  private ReassignedLocals(Function function) {
    this.function = function;
  }

  /** {@code function} with a variable per value of each local reassigned in a straight line. */
  public static Function of(Function function) {
    ReassignedLocals pass = new ReassignedLocals(function);
    pass.findSplittable();
    if (pass.split.isEmpty()) {
      return function;
    }
    return new Function(function.name(), function.params(), function.result(),
        pass.block(function.body(), Map.of()), function.names());
  }

  /** Where a variable is assigned and named: statements, their blocks, and how often. */
  private static final class Uses {
    final Map<Block, Integer> assignedIn = new IdentityHashMap<>();
    int mentions;
    boolean other; // named by a statement this pass does not rewrite
  }

  private void findSplittable() {
    Set<Var> excluded = new HashSet<>();
    for (Param param : function.params()) {
      excluded.add(param.var());
    }
    excluded.add(function.result());
    Map<Var, Uses> uses = new HashMap<>();
    collect(function.body(), uses);
    uses.forEach((v, u) -> {
      if (v.type() != Type.DOUBLE || excluded.contains(v) || u.other
          || u.assignedIn.size() != 1 || u.assignedIn.values().iterator().next() < 2) {
        return;
      }
      Block home = u.assignedIn.keySet().iterator().next();
      if (straightLine(home, v, u.mentions)) {
        split.put(v, home);
      }
    });
  }

  private static void collect(Block body, Map<Var, Uses> uses) {
    Statements.forEachWithPlace(body, (stmt, place) -> {
      for (Var v : Statements.vars(stmt)) {
        Uses u = uses.computeIfAbsent(v, k -> new Uses());
        u.mentions++;
        u.other |= !(stmt instanceof Assign || stmt instanceof Declare || stmt instanceof Store
            || stmt instanceof If || stmt instanceof Loop);
        u.other |= stmt instanceof Declare declare && declare.var().equals(v); // with a value
      }
      if (stmt instanceof Assign assign) {
        uses.get(assign.target()).assignedIn.merge(place.block(), 1, Integer::sum);
      }
    });
  }

  /**
   * Whether every statement naming {@code v} stands in {@code home} at or after its first
   * assignment, which does not read it ({@code mentions}: the statements naming it anywhere).
   */
  private static boolean straightLine(Block home, Var v, int mentions) {
    List<Stmt> statements = home.statements();
    int first = -1;
    int here = 0;
    for (int k = 0; k < statements.size(); k++) {
      Stmt stmt = statements.get(k);
      int naming = 0;
      for (Stmt s : nested(stmt)) {
        naming += Statements.vars(s).contains(v) ? 1 : 0;
      }
      if (first < 0 && naming > 0) {
        if (!(stmt instanceof Assign assign && assign.target().equals(v)
            && !Exprs.vars(assign.value().operands()).contains(v))) {
          return false;
        }
        first = k;
      }
      here += naming;
    }
    return first >= 0 && here == mentions;
  }

  private static List<Stmt> nested(Stmt stmt) {
    List<Stmt> all = new ArrayList<>();
    Statements.forEach(stmt, all::add);
    return all;
  }

  /**
   * {@code block} with each variable split there assigned a new one from its second assignment
   * on, and every read naming the variable current where it stands ({@code outer}: those of
   * the blocks around).
   */
  private Block block(Block block, Map<Var, Var> outer) {
    Map<Var, Var> current = new HashMap<>(outer);
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      Map<Var, Var> reading = Map.copyOf(current);
      Stmt read = Statements.withReads(stmt, Exprs.substituting(reading::get));
      if (read instanceof Assign assign && split.get(assign.target()) == block) {
        Var v = assign.target();
        Var version = current.containsKey(v)
            ? new Var(function.names().fresh(v.name()), v.type()) : v;
        current.put(v, version);
        out.add(new Assign(version, assign.value(), assign.origin()));
      } else {
        out.add(Statements.mapBlocks(read, b -> block(b, reading)));
      }
    }
    return new Block(out);
  }
}
