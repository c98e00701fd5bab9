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
