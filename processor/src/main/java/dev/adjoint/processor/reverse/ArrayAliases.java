package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Var;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which array names of a pullback may hold the same array: those assigned to one another
 * ({@code h = next}, {@code dh = dnext}) form a group, and two arrays of different groups are
 * never one another's. An array whose row another name takes ({@code double[] row = m[i]}) is
 * opaque: its elements may be another array's at other indices.
 */
final class ArrayAliases {
  /** Each name assigned another, with the name standing for its group. */
  private final Map<Var, Var> parent = new HashMap<>();
  private final Set<Var> opaque = new HashSet<>();
  /** Every name assigned another array, and every array so assigned. */
  private final Set<Var> copied = new HashSet<>();

  private ArrayAliases() {}

  /** The groups of the arrays {@code body} assigns to one another. */
  static ArrayAliases of(Block body) {
    ArrayAliases aliases = new ArrayAliases();
    Statements.forEach(body, stmt -> {
      Expr value = stmt instanceof Assign assign ? assign.value()
          : stmt instanceof Declare declare ? declare.init() : null;
      Var target = stmt instanceof Assign assign ? assign.target()
          : stmt instanceof Declare declare ? declare.var() : null;
      if (target == null || !target.type().isArray()) {
        return;
      }
      if (value instanceof Copy copy && copy.a() instanceof Var source) {
        aliases.join(target, source);
        aliases.copied.add(target);
        aliases.copied.add(source);
      } else if (value instanceof Load) {
        aliases.opaque.add(target);
        Exprs.vars(value.operands()).stream().filter(v -> v.type().isArray())
            .forEach(aliases.opaque::add); // the array, not the indices of its row
      }
    });
    return aliases;
  }

  /** The name standing for {@code array}'s group: itself where nothing is assigned it. */
  Var group(Var array) {
    Var up = parent.getOrDefault(array, array);
    return up.equals(array) ? array : group(up);
  }

  /**
   * The arrays assigned to one another or taking or giving a row: their elements may be one
   * another's.
   */
  Set<Var> shared() {
    Set<Var> shared = new HashSet<>(copied);
    shared.addAll(opaque);
    return shared;
  }

  /** Whether {@code array}'s group holds a row or matrix another name takes a row of. */
  boolean opaque(Var array) {
    Var group = group(array);
    return opaque.stream().anyMatch(v -> group(v).equals(group));
  }

  private void join(Var a, Var b) {
    Var ga = group(a);
    Var gb = group(b);
    if (!ga.equals(gb)) {
      parent.put(ga, gb);
    }
  }
}
