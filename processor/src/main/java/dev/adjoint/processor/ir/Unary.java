package dev.adjoint.processor.ir;

import java.util.List;

/** {@code target = op a}. */
public record Unary(Op op, Operand a) implements Expr {

  /** Unary operators, with their Java spelling. */
  public enum Op {
    NEG("-"),
    NOT("!"),
    BITWISE_NOT("~");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }

  @Override
  public List<Operand> operands() {
    return List.of(a);
  }
}
