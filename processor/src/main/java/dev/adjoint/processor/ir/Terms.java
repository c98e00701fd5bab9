package dev.adjoint.processor.ir;

import java.util.List;

/**
 * Builds the nested operands of the sweeps' statements ({@link Nested}), as the derivative rules
 * and the reverse transformation write them: {@code mul(Math.cos(a), g)} and so on.
 */
public final class Terms {
  private Terms() {}

  public static Operand add(Operand a, Operand b) {
    return binary(Binary.Op.ADD, a, b);
  }

  public static Operand sub(Operand a, Operand b) {
    return binary(Binary.Op.SUB, a, b);
  }

  public static Operand mul(Operand a, Operand b) {
    return binary(Binary.Op.MUL, a, b);
  }

  public static Operand div(Operand a, Operand b) {
    return binary(Binary.Op.DIV, a, b);
  }

  public static Operand neg(Operand a) {
    return new Nested(new Unary(Unary.Op.NEG, a), a.type());
  }

  /** {@code a op b}: a comparison is boolean; arithmetic is double unless both are integers. */
  public static Operand binary(Binary.Op op, Operand a, Operand b) {
    if (a instanceof Constant x && b instanceof Constant y && x.type() == Type.INT
        && y.type() == Type.INT && x.value() != null && y.value() != null) {
      int i = x.value().intValue();
      int j = y.value().intValue();
      switch (op) { // int arithmetic wraps as Java's does
        case ADD: return Constant.integer(i + j);
        case SUB: return Constant.integer(i - j);
        case MUL: return Constant.integer(i * j);
        default: break;
      }
    }
    Type type = switch (op) {
      case LT, LE, GT, GE, EQ, NE -> Type.BOOLEAN;
      default -> a.type() == Type.DOUBLE || b.type() == Type.DOUBLE ? Type.DOUBLE
          : a.type() == Type.LONG || b.type() == Type.LONG ? Type.LONG : Type.INT;
    };
    return new Nested(new Binary(op, a, b), type);
  }

  /** {@code Math.function(args)}. */
  public static Operand math(String function, Operand... args) {
    return new Nested(new MathCall("Math", function, List.of(args)), Type.DOUBLE);
  }

  /** {@code dev.adjoint.Gates.function(args)}: a gate of the runtime with its own rule. */
  public static Operand gate(String function, Operand... args) {
    return new Nested(new MathCall("dev.adjoint.Gates", function, List.of(args)), Type.DOUBLE);
  }

  /** {@code condition ? then : otherwise}. */
  public static Operand select(Operand condition, Operand then, Operand otherwise) {
    return new Nested(new Select(condition, then, otherwise), then.type());
  }

  /** {@code array[i][j]}: an element, or a row when fewer indices than the array's rank. */
  public static Operand element(Var array, List<Operand> indices) {
    return new Nested(new Load(array, indices), array.type().element(indices.size()));
  }

  /**
   * {@code bound - 1} of an int bound, folded where that is exact in int arithmetic: {@code 9}
   * for {@code 10}, {@code n - 2} for {@code n - 1}, {@code i} for {@code i + 1}.
   */
  public static Operand minusOne(Operand bound) {
    if (bound instanceof Nested nested && nested.type() == Type.INT
        && nested.expr() instanceof Binary binary && binary.b() instanceof Constant k
        && k.type() == Type.INT && k.value() != null) {
      int step = k.value().intValue();
      if (binary.op() == Binary.Op.ADD) {
        return step == 1 ? binary.a() : add(binary.a(), Constant.integer(step - 1));
      }
      if (binary.op() == Binary.Op.SUB && step != Integer.MAX_VALUE) {
        return sub(binary.a(), Constant.integer(step + 1));
      }
    }
    return sub(bound, Constant.integer(1));
  }
}
