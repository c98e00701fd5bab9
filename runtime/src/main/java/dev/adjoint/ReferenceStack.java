package dev.adjoint;

import java.util.Arrays;

/**
 * The tape of generated backward sweeps for arrays a loop allocates anew in each iteration: the
 * forward sweep pushes the reference it is about to replace, the backward sweep pops it back.
 * Grows by doubling; not thread-safe.
 */
public final class ReferenceStack {
  private Object[] values = new Object[16];
  private int size;

  public void push(Object value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, values.length * 2);
    }
    values[size++] = value;
  }

  /** The last reference pushed, cast by the caller; an {@link IllegalStateException} if none. */
  public Object pop() {
    if (size == 0) {
      throw new IllegalStateException("pop from an empty stack");
    }
    Object value = values[--size];
    values[size] = null;
    return value;
  }

  public int size() {
    return size;
  }
}
