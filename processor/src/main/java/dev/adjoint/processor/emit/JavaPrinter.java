package dev.adjoint.processor.emit;

import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Cast;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.Zeros;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Java source of IR expressions: the only code that knows Java's expression syntax. Nested
 * operations get parentheses exactly where Java's precedence needs them ({@code (1 + r * r) * g},
 * {@code g / (a * b)}, never {@code a + (b * c)}); evaluation order is the tree's, so a printed
 * expression computes what the IR says, bit for bit.
 */
final class JavaPrinter {
  private JavaPrinter() {}

  /** Precedence levels, loosest first, as in the Java Language Specification (15). */
  private static final int TERNARY = 1;
  private static final int UNARY = 13;
  private static final int PRIMARY = 14;

  /** {@code expr} as a whole expression (an initializer, a right-hand side). */
  static String expr(Expr expr) {
    return expr(expr, 0);
  }

  /** {@code operand} as a whole expression. */
  static String operand(Operand operand) {
    return operand(operand, 0, false);
  }

  /** {@code array[i][j]}. */
  static String element(Var array, List<Operand> indices) {
    return array.name() + indices(indices);
  }

  /** {@code [i][j]}. */
  static String indices(List<Operand> indices) {
    return indices.stream().map(i -> "[" + operand(i) + "]").collect(Collectors.joining());
  }

  /**
   * {@code x} if {@code value} is {@code -x} or a product or quotient whose leftmost factor is
   * negated ({@code -r * g / b} gives {@code r * g / b}), else null: {@code d -= x} then says
   * what {@code d += value} says, bit for bit (IEEE negation commutes with * and /).
   */
  static Operand negated(Operand value) {
    if (!(value instanceof Nested nested)) {
      return null;
    }
    if (nested.expr() instanceof Unary unary && unary.op() == Unary.Op.NEG) {
      return unary.a();
    }
    if (nested.expr() instanceof Binary binary
        && (binary.op() == Binary.Op.MUL || binary.op() == Binary.Op.DIV)) {
      Operand left = negated(binary.a());
      return left == null ? null
          : new Nested(new Binary(binary.op(), left, binary.b()), nested.type());
    }
    return null;
  }

  /**
   * An operand inside an operation of precedence {@code outer}; {@code right} for the right
   * operand of a binary operation, which needs parentheses at equal precedence too
   * ({@code a - (b - c)}).
   */
  private static String operand(Operand operand, int outer, boolean right) {
    if (operand instanceof Var v) {
      return v.name();
    }
    if (operand instanceof Constant constant) {
      String code = constant.code();
      boolean cast = code.contains(" ");
      int own = cast || code.startsWith("-") ? UNARY : PRIMARY;
      return outer > 0 && (cast || own < outer || own == outer && right)
          ? "(" + code + ")" : code;
    }
    Expr expr = ((Nested) operand).expr();
    int own = precedence(expr);
    String code = expr(expr, own);
    return own < outer || own == outer && right ? "(" + code + ")" : code;
  }

  private static String expr(Expr expr, int own) {
    if (expr instanceof Copy copy) {
      return operand(copy.a(), own, false);
    }
    if (expr instanceof Unary unary) {
      String a = operand(unary.a(), UNARY, false);
      return unary.op().symbol() + (a.startsWith("-") ? "(" + a + ")" : a);
    }
    if (expr instanceof Binary binary) {
      int p = precedence(binary.op());
      return operand(binary.a(), p, false) + " " + binary.op().symbol() + " "
          + operand(binary.b(), p, true);
    }
    if (expr instanceof Select select) {
      return operand(select.condition(), TERNARY, true) + " ? "
          + operand(select.then(), TERNARY, false) + " : "
          + operand(select.otherwise(), TERNARY, false);
    }
    if (expr instanceof MathCall call) {
      return call.owner() + "." + call.function() + "(" + list(call.args()) + ")";
    }
    if (expr instanceof Call call) {
      return call.callee().code() + "(" + list(call.args()) + ")";
    }
    if (expr instanceof Load load) {
      return element(load.array(), load.indices());
    }
    if (expr instanceof Length length) {
      return element(length.array(), length.rows()) + ".length";
    }
    if (expr instanceof NewArray create) {
      return "new double" + indices(create.dimensions());
    }
    if (expr instanceof CloneArray clone) {
      return clone.array().name() + ".clone()";
    }
    if (expr instanceof Zeros zeros) {
      return zeros.shape().type() == Type.DOUBLE_MATRIX
          ? "dev.adjoint.Shapes.zerosLike(" + zeros.shape().name() + ")"
          : "new double[" + zeros.shape().name() + ".length]";
    }
    Cast cast = (Cast) expr;
    return "(" + cast.to().javaName() + ") " + operand(cast.a(), UNARY, false);
  }

  private static String list(List<Operand> operands) {
    return operands.stream().map(JavaPrinter::operand).collect(Collectors.joining(", "));
  }

  private static int precedence(Expr expr) {
    if (expr instanceof Binary binary) {
      return precedence(binary.op());
    }
    if (expr instanceof Select) {
      return TERNARY;
    }
    if (expr instanceof Unary || expr instanceof Cast) {
      return UNARY;
    }
    return PRIMARY;
  }

  private static int precedence(Binary.Op op) {
    return switch (op) {
      case OR -> 5;
      case XOR -> 6;
      case AND -> 7;
      case EQ, NE -> 8;
      case LT, LE, GT, GE -> 9;
      case SHL, SHR, USHR -> 10;
      case ADD, SUB -> 11;
      case MUL, DIV, REM -> 12;
    };
  }
}
