package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A constant factor that every contribution reading an adjoint applies to it is applied once,
 * in the adjoint's declaration. The square rule's {@code 2} on both branches of a fan-out,
 * {@code double dt11 = t12 * t12 * -dt12; ... double ddy = 2 * (dy * dt10); ... double ddx =
 * 2 * (dx * dt8);} (with {@code dt10} and {@code dt8} copies of {@code dt11}), becomes
 * {@code double dt11 = t12 * t12 * (-2 * dt12); ... double ddy = dy * dt10; ... double ddx =
 * dx * dt8;}: one multiplication instead of one per reader, and none at all in a loop when the
 * factor lands on an adjoint the loop does not change, as a person writing
 * {@code g = -2 * seed * q * q} folds it.
 *
 * <p>Only a power of two moves, and only onto an adjoint read as a factor of a product or of a
 * quotient's numerator: scaling by a power of two commutes with rounding, so every reader gets
 * the same bits as before but where a scaled value overflows or is subnormal (the precedent of
 * {@link dev.adjoint.processor.rules.DerivativeRules#scaledSquare}). Only when there are at
 * least two readers (with one, the multiplication would only move), all in the adjoint's block,
 * reading it directly or through copies declared there ({@code double dt10 = dt11;}) that
 * nothing writes again. Applied to the printed pullback and HVP.
 */
public final class CommonFactors {
  private CommonFactors() {}

  public static Pullback of(Pullback pullback) {
    return pullback.withBody(of(pullback.body()));
  }

  /** {@code block} with the factors common to an adjoint's readers moved into the adjoint. */
  public static Block of(Block block) {
    List<Stmt> out = new ArrayList<>();
    boolean changed = false;
    for (Stmt stmt : block.statements()) {
      Stmt mapped = Statements.mapBlocks(stmt, CommonFactors::of);
      changed |= mapped != stmt;
      out.add(mapped);
    }
    for (int i = 0; i < out.size(); i++) {
      changed |= moveInto(out, i);
    }
    return changed ? new Block(out) : block;
  }

  /** Moves the factor common to the readers of the adjoint {@code out.get(i)} declares into it. */
  private static boolean moveInto(List<Stmt> out, int i) {
    if (!(out.get(i) instanceof Accumulate definition) || !definition.declares()
        || definition.intoElement() || definition.target().type() != Type.DOUBLE) {
      return false;
    }
    Map<Integer, Operand> readers = new TreeMap<>(); // statement index -> its value, unscaled
    Double factor = commonFactor(out, i, definition.target(), readers, null);
    if (factor == null || readers.size() < 2) {
      return false;
    }
    out.set(i, new Accumulate(definition.target(), scaled(definition.value(), factor), true,
        definition.origin()));
    readers.forEach((j, value) -> {
      Accumulate reader = (Accumulate) out.get(j);
      out.set(j, new Accumulate(reader.target(), reader.indices(), value, reader.declares(),
          reader.origin()));
    });
    return true;
  }

  /**
   * The power of two every reader of {@code v} after {@code out.get(at)} multiplies it by, through
   * copies, given {@code factor} found so far (null for none yet), each reader's value without it
   * put in {@code readers}; null if a statement reads {@code v} otherwise, or writes it.
   */
  private static Double commonFactor(List<Stmt> out, int at, Var v, Map<Integer, Operand> readers,
      Double factor) {
    for (int j = at + 1; j < out.size(); j++) {
      if (!Statements.mentioned(out.get(j)).contains(v)) {
        continue;
      }
      if (!(out.get(j) instanceof Accumulate reader) || reader.target().equals(v)
          || Exprs.vars(reader.indices()).contains(v)) {
        return null;
      }
      if (reader.value().equals(v) && reader.declares() && !reader.intoElement()) {
        factor = commonFactor(out, j, reader.target(), readers, factor); // a copy: its readers
      } else {
        Scaled scaled = Scaled.of(reader.value());
        if (scaled == null || (factor != null && scaled.factor() != factor)
            || !FoldedNegations.factor(scaled.rest(), v, false)) {
          return null;
        }
        factor = scaled.factor();
        readers.put(j, scaled.rest());
      }
      if (factor == null) {
        return null;
      }
    }
    return factor;
  }

  /**
   * A product with a power of two among its factors (through products, quotients' numerators and
   * negations): {@code factor}, and {@code rest} the product without it.
   */
  private record Scaled(double factor, Operand rest) {
    static Scaled of(Operand value) {
      Operand negated = FoldedNegations.negated(value);
      if (negated != null) {
        Scaled inner = of(negated);
        return inner == null ? null : new Scaled(inner.factor(),
            new Nested(new Unary(Unary.Op.NEG, inner.rest()), value.type()));
      }
      if (!(value instanceof Nested nested && nested.expr() instanceof Binary binary
          && (binary.op() == Binary.Op.MUL || binary.op() == Binary.Op.DIV))) {
        return null;
      }
      boolean product = binary.op() == Binary.Op.MUL;
      if (product && powerOfTwo(binary.a()) != null) {
        return new Scaled(powerOfTwo(binary.a()), binary.b());
      }
      if (product && powerOfTwo(binary.b()) != null) {
        return new Scaled(powerOfTwo(binary.b()), binary.a());
      }
      Scaled inA = of(binary.a());
      if (inA != null) {
        return new Scaled(inA.factor(),
            new Nested(new Binary(binary.op(), inA.rest(), binary.b()), nested.type()));
      }
      Scaled inB = product ? of(binary.b()) : null;
      return inB == null ? null : new Scaled(inB.factor(),
          new Nested(new Binary(binary.op(), binary.a(), inB.rest()), nested.type()));
    }

    /** The value of {@code operand} if it is a number literal ± 2^k (k ≠ 0), else null. */
    private static Double powerOfTwo(Operand operand) {
      if (!(operand instanceof Constant c) || c.value() == null || Math.abs(c.value()) == 1
          || !Double.isFinite(c.value()) || Math.abs(c.value()) < Double.MIN_NORMAL) {
        return null;
      }
      long mantissa = Double.doubleToRawLongBits(c.value()) & 0xF_FFFF_FFFF_FFFFL;
      return mantissa == 0 ? c.value() : null;
    }
  }

  /**
   * {@code value * factor}, the factor put on the last factor of a product (the incoming
   * adjoint, in the derivative rules' products) or a quotient's numerator, folded into a
   * negation ({@code -2 * dt12} for {@code -dt12}) or a constant, or cancelled against the
   * same factor of a divisor ({@code dt7 / t7} for {@code dt7 / (2 * t7)}).
   */
  private static Operand scaled(Operand value, double factor) {
    if (value instanceof Constant c && c.value() != null && Double.isFinite(c.value() * factor)) {
      return Constant.number(c.value() * factor);
    }
    if (value instanceof Nested nested && nested.expr() instanceof Binary binary
        && (binary.op() == Binary.Op.MUL || binary.op() == Binary.Op.DIV)) {
      Scaled divisor = binary.op() == Binary.Op.DIV ? Scaled.of(binary.b()) : null;
      if (divisor != null && divisor.factor() == factor) { // the sqrt rule's dt / (2 * t) for 2
        return new Nested(new Binary(Binary.Op.DIV, binary.a(), divisor.rest()), nested.type());
      }
      Binary product = binary.op() == Binary.Op.MUL
          ? new Binary(binary.op(), binary.a(), scaled(binary.b(), factor))
          : new Binary(binary.op(), scaled(binary.a(), factor), binary.b());
      return new Nested(product, nested.type());
    }
    Operand negated = FoldedNegations.negated(value);
    if (negated != null) {
      return scaled(negated, -factor);
    }
    return new Nested(new Binary(Binary.Op.MUL, Constant.number(factor), value), value.type());
  }
}
