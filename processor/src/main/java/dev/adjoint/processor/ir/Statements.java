package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Walks statements in program order, into branches and loops, and says what each names. */
public final class Statements {
  private Statements() {}

  public static void forEach(Block block, Consumer<Stmt> action) {
    forEach(block.statements(), action);
  }

  public static void forEach(List<Stmt> statements, Consumer<Stmt> action) {
    for (Stmt stmt : statements) {
      forEach(stmt, action);
    }
  }

  /** Where a statement sits: the block that holds it and the loops around it, outermost first. */
  public record Place(Block block, List<Loop> loops) {
    public boolean inLoop() {
      return !loops.isEmpty();
    }

    /** The body of the innermost loop around the statement, or null outside loops. */
    public Block loopBody() {
      return loops.isEmpty() ? null : loops.get(loops.size() - 1).body();
    }
  }

  /**
   * Every statement of {@code body} in program order, with its {@link Place}: the statements of
   * the primal and of a forward sweep; a backward sweep's loops ({@link ReverseLoop}) are not
   * entered.
   */
  public static void forEachWithPlace(Block body, BiConsumer<Stmt, Place> action) {
    walk(body, List.of(), action);
  }

  private static void walk(Block block, List<Loop> loops, BiConsumer<Stmt, Place> action) {
    Place place = new Place(block, loops);
    for (Stmt stmt : block.statements()) {
      action.accept(stmt, place);
      if (stmt instanceof If branch) {
        walk(branch.then(), loops, action);
        walk(branch.otherwise(), loops, action);
      } else if (stmt instanceof Loop loop) {
        List<Loop> inner = new ArrayList<>(loops);
        inner.add(loop);
        walk(loop.header(), List.copyOf(inner), action);
        walk(loop.body(), List.copyOf(inner), action);
      }
    }
  }

  /**
   * {@code stmt} with each block directly nested in it (a branch's two, a loop's header and
   * body, a backward loop's body) replaced by what {@code f} gives for it; any other statement,
   * or one for whose blocks {@code f} gives the same blocks back, itself (so statements no
   * rewrite touched keep their identity). For passes that rewrite statements wherever they sit.
   */
  public static Stmt mapBlocks(Stmt stmt, UnaryOperator<Block> f) {
    if (stmt instanceof If branch) {
      Block then = f.apply(branch.then());
      Block otherwise = f.apply(branch.otherwise());
      return then == branch.then() && otherwise == branch.otherwise() ? stmt
          : new If(branch.condition(), then, otherwise, branch.origin());
    }
    if (stmt instanceof Loop loop) {
      Block header = f.apply(loop.header());
      Block body = f.apply(loop.body());
      return header == loop.header() && body == loop.body() ? stmt
          : new Loop(header, loop.test(), body, loop.testAtEnd(), loop.counted(), loop.origin());
    }
    if (stmt instanceof ReverseLoop loop) {
      Block body = f.apply(loop.body());
      return body == loop.body() ? stmt : loop.withBody(body);
    }
    return stmt;
  }

  /**
   * {@code block} with {@code f} applied to each of its statements: itself if {@code f} gave
   * every statement back (so blocks no rewrite touched keep their identity), else a new block.
   */
  public static Block mapEach(Block block, UnaryOperator<Stmt> f) {
    List<Stmt> out = new ArrayList<>();
    boolean changed = false;
    for (Stmt stmt : block.statements()) {
      Stmt mapped = f.apply(stmt);
      changed |= mapped != stmt;
      out.add(mapped);
    }
    return changed ? new Block(out) : block;
  }

  /** {@code stmt}, then the statements nested in it. */
  public static void forEach(Stmt stmt, Consumer<Stmt> action) {
    action.accept(stmt);
    if (stmt instanceof If branch) {
      forEach(branch.then(), action);
      forEach(branch.otherwise(), action);
    } else if (stmt instanceof Loop loop) {
      forEach(loop.header(), action);
      forEach(loop.body(), action);
    } else if (stmt instanceof ReverseLoop loop) {
      forEach(loop.body(), action);
    }
  }

  /**
   * The variables one statement names itself, read or written (not those of statements nested
   * in it), nested operations included: an assignment's target and operands, a store's array,
   * indices and value, a branch's condition, a loop's test and bounds, and so on.
   */
  public static Set<Var> vars(Stmt stmt) {
    return Exprs.vars(operands(stmt));
  }

  /**
   * The operands one statement names itself (not those of statements nested in it): an
   * assignment's target and its value's operands, a store's array, indices and value, a branch's
   * condition, a loop's test and bounds, and so on.
   */
  public static List<Operand> operands(Stmt stmt) {
    List<Operand> named = new ArrayList<>();
    if (stmt instanceof Assign assign) {
      named.add(assign.target());
      named.addAll(assign.value().operands());
    } else if (stmt instanceof Declare declare && declare.init() != null) {
      named.add(declare.var());
      named.addAll(declare.init().operands());
    } else if (stmt instanceof Store store) {
      named.add(store.array());
      named.addAll(store.indices());
      named.add(store.value());
    } else if (stmt instanceof If branch) {
      named.add(branch.condition());
    } else if (stmt instanceof Loop loop) {
      if (loop.test() != null) {
        named.add(loop.test());
      }
      if (loop.counted() != null) {
        named.add(loop.counted().from());
        named.add(loop.counted().to());
      }
    } else if (stmt instanceof Accumulate add) {
      named.add(add.target());
      named.addAll(add.indices());
      named.add(add.value());
    } else if (stmt instanceof AddArray add) {
      named.add(add.target());
      named.add(add.source());
    } else if (stmt instanceof ZeroFill fill) {
      named.add(fill.array());
    } else if (stmt instanceof Push push) {
      named.add(push.value());
    } else if (stmt instanceof Reserve reserve) {
      named.add(reserve.count());
    } else if (stmt instanceof Pop pop) {
      named.add(pop.target());
      named.addAll(pop.indices());
    } else if (stmt instanceof DerivativeCall call) {
      named.addAll(call.arguments());
    } else if (stmt instanceof ReverseLoop loop) {
      for (Operand bound : new Operand[] {loop.from(), loop.last(), loop.trips()}) {
        if (bound != null) {
          named.add(bound);
        }
      }
    }
    return named;
  }

  /**
   * {@code stmt} with {@code f} applied to each operand it reads itself (not an assignment's
   * target, nor the statements nested in it): an assignment's or a declaration's value, a
   * store's indices and value, a branch's condition, a loop's test and bounds; any other
   * statement as it is. For the primal's statements.
   */
  public static Stmt withReads(Stmt stmt, UnaryOperator<Operand> f) {
    if (stmt instanceof Assign assign) {
      return new Assign(assign.target(), Exprs.map(assign.value(), f), assign.origin());
    }
    if (stmt instanceof Declare declare && declare.init() != null) {
      return new Declare(declare.var(), Exprs.map(declare.init(), f), declare.origin());
    }
    if (stmt instanceof Store store) {
      return new Store(store.array(), store.indices().stream().map(f).toList(),
          f.apply(store.value()), store.compound(), store.origin());
    }
    if (stmt instanceof If branch) {
      return new If(f.apply(branch.condition()), branch.then(), branch.otherwise(),
          branch.origin());
    }
    if (stmt instanceof Loop loop) {
      Loop.Counted counted = loop.counted() == null ? null : new Loop.Counted(
          loop.counted().index(), f.apply(loop.counted().from()),
          f.apply(loop.counted().to()), loop.counted().inclusive(), loop.counted().step());
      return new Loop(loop.header(), loop.test() == null ? null : f.apply(loop.test()),
          loop.body(), loop.testAtEnd(), counted, loop.origin());
    }
    return stmt;
  }

  /** The variables {@code stmt} and the statements nested in it name. */
  public static Set<Var> mentioned(Stmt stmt) {
    Set<Var> vars = new java.util.LinkedHashSet<>();
    forEach(stmt, s -> vars.addAll(vars(s)));
    return vars;
  }

  public static void forEachAssign(Block block, Consumer<Assign> action) {
    forEach(block, stmt -> {
      if (stmt instanceof Assign assign) {
        action.accept(assign);
      }
    });
  }
}
