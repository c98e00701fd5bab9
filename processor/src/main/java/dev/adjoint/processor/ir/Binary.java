package dev.adjoint.processor.ir;

import java.util.List;

/** {@code target = a op b}; {@code &&} and {@code ||} are lowered to {@link If}. */
public record Binary(Op op, Operand a, Operand b) implements Expr {

  /** Binary operators, with their Java spelling. */
  public enum Op {
    ADD("+"),
    SUB("-"),
    MUL("*"),
    DIV("/"),
    REM("%"),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    EQ("=="),
    NE("!="),
    AND("&"),
    OR("|"),
    XOR("^"),
    SHL("<<"),
    SHR(">>"),
    USHR(">>>");

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
    return List.of(a, b);
  }
}
