package dev.adjoint.processor.ir;

import java.util.List;

/** The right-hand side of an {@link Assign}: one operation over operands. */
public sealed interface Expr permits Copy, Unary, Binary, MathCall, Cast, Load, Length, NewArray, CloneArray, Call,
    Select, Zeros, Reused {

  /** The operands, in the order the derivative rules number them ({@code $a}, {@code $b}). */
  List<Operand> operands();
}
