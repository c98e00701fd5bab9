package dev.adjoint.processor.ir;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Java source of IR expressions, for the forward sweep and for values the backward sweep recomputes. */
public final class Exprs {
  private Exprs() {}

  /** The Java code of {@code expr}, each operand written as {@code operand} gives it. */
  public static String code(Expr expr, Function<Operand, String> operand) {
    if (expr instanceof Copy copy) {
      return operand.apply(copy.a());
    }
    if (expr instanceof Unary unary) {
      String a = operand.apply(unary.a());
      return unary.op().symbol() + (a.startsWith("-") ? "(" + a + ")" : a);
    }
    if (expr instanceof Binary binary) {
      return operand.apply(binary.a()) + " " + binary.op().symbol() + " "
          + operand.apply(binary.b());
    }
    if (expr instanceof MathCall call) {
      return call.owner() + "." + call.function() + "(" + list(call.args(), operand) + ")";
    }
    if (expr instanceof Load load) {
      return load.array().name() + indices(load.indices(), operand);
    }
    if (expr instanceof Length length) {
      return length.array().name() + indices(length.rows(), operand) + ".length";
    }
    if (expr instanceof NewArray create) {
      return "new double" + indices(create.dimensions(), operand);
    }
    if (expr instanceof CloneArray clone) {
      return clone.array().name() + ".clone()";
    }
    if (expr instanceof Call call) {
      return call.callee().code() + "(" + list(call.args(), operand) + ")";
    }
    Cast cast = (Cast) expr;
    return "(" + cast.to().javaName() + ") " + operand.apply(cast.a());
  }

  /** {@code [i][j]}. */
  public static String indices(List<Operand> indices, Function<Operand, String> operand) {
    return indices.stream().map(i -> "[" + operand.apply(i) + "]").collect(Collectors.joining());
  }

  private static String list(List<Operand> operands, Function<Operand, String> operand) {
    return operands.stream().map(operand).collect(Collectors.joining(", "));
  }
}
