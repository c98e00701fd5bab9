package dev.adjoint.processor.ir;

import java.util.List;

/**
 * {@code array[i] = value} or {@code array[i][j] = value}; with {@code compound} {@link
 * Binary.Op#ADD} or {@link Binary.Op#SUB}, {@code array[i] += value} or {@code -=}, which the
 * backward sweep treats as linear (no saved value, no reset).
 */
public record Store(Var array, List<Operand> indices, Operand value, Binary.Op compound,
    Origin origin) implements Stmt, Located {
  public Store {
    indices = List.copyOf(indices);
  }

  public Store(Var array, List<Operand> indices, Operand value, Origin origin) {
    this(array, indices, value, null, origin);
  }
}
