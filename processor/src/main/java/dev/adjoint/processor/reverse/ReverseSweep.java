package dev.adjoint.processor.reverse;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.rules.DerivativeRules;
import dev.adjoint.processor.rules.DerivativeRules.Flow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the backward sweep of a function: statements in reverse, each active assignment
 * {@code r = op(a, b)} turned into contributions to {@code da} and {@code db} from {@code dr}.
 *
 * <p>Each adjoint is declared in the block (reversed) where its variable is declared: by its
 * first contribution ({@code double dq = z * seed;}) when that contribution is not inside a
 * branch, else by a {@code double dq = 0.0;} at the start of that block.
 */
public final class ReverseSweep {
  private final Function function;
  private final Activity activity;
  private final String seed;
  private final Map<Var, Block> home = new HashMap<>();
  private final Map<Var, String> adjointNames = new HashMap<>();
  private final Set<Var> declared = new HashSet<>();
  private final Map<Block, Set<Var>> zeroInits = new IdentityHashMap<>();
  private final Set<Var> readByBackward = new LinkedHashSet<>();

  private ReverseSweep(Function function, Activity activity) {
    this.function = function;
    this.activity = activity;
    this.seed = function.names().fresh("seed");
  }

  public static Adjoint of(Function function, Activity activity) {
    return new ReverseSweep(function, activity).build();
  }

  private Adjoint build() {
    for (Param param : function.params()) {
      home.put(param.var(), function.body());
    }
    findHomes(function.body());
    List<BackStmt> backward = reverse(function.body());
    Map<Var, String> paramAdjoints = new LinkedHashMap<>();
    for (Param param : function.differentiableParams()) {
      if (declared.contains(param.var())) {
        paramAdjoints.put(param.var(), adjointName(param.var()));
      }
    }
    return new Adjoint(function, backward, paramAdjoints, readByBackward, seed,
        function.names().fresh("dScalars"));
  }

  private void findHomes(Block block) {
    for (Stmt stmt : block.statements()) {
      if (stmt instanceof Declare declare) {
        home.putIfAbsent(declare.var(), block);
      } else if (stmt instanceof Assign assign) {
        home.putIfAbsent(assign.target(), block);
      } else if (stmt instanceof If branch) {
        findHomes(branch.then());
        findHomes(branch.otherwise());
      }
    }
  }

  private List<BackStmt> reverse(Block block) {
    List<BackStmt> out = new ArrayList<>();
    List<Stmt> statements = new ArrayList<>(block.statements());
    Collections.reverse(statements);
    for (Stmt stmt : statements) {
      if (stmt instanceof Assign assign) {
        reverse(assign, block, out);
      } else if (stmt instanceof If branch) {
        reverse(branch, out);
      }
    }
    List<BackStmt> withInits = new ArrayList<>();
    for (Var v : zeroInits.getOrDefault(block, Set.of())) {
      withInits.add(new ZeroInit(adjointName(v)));
    }
    withInits.addAll(out);
    return withInits;
  }

  private void reverse(Assign assign, Block block, List<BackStmt> out) {
    Var target = assign.target();
    boolean isResult = target.equals(function.result());
    if (!activity.isActive(target) || (!isResult && !declared.contains(target))) {
      return; // inactive, or nothing flowed back into it: every contribution would be zero
    }
    String adjoint = isResult ? seed : adjointName(target);
    var operands = assign.value().operands();
    for (int i = 0; i < operands.size(); i++) {
      Operand operand = operands.get(i);
      if (activity.isActive(operand)
          && DerivativeRules.flow(assign.value(), i) == Flow.DIFFERENTIABLE) {
        String contribution =
            DerivativeRules.contribution(assign.value(), i, target.name(), adjoint);
        accumulate((Var) operand, contribution, assign, block, out);
      }
    }
  }

  private void reverse(If branch, List<BackStmt> out) {
    List<BackStmt> then = reverse(branch.then());
    List<BackStmt> otherwise = reverse(branch.otherwise());
    if (then.isEmpty() && otherwise.isEmpty()) {
      return;
    }
    if (branch.condition() instanceof Var condition) {
      readByBackward.add(condition);
    }
    out.add(new BackIf(branch.condition().toString(), then, otherwise, branch.origin()));
  }

  private void accumulate(Var v, String contribution, Assign from, Block current,
      List<BackStmt> out) {
    boolean declares = false;
    if (!declared.contains(v)) {
      declared.add(v);
      Block vHome = home.get(v);
      if (vHome == current) {
        declares = true;
      } else {
        zeroInits.computeIfAbsent(vHome, b -> new LinkedHashSet<>()).add(v);
      }
    }
    readByBackward.add(from.target());
    for (Operand operand : from.value().operands()) {
      if (operand instanceof Var read) {
        readByBackward.add(read);
      }
    }
    out.add(new Accumulate(adjointName(v), contribution, declares, from.origin()));
  }

  private String adjointName(Var v) {
    return adjointNames.computeIfAbsent(v, x -> function.names().fresh("d" + x.name()));
  }
}
