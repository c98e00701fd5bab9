package dev.adjoint;

import java.util.Arrays;

/**
 * The tape of generated backward sweeps for {@code double} values: the forward sweep pushes a
 * value it is about to overwrite, the backward sweep pops it back. Grows by doubling, so pushes
 * allocate only O(log n) times; not thread-safe (each pullback call owns its stacks).
 */
public final class DoubleStack {
  private double[] values;
  private int size;

  private static final ThreadLocal<DoubleStack> THREAD = ThreadLocal.withInitial(DoubleStack::new);

  /**
   * This thread's stack, which generated pullbacks share: each pops exactly what it pushed, so
   * nested and successive calls leave it as they found it, and a pullback allocates nothing once
   * the stack has grown to the largest call's size.
   */
  public static DoubleStack forThisThread() {
    return THREAD.get();
  }

  public DoubleStack() {
    this(16);
  }

  public DoubleStack(int capacity) {
    values = new double[Math.max(1, capacity)];
  }

  public void push(double value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, values.length * 2);
    }
    values[size++] = value;
  }

  /** The last value pushed; an {@link IllegalStateException} if there is none. */
  public double pop() {
    if (size == 0) {
      throw new IllegalStateException("pop from an empty stack");
    }
    return values[--size];
  }

  public int size() {
    return size;
  }
}
