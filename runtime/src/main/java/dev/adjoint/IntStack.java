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

  /**
   * The array the values are in, for a sweep that keeps the top in a local variable: it writes
   * {@code values[top++] = x} after {@link #reserve}, reads {@code values[--top]}, and hands the
   * top back with {@link #settle} before it calls another sweep and before it returns.
   */
  public int[] values() {
    return values;
  }

  /**
   * Room for {@code n} more values above {@code top} (none if {@code n <= 0}): the array to
   * write them into, this stack's, grown when it is too small. A sweep reserves before a loop
   * what the loop pushes, so that the pushes check nothing.
   */
  public int[] reserve(int top, long n) {
    if (top + n > values.length) {
      values = Arrays.copyOf(values, Growth.length(values.length, top + n));
    }
    return values;
  }

  /** Sets the size to a sweep's local top, so that a sweep it calls pushes above its values. */
  public void settle(int top) {
    size = top;
  }
}
