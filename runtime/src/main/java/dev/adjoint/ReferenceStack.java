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

  private static final ThreadLocal<ReferenceStack> THREAD = ThreadLocal.withInitial(ReferenceStack::new);

  /**
   * This thread's stack, which generated pullbacks share: each pops exactly what it pushed, so
   * nested and successive calls leave it as they found it, and a pullback allocates nothing once
   * the stack has grown to the largest call's size.
   */
  public static ReferenceStack forThisThread() {
    return THREAD.get();
  }

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
