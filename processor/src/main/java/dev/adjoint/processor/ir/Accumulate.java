package dev.adjoint.processor.ir;

import java.util.List;

/**
 * One contribution to an adjoint, from the source statement {@code origin}:
 * {@code target[indices] += value}, or, when {@code declares} (a scalar's first contribution in
 * its own block), {@code double target = value}.
 */
public record Accumulate(Var target, List<Operand> indices, Operand value, boolean declares,
    Origin origin) implements Stmt, Located {
  public Accumulate {
    indices = List.copyOf(indices);
  }

  /** {@code target += value} into a scalar. */
  public Accumulate(Var target, Operand value, boolean declares, Origin origin) {
    this(target, List.of(), value, declares, origin);
  }

  /** True for a contribution to an element of an adjoint array. */
  public boolean intoElement() {
    return !indices.isEmpty();
  }
}
