package dev.adjoint.samples;

import java.util.Arrays;

/**
 * One block of a model's parameters (a weight matrix or a bias vector) together with the buffer
 * its gradient is accumulated into. A vector is held as a matrix of one row that shares the
 * vector's array, so both shapes are updated, zeroed and checked by the same code.
 *
 * <p>The arrays are the model's own, not copies: {@link #step} changes the model.
 *
 * @param name the parameter's name, as in the loss method ({@code "W1"})
 * @param values the parameter's values, row by row
 * @param gradient the gradient buffer, shaped like {@code values}
 */
public record Parameter(String name, double[][] values, double[][] gradient) {

  /**
   * A weight matrix and its gradient buffer.
   *
   * @param name the name
   * @param values the matrix, used in place
   * @param gradient a buffer of the same shape, used in place
   * @return the block
   */
  public static Parameter matrix(String name, double[][] values, double[][] gradient) {
    return new Parameter(name, values, gradient);
  }

  /**
   * A bias vector and its gradient buffer.
   *
   * @param name the name
   * @param values the vector, used in place
   * @param gradient a buffer of the same length, used in place
   * @return the block, one row sharing {@code values} and {@code gradient}
   */
  public static Parameter vector(String name, double[] values, double[] gradient) {
    return new Parameter(name, new double[][] {values}, new double[][] {gradient});
  }

  /**
   * The number of entries.
   *
   * @return rows times columns
   */
  public int size() {
    return values.length * values[0].length;
  }

  /**
   * The shape, for reports: {@code "2x100"} for a matrix, {@code "100"} for a vector.
   *
   * @return the shape
   */
  public String shape() {
    return values.length == 1 ? Integer.toString(values[0].length)
        : values.length + "x" + values[0].length;
  }

  /**
   * The entry at a row-major index.
   *
   * @param index from 0 to {@link #size()} - 1
   * @return the value
   */
  public double get(int index) {
    return values[index / columns()][index % columns()];
  }

  /**
   * Changes the entry at a row-major index.
   *
   * @param index from 0 to {@link #size()} - 1
   * @param value the new value
   */
  public void set(int index, double value) {
    values[index / columns()][index % columns()] = value;
  }

  /**
   * The gradient entry at a row-major index.
   *
   * @param index from 0 to {@link #size()} - 1
   * @return the accumulated gradient
   */
  public double gradientAt(int index) {
    return gradient[index / columns()][index % columns()];
  }

  /**
   * The name of the entry at a row-major index: {@code "W1[0][7]"}, or {@code "b1[7]"}.
   *
   * @param index from 0 to {@link #size()} - 1
   * @return the name
   */
  public String entryName(int index) {
    return values.length == 1 ? name + "[" + index + "]"
        : name + "[" + index / columns() + "][" + index % columns() + "]";
  }

  /** Sets the gradient buffer to zero, before the pullback adds into it. */
  public void zeroGradient() {
    for (double[] row : gradient) {
      Arrays.fill(row, 0.0);
    }
  }

  /**
   * One step of gradient descent: {@code values -= stepSize * gradient}.
   *
   * @param stepSize the learning rate
   */
  public void step(double stepSize) {
    for (int r = 0; r < values.length; r++) {
      double[] row = values[r];
      double[] g = gradient[r];
      for (int c = 0; c < row.length; c++) {
        row[c] -= stepSize * g[c];
      }
    }
  }

  private int columns() {
    return values[0].length;
  }
}
