package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A backward loop whose iterations are independent of one another runs in the forward order, as
 * a person writes {@code for (t = 0; t < taps; t++) dkernel[t] += g * signal[i + t]}: the JIT
 * unrolls and vectorises upward loops better than downward ones. Iterations are independent when
 * the body saves and restores nothing (no tape, not even an inner loop's trip count), calls
 * nothing, assigns only variables it
 * declares, and writes only array elements indexed by the loop's counter, at one index position
 * in every access to that array, so that no two iterations touch one element (a row the body
 * takes, {@code double[] dWRow = dW[h]}, standing for its matrix). Every variable and
 * element then receives the same operations in the same order as before: the results are the
 * same bit for bit. Arrays assigned to one another ({@code h = next}) count as one array
 * ({@link ArrayAliases}).
 */
public final class InOrderLoops {
  /** Which arrays of the pullback may be one another's. */
  private final ArrayAliases aliases;

  private InOrderLoops(ArrayAliases aliases) {
    this.aliases = aliases;
  }

  /** {@code pullback} with its independent backward loops run in the forward order. */
  public static Pullback of(Pullback pullback) {
    InOrderLoops pass = new InOrderLoops(ArrayAliases.of(pullback.body()));
    return pullback.withBody(pass.block(pullback.body()));
  }

  private Block block(Block block) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      Stmt done = Statements.mapBlocks(stmt, this::block);
      out.add(done instanceof ReverseLoop back && back.loop().counted() != null
          && !back.inOrder() && independent(back.body(), back.loop().counted().index(), aliases)
          ? back.inForwardOrder() : done);
    }
    return new Block(out);
  }

  /**
   * Whether the iterations of a loop over {@code counter} with this body are independent of one
   * another, as the class comment says; {@code aliases}: which arrays may be one another's.
   */
  static boolean independent(Block body, Var counter, ArrayAliases aliases) {
    Set<Var> declared = BackStmts.declaredIn(body);
    boolean[] ok = {true};
    Set<Var> written = new HashSet<>();
    List<Access> accesses = new ArrayList<>();
    Map<Var, Access> rows = new HashMap<>();
    Statements.forEach(body, stmt -> {
      if (stmt instanceof Assign assign) {
        ok[0] &= declared.contains(assign.target()) && !assign.target().type().isArray();
        reads(assign.value().operands(), accesses);
        if (assign.value() instanceof Load load) {
          accesses.add(new Access(load.array(), load.indices()));
        }
        ok[0] &= !(assign.value() instanceof Call);
      } else if (stmt instanceof Declare declare) {
        Load row = ParameterRows.rowTaken(declare);
        if (row != null) {
          rows.put(declare.var(), new Access(row.array(), row.indices()));
        }
        ok[0] &= !declare.var().type().isArray() || row != null;
        if (declare.init() != null) {
          reads(declare.init().operands(), accesses);
          if (declare.init() instanceof Load load) {
            accesses.add(new Access(load.array(), load.indices()));
          }
          ok[0] &= !(declare.init() instanceof Call);
        }
      } else if (stmt instanceof Accumulate add) {
        reads(add.indices(), accesses);
        reads(List.of(add.value()), accesses);
        if (add.intoElement()) {
          written.add(add.target());
          accesses.add(new Access(add.target(), add.indices()));
        } else {
          ok[0] &= declared.contains(add.target());
        }
      } else if (stmt instanceof Store store) {
        reads(store.indices(), accesses);
        reads(List.of(store.value()), accesses);
        written.add(store.array());
        accesses.add(new Access(store.array(), store.indices()));
      } else if (stmt instanceof If branch) {
        reads(List.of(branch.condition()), accesses);
      } else if (stmt instanceof ReverseLoop inner && inner.tripsOnTape()) {
        ok[0] = false; // pops its trip count: the tape is read in the backward order only
      } else if (!(stmt instanceof Loop || stmt instanceof ReverseLoop
          || stmt instanceof Comment)) {
        ok[0] = false; // the tape, a derivative call, an array added or cleared
      }
    });
    if (!ok[0] || accesses.stream().anyMatch(a -> a.array() == null)) {
      return false;
    }
    accesses.replaceAll(a -> rows.containsKey(a.array()) ? a.through(rows.get(a.array())) : a);
    Set<Var> writtenGroups = new HashSet<>();
    written.forEach(v -> writtenGroups.add(
        aliases.group(rows.containsKey(v) ? rows.get(v).array() : v)));
    return oneElementPerIteration(accesses, writtenGroups, counter, aliases);
  }

  /**
   * Whether every access to an array of {@code groups} names an element through {@code counter},
   * at one index position for each group, none of them an array whose rows another name takes:
   * then no two iterations of a loop over {@code counter} touch one element of those arrays.
   */
  static boolean oneElementPerIteration(List<Access> accesses, Set<Var> groups, Var counter,
      ArrayAliases aliases) {
    Map<Var, Integer> position = new HashMap<>();
    for (Access access : accesses) {
      Var group = aliases.group(access.array());
      if (!groups.contains(group)) {
        continue;
      }
      int at = access.indices() == null ? -1 : access.indices().indexOf(counter);
      if (at < 0 || aliases.opaque(access.array()) || position.getOrDefault(group, at) != at) {
        return false;
      }
      position.put(group, at);
    }
    return true;
  }

  /**
   * An element or row of {@code array} a body names; a null array for a call found; null
   * indices for the array named whole (assigned, passed, a row taken).
   */
  record Access(Var array, List<Operand> indices) {
    /** This access to a row taken as {@code row}, as an access to the row's matrix. */
    Access through(Access row) {
      List<Operand> all = new ArrayList<>(row.indices());
      all.addAll(indices);
      return new Access(row.array(), all);
    }
  }

  /** Adds the loads nested in {@code operands}, and a null access for a call. */
  private static void reads(List<Operand> operands, List<Access> out) {
    for (Operand operand : operands) {
      Exprs.forEachNested(operand, e -> {
        if (e instanceof Load load) {
          out.add(new Access(load.array(), load.indices()));
        } else if (e instanceof Call) {
          out.add(new Access(null, List.of()));
        }
      });
    }
  }
}
