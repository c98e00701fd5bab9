package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Cast;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * An adjoint row that one loop fills with a map of values that stay put, and that is then only
 * read until a last loop reads and resets each element, is computed where it is read instead of
 * stored: GMM's {@code for (id) dqxRow[id] += 2 * (qx[ik][id] * dsqnorm);}, read as
 * {@code dqxRow[j]} in the triangle's backward loop and as {@code dqxRow[id]} (then reset) in the
 * last one, becomes {@code double dt19 = 2 * (qx[ik][j] * dsqnorm);} at each read (under the
 * comment of the line that made it), and the loop and the row go, as a person writes
 * {@code w * qk[j]} where it is needed.
 *
 * <p>Exact but for the sign of a zero: the row is zero whenever the filling loop starts (each of
 * its elements is reset by the last loop, which runs over the whole row, and nothing else writes
 * it), that loop adds into every element once, and nothing between it and the reads changes what
 * the map reads (no array it reads may be another's); so a read gave {@code 0.0 + f(e)}, which is {@code f(e)} unless that is
 * {@code -0.0}. A filling loop guarded by a test ({@code if (dsqnorm != 0.0)}, an adjoint known
 * to be zero) is read as {@code test ? f(e) : 0.0}.
 */
public final class MappedRows {
  private final Block whole;
  private final Set<Var> shared;

  private MappedRows(Block whole) {
    this.whole = whole;
    this.shared = BackStmts.sharedArrays(whole);
  }

  public static Pullback of(Pullback pullback) {
    Block body = pullback.body();
    MappedRows pass = new MappedRows(body);
    Set<Var> gone = new HashSet<>();
    return BackStmts.withoutDeclarations(pullback, pass.block(body, gone), gone);
  }

  /**
   * A filling loop: {@code row[index] += value} for every index of the row, {@code value} with
   * the loop's own locals written out (it reads nothing declared inside the fill, which the
   * reads after it could not see); under {@code guard} if not null.
   */
  private record Fill(Var row, Var index, Operand length, Operand value, Operand guard,
      Origin origin) {}

  /** {@code block} with its filled rows computed at their reads; the rows that went into gone. */
  private Block block(Block block, Set<Var> gone) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      out.add(Statements.mapBlocks(stmt, b -> block(b, gone)));
    }
    for (int k = 0; k < out.size(); k++) {
      Fill fill = fillOf(out.get(k));
      if (fill == null || gone.contains(fill.row()) || !isRow(fill.row(), fill.length())
          || Exprs.vars(fill.value()).stream().anyMatch(shared::contains)) {
        continue;
      }
      List<Stmt> window = out.subList(k + 1, out.size());
      List<Stmt> read = readInstead(window, fill);
      if (read != null) {
        window.clear();
        window.addAll(read);
        out.remove(k);
        gone.add(fill.row());
        k--;
      }
    }
    return new Block(out);
  }

  /** The fill {@code stmt} is, alone or alone in an if without else; or null. */
  private static Fill fillOf(Stmt stmt) {
    Operand guard = null;
    Stmt inner = stmt;
    if (stmt instanceof If branch && branch.otherwise().statements().isEmpty()
        && branch.then().statements().size() == 1) {
      guard = branch.condition();
      inner = branch.then().statements().get(0);
    }
    Loop.Counted counted = wholeRowLoop(inner);
    if (counted == null) {
      return null;
    }
    List<Stmt> body = withoutComments(inner instanceof Loop loop ? loop.body()
        : ((ReverseLoop) inner).body());
    if (body.isEmpty() || !(body.get(body.size() - 1) instanceof Accumulate add)
        || !add.intoElement() || add.declares()
        || !add.indices().equals(List.of(counted.index()))) {
      return null;
    }
    Map<Var, Operand> locals = new HashMap<>();
    UnaryOperator<Operand> written = Exprs.substituting(locals::get);
    for (Stmt local : body.subList(0, body.size() - 1)) {
      if (local instanceof Declare declare && declare.init() != null && isPure(declare.init())) {
        locals.put(declare.var(), declare.init() instanceof Copy copy ? written.apply(copy.a())
            : new Nested(Exprs.map(declare.init(), written), declare.var().type()));
      } else if (local instanceof Accumulate scalar && scalar.declares()
          && !scalar.intoElement()) {
        locals.put(scalar.target(), written.apply(scalar.value()));
      } else {
        return null;
      }
    }
    Operand value = written.apply(add.value());
    boolean[] pure = {true};
    Exprs.forEachNested(value, e -> pure[0] &= isPure(e));
    Set<Var> inside = new HashSet<>();
    Statements.forEach(stmt, s -> {
      Var declared = BackStmts.declared(s);
      if (declared != null) {
        inside.add(declared);
      }
    });
    return pure[0] && !Exprs.vars(value).contains(add.target())
        && Exprs.vars(value).stream().noneMatch(inside::contains)
        ? new Fill(add.target(), counted.index(), counted.to(), value, guard, add.origin())
        : null;
  }

  /** The counted loop over {@code 0 .. to - 1} {@code stmt} is, in either order; or null. */
  private static Loop.Counted wholeRowLoop(Stmt stmt) {
    Loop.Counted counted = stmt instanceof Loop loop ? loop.counted()
        : stmt instanceof ReverseLoop loop && loop.trips() == null ? loop.loop().counted() : null;
    return counted != null && counted.unitFromZero() ? counted : null;
  }

  private static List<Stmt> withoutComments(Block block) {
    return block.statements().stream().filter(s -> !(s instanceof Comment)).toList();
  }

  /** An operation that reads and computes, and has no effect: safe to evaluate again. */
  private static boolean isPure(Expr e) {
    return e instanceof Copy || e instanceof Binary || e instanceof Unary || e instanceof Load
        || e instanceof MathCall || e instanceof Cast || e instanceof Select;
  }

  /** Whether {@code row} is a local row of zeros of this length, that no other array may be. */
  private boolean isRow(Var row, Operand length) {
    if (shared.contains(row) || row.type() != Type.DOUBLE_ARRAY
        || !(length instanceof Constant || length instanceof Var v && assignments(v) == 1)) {
      return false;
    }
    boolean[] made = {false};
    Statements.forEach(whole, s -> made[0] |= s instanceof Declare declare
        && declare.var().equals(row) && declare.init() instanceof NewArray create
        && create.dimensions().equals(List.of(length)));
    return made[0];
  }

  /**
   * {@code window}, the statements after the fill, with each read of the row the value the fill
   * added and each reset gone; or null unless the window only reads the row and its last
   * statement naming the row is a loop over the whole row that reads each element before
   * resetting it, nothing up to that loop changes what the fill's value reads, and the row is
   * named nowhere else.
   */
  private List<Stmt> readInstead(List<Stmt> window, Fill fill) {
    Var row = fill.row();
    int last = -1;
    for (int j = 0; j < window.size(); j++) {
      if (Statements.mentioned(window.get(j)).contains(row)) {
        last = j;
      }
    }
    if (last < 0 || !readsThenResets(window.get(last), fill)) {
      return null;
    }
    int[] reads = {0};
    int[] resets = {0};
    boolean[] other = {false};
    Set<Var> fixed = new HashSet<>(Exprs.vars(fill.value()));
    fixed.remove(fill.index());
    if (fill.guard() != null) {
      fixed.addAll(Exprs.vars(fill.guard()));
    }
    Statements.forEach(window.subList(0, last + 1), s -> {
      if (BackStmts.elementRead(s, row) != null) {
        reads[0]++;
      } else if (isReset(s, row)) {
        resets[0]++;
      } else if (Statements.vars(s).contains(row) || changes(s, fixed)) {
        other[0] = true;
      }
    });
    if (other[0] || resets[0] == 0 || BackStmts.naming(whole, row) != 2 + reads[0] + resets[0]) {
      return null;
    }
    return BackStmts.spliced(new Block(window), s -> {
      Load load = BackStmts.elementRead(s, row);
      if (load != null) {
        Accumulate read = (Accumulate) s;
        Operand at = load.indices().get(0);
        Operand value = Exprs.substituting(v -> v.equals(fill.index()) ? at : null)
            .apply(fill.value());
        return List.of(new Accumulate(read.target(), fill.guard() == null ? value
            : new Nested(new Select(fill.guard(), value, Constant.ZERO), Type.DOUBLE), true,
            fill.origin()));
      }
      return isReset(s, row) ? List.of() : null;
    }).statements();
  }

  /**
   * Whether {@code stmt} is a loop over the whole row whose body reads {@code row[i]} (its own
   * index) and then resets it, and names the row nowhere else.
   */
  private static boolean readsThenResets(Stmt stmt, Fill fill) {
    Loop.Counted counted = wholeRowLoop(stmt);
    if (counted == null || !counted.to().equals(fill.length())) {
      return false;
    }
    List<Operand> own = List.of(counted.index());
    boolean read = false;
    boolean reset = false;
    for (Stmt s : stmt instanceof Loop loop ? loop.body().statements()
        : ((ReverseLoop) stmt).body().statements()) {
      Load load = BackStmts.elementRead(s, fill.row());
      if (load != null && load.indices().equals(own) && !reset) {
        read = true;
      } else if (isReset(s, fill.row()) && ((Store) s).indices().equals(own) && read) {
        reset = true;
      } else if (Statements.mentioned(s).contains(fill.row())) {
        return false;
      }
    }
    return reset;
  }


  private static boolean isReset(Stmt stmt, Var row) {
    return stmt instanceof Store reset && reset.array().equals(row)
        && reset.compound() == null && Constant.ZERO.equals(reset.value());
  }

  /** Whether {@code stmt} may change one of {@code fixed}, a variable or an array's elements. */
  private static boolean changes(Stmt stmt, Set<Var> fixed) {
    if (BackStmts.assigned(stmt).stream().anyMatch(fixed::contains)) {
      return true;
    }
    if (stmt instanceof Store store) {
      return fixed.contains(store.array());
    }
    if (stmt instanceof Accumulate add && add.intoElement()) {
      return fixed.contains(add.target());
    }
    if (stmt instanceof Accumulate || stmt instanceof Declare || stmt instanceof Assign
        || stmt instanceof If || stmt instanceof Loop || stmt instanceof ReverseLoop
        || stmt instanceof Comment) {
      return false;
    }
    return Statements.vars(stmt).stream().anyMatch(fixed::contains);
  }

  private int assignments(Var v) {
    int[] count = {0};
    Statements.forEach(whole, s -> count[0] += BackStmts.assigned(s).contains(v) ? 1 : 0);
    return count[0];
  }

}
