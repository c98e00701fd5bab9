package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The buffers generated code reuses: the buffer itself when its length fits, else a new one. */
class ShapesTest {
  private static final double[] SOURCE = {0.5, -1.5, 2.0};

  @Test
  void zeroedReusedAndCopiedKeepABufferOfTheRightLength() {
    double[] buffer = {7.0, 8.0, 9.0};
    assertSame(buffer, Shapes.zeroed(buffer, 3));
    assertArrayEquals(new double[3], buffer);
    assertSame(buffer, Shapes.copied(buffer, SOURCE));
    assertArrayEquals(SOURCE, buffer);
    assertSame(buffer, Shapes.reused(buffer, 3));
    assertArrayEquals(SOURCE, buffer); // values left as they are
  }

  @Test
  void aBufferOfAnotherLengthOrNoneGivesANewArray() {
    double[] shorter = {7.0, 8.0};
    for (double[] buffer : new double[][] {shorter, null}) {
      double[] zeros = Shapes.zeroed(buffer, 3);
      assertNotSame(shorter, zeros);
      assertArrayEquals(new double[3], zeros);
      double[] copy = Shapes.copied(buffer, SOURCE);
      assertNotSame(SOURCE, copy);
      assertArrayEquals(SOURCE, copy);
      assertArrayEquals(new double[3], Shapes.reused(buffer, 3));
    }
    assertArrayEquals(new double[] {7.0, 8.0}, shorter);
  }

  @Test
  void aMatrixIsReusedWhenEveryRowFitsAndZeroedRowByRow() {
    double[][] buffer = {{1.0, 2.0}, {3.0, 4.0}};
    assertSame(buffer, Shapes.reused(buffer, 2, 2));
    assertArrayEquals(new double[] {3.0, 4.0}, buffer[1]); // values left as they are
    Shapes.zero(buffer);
    assertArrayEquals(new double[][] {{0, 0}, {0, 0}}, buffer);
    double[][] ragged = {{1.0, 2.0}, {3.0}};
    for (double[][] other : new double[][][] {ragged, null, new double[3][2]}) {
      double[][] fresh = Shapes.reused(other, 2, 2);
      assertNotSame(other, fresh);
      assertArrayEquals(new double[2][2], fresh);
    }
  }
}
