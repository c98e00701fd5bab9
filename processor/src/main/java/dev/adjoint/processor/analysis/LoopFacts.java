package dev.adjoint.processor.analysis;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each variable and statement of a function sits, computed once for every pass: the block
 * that declares each variable, how often it is assigned, which are assigned inside loops, the
 * loops' counters, and the loops around each statement.
 */
public final class LoopFacts {
  private final Map<Var, Block> home = new HashMap<>();
  private final Map<Var, Integer> assignments = new HashMap<>();
  private final Set<Var> assignedInLoops = new HashSet<>();
  private final Set<Var> declaredInLoops = new HashSet<>();
  private final Set<Var> counters = new HashSet<>();
  private final Map<Stmt, Statements.Place> places = new IdentityHashMap<>();
  private final Map<Stmt, Integer> positions = new IdentityHashMap<>();
  /** The block around each nested block (a branch's, a loop's header and body). */
  private final Map<Block, Block> parents = new IdentityHashMap<>();

  private LoopFacts(Function function) {
    for (Param param : function.params()) {
      home.put(param.var(), function.body());
    }
    Map<Var, List<Block>> blocks = new HashMap<>();
    Set<Block> headers = Collections.newSetFromMap(new IdentityHashMap<>());
    Statements.forEachWithPlace(function.body(), (stmt, place) -> {
      places.put(stmt, place);
      positions.put(stmt, positions.size());
      if (stmt instanceof If branch) {
        parents.put(branch.then(), place.block());
        parents.put(branch.otherwise(), place.block());
      } else if (stmt instanceof Loop loop) {
        parents.put(loop.header(), place.block());
        parents.put(loop.body(), place.block());
        headers.add(loop.header());
      }
      if (stmt instanceof Declare || stmt instanceof Assign) {
        Var v = stmt instanceof Declare declare ? declare.var() : ((Assign) stmt).target();
        blocks.computeIfAbsent(v, x -> new ArrayList<>()).add(place.block());
      }
      if (stmt instanceof Declare declare) {
        home.putIfAbsent(declare.var(), place.block());
        if (place.inLoop()) {
          declaredInLoops.add(declare.var());
        }
      } else if (stmt instanceof Assign assign) {
        home.putIfAbsent(assign.target(), place.block());
        assignments.merge(assign.target(), 1, Integer::sum);
        if (place.inLoop()) {
          assignedInLoops.add(assign.target());
          declaredInLoops.add(assign.target());
        }
      } else if (stmt instanceof Loop loop && loop.counted() != null) {
        home.putIfAbsent(loop.counted().index(), loop.body());
        counters.add(loop.counted().index());
      }
    });
    blocks.forEach((v, where) -> {
      Block first = home.get(v);
      if (where.stream().noneMatch(headers::contains)
          && where.stream().anyMatch(b -> !within(b, first))) {
        home.put(v, where.stream().reduce(first, this::around));
      }
    });
  }

  /** True if {@code block} is {@code outer} or nested in it. */
  private boolean within(Block block, Block outer) {
    for (Block b = block; b != null; b = parents.get(b)) {
      if (b == outer) {
        return true;
      }
    }
    return false;
  }

  /** The innermost block that is or holds both {@code a} and {@code b}. */
  private Block around(Block a, Block b) {
    Block common = a;
    while (common != null && !within(b, common)) {
      common = parents.get(common);
    }
    return common;
  }

  public static LoopFacts of(Function function) {
    return new LoopFacts(function);
  }

  /**
   * The block that declares {@code v}: the body for a parameter, a counted loop's body for its
   * counter, else the block of its first declaration or assignment, or, when statements outside
   * that block assign it too (a continuation copied into both branches by an early return), the
   * innermost block around them all; null for a constant table.
   */
  public Block home(Var v) {
    return home.get(v);
  }

  /** How many statements assign {@code v}. */
  public int assignments(Var v) {
    return assignments.getOrDefault(v, 0);
  }

  /** True if a statement inside a loop assigns {@code v}. */
  public boolean isAssignedInLoop(Var v) {
    return assignedInLoops.contains(v);
  }

  /** True if a statement inside a loop assigns or declares {@code v}. */
  public boolean isDeclaredInLoop(Var v) {
    return declaredInLoops.contains(v);
  }

  /** The counters of the counted loops. */
  public boolean isCounter(Var v) {
    return counters.contains(v);
  }

  /** The body of the innermost loop around {@code stmt}, or null outside loops. */
  public Block loopBody(Stmt stmt) {
    return places.get(stmt).loopBody();
  }

  /** The block that holds {@code stmt} directly. */
  public Block blockOf(Stmt stmt) {
    return places.get(stmt).block();
  }

  /** The loops around {@code stmt}, outermost first. */
  public List<Loop> loopsAround(Stmt stmt) {
    return places.get(stmt).loops();
  }

  /** The position of {@code stmt} in program order. */
  public int position(Stmt stmt) {
    return positions.get(stmt);
  }
}
