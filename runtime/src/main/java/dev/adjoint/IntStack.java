package dev.adjoint;

import java.util.Arrays;

/**
 * The tape of generated backward sweeps for {@code int} and {@code boolean} values (loop trip
 * counts, branch outcomes, overwritten integers). Grows by doubling; not thread-safe.
 */
public final class IntStack {
  private int[] values;
  private int size;

  private static final ThreadLocal<IntStack> THREAD = ThreadLocal.withInitial(IntStack::new);

  /**
   * This thread's stack, which generated pullbacks share: each pops exactly what it pushed, so
   * nested and successive calls leave it as they found it, and a pullback allocates nothing once
   * the stack has grown to the largest call's size.
   */
  public static IntStack forThisThread() {
    return THREAD.get();
  }

  public IntStack() {
    this(16);
  }

  public IntStack(int capacity) {
    values = new int[Math.max(1, capacity)];
  }

  public void push(int value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, values.length * 2);
    }
    values[size++] = value;
  }

  public void push(boolean value) {
    push(value ? 1 : 0);
  }

  /** The last value pushed; an {@link IllegalStateException} if there is none. */
  public int pop() {
    if (size == 0) {
      throw new IllegalStateException("pop from an empty stack");
    }
    return values[--size];
  }

  public boolean popBoolean() {
    return pop() != 0;
  }

  public int size() {
    return size;
  }
}
