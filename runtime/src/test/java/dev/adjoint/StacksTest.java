package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The protocol generated pullbacks follow with their tapes' arrays and tops in locals. */
class StacksTest {
  @Test
  void aSweepWithItsTopInALocalSharesTheStackWithASweepItCalls() {
    DoubleStack stack = new DoubleStack(2);
    stack.push(-1.0); // a caller's value below this sweep's
    double[] values = stack.values();
    int top = stack.size();
    values = stack.reserve(top, 5); // more than the capacity: grows, keeps what is below
    assertTrue(values.length >= top + 5);
    assertSame(values, stack.values());
    for (int k = 0; k < 5; k++) {
      values[top++] = k;
    }
    stack.settle(top); // a call of another sweep: it pushes above these values, pops them back
    for (int k = 0; k < 40; k++) {
      stack.push(100 + k);
    }
    for (int k = 0; k < 40; k++) {
      stack.pop();
    }
    values = stack.values(); // it may have grown the array
    assertEquals(top, stack.size());
    double[] popped = new double[5];
    for (int k = 4; k >= 0; k--) {
      popped[k] = values[--top];
    }
    stack.settle(top);
    assertArrayEquals(new double[] {0, 1, 2, 3, 4}, popped);
    assertEquals(1, stack.size());
    assertEquals(-1.0, stack.pop());
  }

  @Test
  void reservingNothingKeepsTheArray() {
    IntStack stack = new IntStack(4);
    int[] values = stack.values();
    assertSame(values, stack.reserve(0, 0));
    assertSame(values, stack.reserve(0, -7)); // a loop that runs no iteration
    assertSame(values, stack.reserve(1, 3));
    int[] grown = stack.reserve(1, 4);
    assertTrue(grown.length >= 5);
    assertSame(grown, stack.values());
  }

  @Test
  void aReservationNoArrayCanHoldIsAnOutOfMemoryError() {
    assertThrows(OutOfMemoryError.class, () -> new DoubleStack().reserve(0, 1L << 40));
    assertThrows(OutOfMemoryError.class, () -> new IntStack().reserve(10, Integer.MAX_VALUE));
  }
}
