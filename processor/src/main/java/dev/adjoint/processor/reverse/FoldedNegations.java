package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;

/**
 * An adjoint that is the negation of another, {@code double dt7 = -da;} (a subtraction's right
 * operand), is folded into the contributions that read it as a factor:
 * {@code dt5 += 2 * (t5 * dt7);} becomes {@code dt5 -= 2 * (t5 * da);}, and
 * {@code dx[i] += dt10;} becomes {@code dx[i] -= da;}. The negation, a separate operation in the
 * compiled loop, goes, as a person writing the gradient never writes it. Exact: a sign moves out
 * of a product or quotient and {@code a + -b} is {@code a - b}, bit for bit.
 *
 * <p>Only when every read of the negated adjoint is such a factor in a contribution of the same
 * block, nothing between writes the adjoint negated, and at most one of those contributions
 * declares its target: the negation then moves into that declaration ({@code double dt3 = -dt4;}
 * for {@code double dt3 = ddot;}), and from there on, never becoming two. Applied to the printed
 * pullback and HVP.
 */
public final class FoldedNegations {
  private FoldedNegations() {}

  public static Pullback of(Pullback pullback) {
    return pullback.withBody(of(pullback.body()));
  }

  /** {@code block} with its negated adjoints folded (the HVP's body: its tangents' too). */
  public static Block of(Block block) {
    Block nested = Statements.mapEach(block, s -> Statements.mapBlocks(s, FoldedNegations::of));
    List<Stmt> out = new ArrayList<>(nested.statements());
    boolean changed = false;
    for (int i = 0; i < out.size(); i++) {
      if (fold(out, i)) { // a contribution folded into may be a negation now: it comes later
        changed = true;
        i--;
      } else {
        changed |= cancel(out, i);
      }
    }
    return changed ? new Block(out) : nested;
  }

  /**
   * {@code double ddot = -dt4;} where {@code dt4} is declared before in the block to be read
   * there alone, and a negation is found down the chain of such single-use products it is
   * made of ({@code dt4 = t5 * dt5}, {@code dt5 = dt6}, {@code dt6 = value * value * -seed}, the
   * sigmoid's): the two negations cancel ({@code dt6 = value * value * seed},
   * {@code ddot = dt4}). Exact: a sign moves through products and quotients bit for bit.
   */
  private static boolean cancel(List<Stmt> out, int i) {
    if (!(out.get(i) instanceof Accumulate negation) || !negation.declares()
        || negation.intoElement() || !(negated(negation.value()) instanceof Var negated)
        || !negatesDefinition(out, i, negated)) {
      return false;
    }
    out.set(i, new Accumulate(negation.target(), negated, true, negation.origin()));
    return true;
  }

  /**
   * Negates the declaration of {@code v} before {@code out.get(use)}, if {@code v} is read there
   * alone and a negation down its chain of single-use products can be dropped; whether it did.
   */
  private static boolean negatesDefinition(List<Stmt> out, int use, Var v) {
    int at = -1;
    for (int j = 0; j < out.size(); j++) {
      Stmt stmt = out.get(j);
      if (j != use && Statements.mentioned(stmt).contains(v)) {
        if (at >= 0 || j > use || !(stmt instanceof Accumulate definition)
            || !definition.declares() || !definition.target().equals(v)
            || definition.intoElement()) {
          return false; // read elsewhere, or not one declaration before its use
        }
        at = j;
      }
    }
    if (at < 0) {
      return false;
    }
    Accumulate definition = (Accumulate) out.get(at);
    Operand dropped = withoutANegation(definition.value());
    if (dropped != null) {
      out.set(at, new Accumulate(v, dropped, true, definition.origin()));
      return true;
    }
    for (Var factor : Exprs.vars(definition.value())) {
      if (factor(definition.value(), factor, true) && negatesDefinition(out, at, factor)) {
        return true;
      }
    }
    return false;
  }

  /** {@code value} with one negation among its factors dropped, or null if it has none. */
  private static Operand withoutANegation(Operand value) {
    Operand inner = negated(value);
    if (inner != null) {
      return inner;
    }
    if (value instanceof Nested nested && nested.expr() instanceof Binary binary
        && (binary.op() == Binary.Op.MUL || binary.op() == Binary.Op.DIV)) {
      Operand a = withoutANegation(binary.a());
      if (a != null) {
        return new Nested(new Binary(binary.op(), a, binary.b()), nested.type());
      }
      Operand b = withoutANegation(binary.b());
      if (b != null) {
        return new Nested(new Binary(binary.op(), binary.a(), b), nested.type());
      }
    }
    return null;
  }

  /** Folds {@code out.get(i)} into the contributions after it if it is a negation that can go. */
  private static boolean fold(List<Stmt> out, int i) {
    if (!(out.get(i) instanceof Accumulate negation) || !negation.declares()
        || negation.intoElement() || !(negated(negation.value()) instanceof Var negated)) {
      return false;
    }
    Var adjoint = negation.target();
    List<Integer> uses = new ArrayList<>();
    for (int j = i + 1; j < out.size(); j++) {
      Stmt stmt = out.get(j);
      if (Statements.mentioned(stmt).contains(adjoint)) {
        if (!(stmt instanceof Accumulate use) || use.target().equals(adjoint)
            || Exprs.vars(use.indices()).contains(adjoint) || !factor(use.value(), adjoint, true)) {
          return false;
        }
        uses.add(j);
      }
    }
    long declaring = uses.stream().filter(j -> ((Accumulate) out.get(j)).declares()).count();
    if (uses.isEmpty() || declaring > 1) { // each declaration would keep a negation of its own
      return false;
    }
    int last = uses.get(uses.size() - 1);
    for (int j = i + 1; j < last; j++) {
      if (BackStmts.writes(out.get(j), negated)) {
        return false;
      }
    }
    for (int j : uses) {
      Accumulate use = (Accumulate) BackStmts.renamed(out.get(j), adjoint, negated);
      out.set(j, new Accumulate(use.target(), use.indices(), negate(use.value()),
          use.declares(), use.origin()));
    }
    out.remove(i);
    return true;
  }

  /** {@code a} of {@code -a}, or null. */
  static Operand negated(Operand operand) {
    return operand instanceof Nested nested && nested.expr() instanceof Unary unary
        && unary.op() == Unary.Op.NEG ? unary.a() : null;
  }

  /**
   * Whether {@code v} occurs in {@code value} once, as {@code value} itself or a factor of it:
   * through products, quotients ({@code divisors}: their divisors too) and negations only, so
   * that its sign (or, not through a divisor, a power of two) can move out.
   */
  static boolean factor(Operand value, Var v, boolean divisors) {
    if (value.equals(v)) {
      return true;
    }
    if (!(value instanceof Nested nested)) {
      return false;
    }
    if (nested.expr() instanceof Unary unary && unary.op() == Unary.Op.NEG) {
      return factor(unary.a(), v, divisors);
    }
    if (nested.expr() instanceof Binary binary
        && (binary.op() == Binary.Op.MUL || binary.op() == Binary.Op.DIV)) {
      boolean inA = Exprs.vars(binary.a()).contains(v);
      boolean inB = Exprs.vars(binary.b()).contains(v);
      return inA != inB && (inA || divisors || binary.op() == Binary.Op.MUL)
          && factor(inA ? binary.a() : binary.b(), v, divisors);
    }
    return false;
  }

  /** {@code -value}, without a double negation. */
  private static Operand negate(Operand value) {
    Operand inner = negated(value);
    return inner != null ? inner : new Nested(new Unary(Unary.Op.NEG, value), value.type());
  }
}
