package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.Zeros;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** What the passes over the backward sweep ask of its statements. */
final class BackStmts {
  private BackStmts() {}

  /** The variable a statement declares in its block, or null. */
  static Var declared(Stmt stmt) {
    if (stmt instanceof Declare declare) {
      return declare.var();
    }
    if (stmt instanceof Accumulate add && add.declares()) {
      return add.target();
    }
    return null;
  }

  /**
   * The variables declared in {@code block} and the blocks nested in it, the counters of its
   * counted loops too.
   */
  static Set<Var> declaredIn(Block block) {
    Set<Var> declared = new HashSet<>();
    Statements.forEach(block, stmt -> {
      Var v = declared(stmt);
      if (v != null) {
        declared.add(v);
      }
      Loop inner = stmt instanceof Loop loop ? loop
          : stmt instanceof ReverseLoop loop ? loop.loop() : null;
      if (inner != null && inner.counted() != null) {
        declared.add(inner.counted().index());
      }
    });
    return declared;
  }

  /** {@code double dq = 0.0;} or {@code double[] dy = new double[y.length];}. */
  static boolean isZeroInit(Stmt stmt) {
    return stmt instanceof Declare declare
        && (declare.init() instanceof Zeros
            || declare.init() instanceof Copy copy && copy.a() instanceof Constant c && c.is(0));
  }

  /** True if {@code stmt} may write {@code v}: exactly for contributions, else any mention. */
  static boolean writes(Stmt stmt, Var v) {
    if (stmt instanceof Accumulate add) {
      return add.target().equals(v);
    }
    if (isZeroInit(stmt)) {
      return ((Declare) stmt).var().equals(v);
    }
    return Statements.mentioned(stmt).contains(v);
  }

  /**
   * The arrays whose elements a straight-line statement reads or resets (the array a
   * contribution adds into is not read by it).
   */
  static Set<Var> elementsRead(Stmt stmt) {
    Set<Var> arrays = new LinkedHashSet<>();
    List<Operand> operands = new ArrayList<>();
    if (stmt instanceof Accumulate add) {
      operands.add(add.value());
      operands.addAll(add.indices());
    } else if (stmt instanceof Declare declare && declare.init() != null) {
      if (declare.init() instanceof Load load) {
        arrays.add(load.array());
      }
      operands.addAll(declare.init().operands());
    } else if (stmt instanceof Store reset) {
      arrays.add(reset.array());
      operands.addAll(reset.indices());
    }
    operands.forEach(o -> Exprs.forEachNested(o, e -> {
      if (e instanceof Load load) {
        arrays.add(load.array());
      }
    }));
    return arrays;
  }

  /**
   * The arrays of {@code body} assigned to one another ({@code double[] h = next},
   * {@code double[] row = m[i]}): their elements may be one another's.
   */
  static Set<Var> sharedArrays(Block body) {
    return ArrayAliases.of(body).shared();
  }

  /**
   * {@code block} with the blocks nested in each statement rewritten first, then each statement
   * replaced by the statements {@code f} gives for it, or kept where it gives null.
   */
  static Block spliced(Block block, Function<Stmt, List<Stmt>> f) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      Stmt done = Statements.mapBlocks(stmt, b -> spliced(b, f));
      List<Stmt> replaced = f.apply(done);
      if (replaced == null) {
        out.add(done);
      } else {
        out.addAll(replaced);
      }
    }
    return new Block(out);
  }

  /**
   * Whether {@code stmt} and what is nested in it only compute, add, store, branch and loop:
   * nothing pushed, popped, reserved or called, no trip count popped.
   */
  static boolean untaped(Stmt stmt) {
    boolean[] plain = {true};
    Statements.forEach(stmt, s -> plain[0] &= s instanceof Comment || s instanceof Accumulate
        || s instanceof Store || s instanceof If || s instanceof Loop
        || s instanceof ReverseLoop loop && !loop.tripsOnTape()
        || s instanceof Declare declare && !(declare.init() instanceof Call)
        || s instanceof Assign assign && !(assign.value() instanceof Call));
    return plain[0];
  }

  /** The variables {@code stmt} assigns (not elements): a target, a declaration, a pop. */
  static Set<Var> assigned(Stmt stmt) {
    if (stmt instanceof Assign assign) {
      return Set.of(assign.target());
    }
    if (stmt instanceof Declare declare) {
      return Set.of(declare.var());
    }
    if (stmt instanceof Accumulate add && !add.intoElement()) {
      return Set.of(add.target());
    }
    if (stmt instanceof Pop pop) {
      return Set.of(pop.target());
    }
    return Set.of();
  }

  /**
   * The body of a loop that becomes the inner one of an interchanged nest, split: the
   * declarations that read nothing the new inner loop's {@code counter} changes, and whose
   * variable nothing assigns again, go before that loop ({@code first}); the rest, in order,
   * inside it ({@code inside}). Comments are dropped.
   */
  static Hoisted hoisted(List<Stmt> statements, Var counter) {
    Set<Var> rewritten = new HashSet<>();
    for (Stmt stmt : statements) {
      if (declared(stmt) == null) {
        rewritten.addAll(assigned(stmt));
      }
    }
    List<Stmt> first = new ArrayList<>();
    List<Stmt> inside = new ArrayList<>();
    Set<Var> varying = new HashSet<>(List.of(counter));
    for (Stmt stmt : statements) {
      Var declared = declared(stmt);
      if (stmt instanceof Comment) {
        continue;
      }
      if (declared != null && !rewritten.contains(declared)
          && Statements.vars(stmt).stream().noneMatch(varying::contains)) {
        first.add(stmt);
      } else {
        varying.addAll(assigned(stmt));
        inside.add(stmt);
      }
    }
    return new Hoisted(first, inside);
  }

  /** Whether a counted forward loop runs at least once: its first index against its bound. */
  static Operand runs(Loop.Counted counted) {
    Binary.Op test = counted.downward() ? (counted.inclusive() ? Binary.Op.GE : Binary.Op.GT)
        : (counted.inclusive() ? Binary.Op.LE : Binary.Op.LT);
    return new Nested(new Binary(test, counted.from(), counted.to()), Type.BOOLEAN);
  }

  /**
   * Whether a counted backward loop runs at least once: its last index against its first, which
   * reads nothing differentiated (so the HVP's tangent of the sweep keeps the test as it is).
   */
  static Operand runs(ReverseLoop loop) {
    return new Nested(new Binary(loop.loop().counted().downward() ? Binary.Op.LE : Binary.Op.GE,
        loop.last(), loop.from()), Type.BOOLEAN);
  }

  /** What {@link #hoisted} gives: statements before the inner loop, and its body. */
  record Hoisted(List<Stmt> first, List<Stmt> inside) {}

  /**
   * {@code stmt} (a declaration, an assignment, a contribution or a store) reading {@code to}
   * where it read {@code from}; any other statement as it is.
   */
  static Stmt renamed(Stmt stmt, Var from, Var to) {
    return mapped(stmt, Exprs.substituting(v -> v.equals(from) ? to : null),
        UnaryOperator.identity());
  }

  /**
   * {@code stmt} (a declaration, an assignment, a contribution or a store) with {@code f}
   * applied to each operand it reads, and {@code values} to the value a declaration or an
   * assignment computes; any other statement as it is.
   */
  static Stmt mapped(Stmt stmt, UnaryOperator<Operand> f, UnaryOperator<Expr> values) {
    if (stmt instanceof Declare declare && declare.init() != null) {
      return new Declare(declare.var(), values.apply(Exprs.map(declare.init(), f)),
          declare.origin());
    }
    if (stmt instanceof Assign assign) {
      return new Assign(assign.target(), values.apply(Exprs.map(assign.value(), f)),
          assign.origin());
    }
    if (stmt instanceof Accumulate add) {
      return new Accumulate(add.target(), add.indices().stream().map(f).toList(),
          f.apply(add.value()), add.declares(), add.origin());
    }
    if (stmt instanceof Store store) {
      return new Store(store.array(), store.indices().stream().map(f).toList(),
          f.apply(store.value()), store.compound(), store.origin());
    }
    return stmt;
  }

  /** The load of {@code double d = row[e];}, a read of one element of {@code row}; or null. */
  static Load elementRead(Stmt stmt, Var row) {
    return stmt instanceof Accumulate declare && declare.declares() && !declare.intoElement()
        && declare.value() instanceof Nested nested && nested.expr() instanceof Load load
        && load.array().equals(row) && load.indices().size() == 1 ? load : null;
  }

  /** How many statements of {@code whole} name {@code v} themselves. */
  static int naming(Block whole, Var v) {
    int[] count = {0};
    Statements.forEach(whole, s -> count[0] += Statements.vars(s).contains(v) ? 1 : 0);
    return count[0];
  }

  /** {@code pullback} with {@code body}, the declarations of {@code gone} taken out of it. */
  static Pullback withoutDeclarations(Pullback pullback, Block body, Set<Var> gone) {
    return gone.isEmpty() ? pullback.withBody(body)
        : pullback.withBody(spliced(body, stmt -> stmt instanceof Declare declare
            && gone.contains(declare.var()) ? List.of() : null));
  }
}
