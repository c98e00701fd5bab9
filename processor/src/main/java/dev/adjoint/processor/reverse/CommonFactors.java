package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Terms;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A constant factor that every contribution reading an adjoint applies to it is applied once,
 * in the adjoint's declaration. The square rule's {@code 2} on both branches of a fan-out,
 * {@code double dt11 = t12 * t12 * -dt12; ... double ddy = 2 * (dy * dt10); ... double ddx =
 * 2 * (dx * dt8);} (with {@code dt10} and {@code dt8} copies of {@code dt11}), becomes
 * {@code double dt11 = t12 * t12 * (-2 * dt12); ... double ddy = dy * dt10; ... double ddx =
 * dx * dt8;}: one multiplication instead of one per reader; and {@code -2} goes on to the seed
 * the pair loop copies, {@code double de = -2 * seed;} before the loop, as a person writing
 * {@code g = -2 * seed * q * q} folds it. Likewise a reader in a loop, {@code s += x[i] * x[i]}'s
 * {@code dx[i] += 2 * (x[i] * ds)}: {@code double ds = 2 * seed;} once.
 *
 * <p>Only a power of two moves, and only onto an adjoint read as a factor of a product or of a
 * quotient's numerator: scaling by a power of two commutes with rounding, so every reader gets
 * the same bits as before but where a scaled value overflows or is subnormal (the precedent of
 * {@link dev.adjoint.processor.rules.DerivativeRules#scaledSquare}). The readers are in the
 * adjoint's block or blocks nested there, read it directly or through copies
 * ({@code double dt10 = dt11;}) that nothing writes again, and may test it against zero (the
 * guards of {@link ZeroSkipping}) or reset it to zero: scaled, zero stays zero. At least two
 * readers, or one in a loop: with one reader that runs once, the multiplication would only
 * move. Applied to the printed pullback and HVP.
 */
public final class CommonFactors {
  private CommonFactors() {}

  public static Pullback of(Pullback pullback) {
    return pullback.withBody(of(pullback.body()));
  }

  /** {@code block} with the factors common to an adjoint's readers moved into the adjoint. */
  public static Block of(Block block) {
    Block nested = Statements.mapEach(block, s -> Statements.mapBlocks(s, CommonFactors::of));
    List<Stmt> out = new ArrayList<>(nested.statements());
    boolean changed = false;
    for (int i = 0; i < out.size(); i++) {
      changed |= moveInto(out, i);
    }
    return changed ? new Block(out) : nested;
  }

  /** Moves the factor common to the readers of the adjoint {@code out.get(i)} declares into it. */
  private static boolean moveInto(List<Stmt> out, int i) {
    if (!(out.get(i) instanceof Accumulate definition) || !definition.declares()
        || definition.intoElement() || definition.target().type() != Type.DOUBLE) {
      return false;
    }
    Readers readers = new Readers(definition.target());
    if (!readers.walk(out.subList(i + 1, out.size()), false) || readers.factor == null
        || readers.runs < 2) {
      return false;
    }
    Operand scaled = scaled(definition.value(), readers.factor);
    if (scaled == null) {
      return false;
    }
    out.set(i, new Accumulate(definition.target(), scaled, true, definition.origin()));
    for (int j = i + 1; j < out.size(); j++) {
      out.set(j, readers.unscaled(out.get(j)));
    }
    return true;
  }

  /**
   * The statements that read an adjoint, in its block and the blocks nested there: directly, or
   * through copies ({@code double dt10 = dt11;}), each as a factor of a product with the same
   * power of two, or in a test {@code dt11 != 0.0} (which scaling by a power of two leaves as
   * it is, but where the scaled value is subnormal).
   */
  private static final class Readers {
    private final Set<Var> names = new HashSet<>(); // the adjoint and its copies
    private final Map<Stmt, Operand> unscaled = new IdentityHashMap<>(); // reader -> its value
    private Double factor;
    private int runs; // readers, one in a nested loop counted as two (it runs again and again)

    Readers(Var adjoint) {
      names.add(adjoint);
    }

    /** Whether {@code statements} read the adjoint only so ({@code inLoop}: in a nested loop). */
    boolean walk(List<Stmt> statements, boolean inLoop) {
      for (Stmt stmt : statements) {
        if (!read(stmt, inLoop)) {
          return false;
        }
      }
      return true;
    }

    private boolean read(Stmt stmt, boolean inLoop) {
      if (stmt instanceof If branch) {
        return (isZeroTest(branch.condition())
            || !mentions(Exprs.vars(branch.condition())))
            && walk(branch.then().statements(), inLoop)
            && walk(branch.otherwise().statements(), inLoop);
      }
      if (stmt instanceof Loop loop) {
        return !mentions(Statements.vars(loop)) && walk(loop.header().statements(), true)
            && walk(loop.body().statements(), true);
      }
      if (stmt instanceof ReverseLoop loop) {
        return !mentions(Statements.vars(loop)) && walk(loop.body().statements(), true);
      }
      if (!mentions(Statements.vars(stmt)) || isReset(stmt)) {
        return true;
      }
      if (!(stmt instanceof Accumulate reader) || names.contains(reader.target())
          || mentions(Exprs.vars(reader.indices()))) {
        return false;
      }
      if (names.contains(reader.value()) && reader.declares() && !reader.intoElement()) {
        names.add(reader.target()); // a copy: its readers read the adjoint
        return true;
      }
      Scaled scaled = Scaled.of(reader.value());
      if (scaled == null || (factor != null && scaled.factor() != factor)) {
        return false;
      }
      List<Var> read = Exprs.vars(scaled.rest()).stream().filter(names::contains).toList();
      if (read.size() != 1 || !FoldedNegations.factor(scaled.rest(), read.get(0), false)) {
        return false;
      }
      factor = scaled.factor();
      unscaled.put(stmt, scaled.rest());
      runs += inLoop ? 2 : 1;
      return true;
    }

    /** {@code stmt} with each reader in it reading the adjoint without the factor. */
    Stmt unscaled(Stmt stmt) {
      Operand value = unscaled.get(stmt);
      if (value != null) {
        Accumulate reader = (Accumulate) stmt;
        return new Accumulate(reader.target(), reader.indices(), value, reader.declares(),
            reader.origin());
      }
      return Statements.mapBlocks(stmt, this::unscaled);
    }

    private Block unscaled(Block block) {
      return Statements.mapEach(block, this::unscaled);
    }

    private boolean mentions(Set<Var> vars) {
      return vars.stream().anyMatch(names::contains);
    }

    /** {@code v = 0.0} for the adjoint or a copy {@code v}: zero scaled is zero. */
    private boolean isReset(Stmt stmt) {
      return stmt instanceof Assign reset && names.contains(reset.target())
          && reset.value() instanceof Copy copy && Constant.ZERO.equals(copy.a());
    }

    /** {@code v != 0.0} for the adjoint or a copy {@code v}. */
    private boolean isZeroTest(Operand condition) {
      return condition instanceof Nested nested && nested.expr() instanceof Binary test
          && test.op() == Binary.Op.NE && names.contains(test.a())
          && Constant.ZERO.equals(test.b());
    }
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
        return inner == null ? null : new Scaled(inner.factor(), Terms.neg(inner.rest()));
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
        return new Scaled(inA.factor(), Terms.binary(binary.op(), inA.rest(), binary.b()));
      }
      Scaled inB = product ? of(binary.b()) : null;
      return inB == null ? null
          : new Scaled(inB.factor(), Terms.binary(binary.op(), binary.a(), inB.rest()));
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
   * same factor of a divisor ({@code dt7 / t7} for {@code dt7 / (2 * t7)}); null if it lands on
   * a constant it would take past the doubles' normal range (where the readers' products
   * might not have gone).
   */
  private static Operand scaled(Operand value, double factor) {
    if (value instanceof Constant c) {
      Double product = exactProduct(c, factor);
      return product == null ? null : Constant.number(product);
    }
    if (value instanceof Nested nested && nested.expr() instanceof Binary binary
        && (binary.op() == Binary.Op.MUL || binary.op() == Binary.Op.DIV)) {
      Double k = binary.op() == Binary.Op.MUL && binary.a() instanceof Constant c
          ? exactProduct(c, factor) : null;
      if (k != null) {
        return times(k, binary.b()); // 0.5 * dt28 for 2: dt28
      }
      Scaled divisor = binary.op() == Binary.Op.DIV ? Scaled.of(binary.b()) : null;
      if (divisor != null && divisor.factor() == factor) { // the sqrt rule's dt / (2 * t) for 2
        return Terms.div(binary.a(), divisor.rest());
      }
      boolean product = binary.op() == Binary.Op.MUL;
      Operand scaled = scaled(product ? binary.b() : binary.a(), factor);
      return scaled == null ? null
          : product ? Terms.mul(binary.a(), scaled) : Terms.div(scaled, binary.b());
    }
    Operand negated = FoldedNegations.negated(value);
    return negated != null ? scaled(negated, -factor) : times(factor, value);
  }

  /** {@code k * factor}, if exact: a normal double or zero; else null. */
  private static Double exactProduct(Constant k, double factor) {
    if (k.value() == null) {
      return null;
    }
    double product = k.value() * factor;
    return product == 0 || Double.isFinite(product) && Math.abs(product) >= Double.MIN_NORMAL
        ? product : null;
  }

  /** {@code k * value}: {@code value} for 1, {@code -value} for -1. */
  private static Operand times(double k, Operand value) {
    return k == 1 ? value : k == -1 ? Terms.neg(value) : Terms.mul(Constant.number(k), value);
  }
}
