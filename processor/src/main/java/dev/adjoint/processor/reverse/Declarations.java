package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Makes the declarations of a method's variables explicit, so that the printer only prints: a
 * variable is declared where it is first assigned ({@code double t = ...}), a {@code Declare}
 * without a value gets its type's zero inside a loop, and a variable first assigned inside a
 * branch or loop is declared at the top of the method with its type's zero when it is read after
 * that scope ends (as {@code readAfter} says: by a backward sweep, by a push of its old value) or
 * assigned in two blocks. Only the {@code managed} variables are touched; the sweeps' own
 * statements declare theirs already.
 */
public final class Declarations {
  private final LoopFacts loops;
  private final Set<Var> managed;
  private final Set<Var> declared = new HashSet<>();

  private Declarations(LoopFacts loops, Set<Var> managed, Set<Var> parameters) {
    this.loops = loops;
    this.managed = managed;
    declared.addAll(parameters);
  }

  /**
   * The variables to declare at the top (each with its type's zero, in program order) followed
   * by {@code body} with its first assignments turned into declarations.
   *
   * @param loops where the variables of {@code body} sit
   * @param managed the variables this pass declares
   * @param parameters the method's parameters, declared already
   * @param readAfter variables read after the scope of their first assignment ends
   */
  public static List<Stmt> of(Block body, LoopFacts loops, Set<Var> managed, Set<Var> parameters,
      Predicate<Var> readAfter) {
    Declarations pass = new Declarations(loops, managed, parameters);
    List<Stmt> out = new ArrayList<>();
    for (Var v : pass.hoisted(body, readAfter)) {
      pass.declared.add(v);
      out.add(new Declare(v, zero(v.type())));
    }
    out.addAll(pass.block(body).statements());
    return out;
  }

  /** The body of {@code function} itself, its variables declared: the primal as a method. */
  public static Block ofPrimal(Function function) {
    Set<Var> managed = new LinkedHashSet<>();
    Statements.forEach(function.body(), stmt -> managed.addAll(Statements.vars(stmt)));
    Set<Var> parameters = new HashSet<>();
    function.params().forEach(p -> parameters.add(p.var()));
    return new Block(of(function.body(), LoopFacts.of(function), managed, parameters, v -> false));
  }

  private Set<Var> hoisted(Block root, Predicate<Var> readAfter) {
    // the blocks that assign or declare each variable, in program order
    Map<Var, Set<Block>> blocks = new LinkedHashMap<>();
    Statements.forEachWithPlace(root, (stmt, place) -> {
      Var v = stmt instanceof Assign assign ? assign.target()
          : stmt instanceof Declare declare ? declare.var() : null;
      if (v != null && managed.contains(v)) {
        blocks.computeIfAbsent(v, x -> Collections.newSetFromMap(new IdentityHashMap<>()))
            .add(place.block());
      }
    });
    Set<Var> hoisted = new LinkedHashSet<>();
    blocks.forEach((v, where) -> {
      boolean nested = !where.contains(root);
      if (nested && !loops.isCounter(v) && !declared.contains(v)
          && (readAfter.test(v) || where.size() > 1)) {
        hoisted.add(v);
      }
    });
    return hoisted;
  }

  private Block block(Block block) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      Stmt declared = statement(stmt);
      if (declared != null) {
        out.add(declared);
      }
    }
    return new Block(out);
  }

  /** The statement with its declaration made explicit, or null for a redundant one. */
  private Stmt statement(Stmt stmt) {
    if (stmt instanceof Declare declare && managed.contains(declare.var())) {
      Var v = declare.var();
      if (!declared.add(v)) {
        return null;
      }
      return declare.init() == null && loops.isDeclaredInLoop(v)
          ? new Declare(v, zero(v.type()), declare.origin()) : declare;
    }
    if (stmt instanceof Assign assign && managed.contains(assign.target())
        && declared.add(assign.target())) {
      return new Declare(assign.target(), assign.value(), assign.origin());
    }
    if (stmt instanceof If branch) {
      return new If(branch.condition(), block(branch.then()), block(branch.otherwise()),
          branch.origin());
    }
    if (stmt instanceof Loop loop) {
      return new Loop(block(loop.header()), loop.test(), block(loop.body()), loop.testAtEnd(),
          loop.counted(), loop.origin());
    }
    return stmt; // a backward sweep's loop (in a fused loop) declares its own
  }

  /** {@code 0.0}, {@code 0}, {@code false}, {@code null}: a type's default value. */
  static Expr zero(Type type) {
    return new Copy(new Constant(type, type.zero()));
  }
}
