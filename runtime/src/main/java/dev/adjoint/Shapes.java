package dev.adjoint;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;

/**
 * Zero arrays and records shaped like others (adjoint buffers and gradients), and the copies and
 * sums of matrices that generated code needs.
 */
public final class Shapes {
  private Shapes() {}

  /**
   * The length of {@code Arrays.copyOfRange(a, from, to)} of an array of {@code length}
   * elements, {@code to - from}, after the JDK's checks: {@link IllegalArgumentException} if
   * {@code from > to}, {@link ArrayIndexOutOfBoundsException} if {@code from} is outside
   * {@code [0, length]}. What generated code calls before copying the range element by element.
   */
  public static int rangeLength(int from, int to, int length) {
    if (from > to) {
      throw new IllegalArgumentException(from + " > " + to);
    }
    if (from < 0 || from > length) {
      throw new ArrayIndexOutOfBoundsException("Array index out of range: " + from);
    }
    return to - from;
  }

  /** A new array of zeros with the shape of {@code m}, ragged rows included. */
  public static double[][] zerosLike(double[][] m) {
    double[][] zeros = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      zeros[i] = new double[m[i].length];
    }
    return zeros;
  }

  /**
   * A new array of zeros with the shape of {@code t}, ragged slices included: the tangent of
   * rank-3 data whose slices a forward sweep passes to a layer.
   */
  public static double[][][] zerosLike(double[][][] t) {
    double[][][] zeros = new double[t.length][][];
    for (int i = 0; i < t.length; i++) {
      zeros[i] = zerosLike(t[i]);
    }
    return zeros;
  }

  /**
   * {@code buffer} filled with zeros if it has {@code like}'s length, else a new array of zeros
   * of that length: the adjoint of an array made in each iteration of a loop, one buffer for all
   * iterations.
   */
  public static double[] zeroed(double[] buffer, double[] like) {
    if (buffer == null || buffer.length != like.length) {
      return new double[like.length];
    }
    java.util.Arrays.fill(buffer, 0.0);
    return buffer;
  }

  /**
   * {@code buffer} filled with zeros if it has length {@code length}, else a new array of zeros:
   * {@code new double[length]} for an array that a loop's iterations make and never keep.
   */
  public static double[] zeroed(double[] buffer, int length) {
    if (buffer == null || buffer.length != length) {
      return new double[length];
    }
    java.util.Arrays.fill(buffer, 0.0);
    return buffer;
  }

  /**
   * {@code buffer} if it has length {@code length}, else a new array of that length, its values
   * left as they are: for a result whose every element the caller writes.
   */
  public static double[] reused(double[] buffer, int length) {
    return buffer == null || buffer.length != length ? new double[length] : buffer;
  }

  /**
   * {@code buffer} if it has {@code rows} rows of {@code cols} values, else a new
   * {@code double[rows][cols]}, its values left as they are: a matrix known to hold zeros.
   */
  public static double[][] reused(double[][] buffer, int rows, int cols) {
    if (buffer == null || buffer.length != rows) {
      return new double[rows][cols];
    }
    for (double[] row : buffer) {
      if (row.length != cols) {
        return new double[rows][cols];
      }
    }
    return buffer;
  }

  /** Every element of {@code m} set to zero (its rows may be ragged). */
  public static void zero(double[][] m) {
    for (double[] row : m) {
      java.util.Arrays.fill(row, 0.0);
    }
  }

  /**
   * {@code source}'s values in {@code buffer} if it has their length, else {@code source.clone()}.
   */
  public static double[] copied(double[] buffer, double[] source) {
    if (buffer == null || buffer.length != source.length) {
      return source.clone();
    }
    System.arraycopy(source, 0, buffer, 0, source.length);
    return buffer;
  }

  /** {@link #zeroed(double[], double[])} for a matrix, row by row (rows may be ragged). */
  public static double[][] zeroed(double[][] buffer, double[][] like) {
    if (buffer == null || buffer.length != like.length) {
      return zerosLike(like);
    }
    for (int i = 0; i < like.length; i++) {
      buffer[i] = zeroed(buffer[i], like[i]);
    }
    return buffer;
  }

  /** A deep copy of {@code m}: new rows with {@code m}'s values (its rows may be ragged). */
  public static double[][] copyOf(double[][] m) {
    double[][] copy = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      copy[i] = m[i].clone();
    }
    return copy;
  }

  /** {@code target[i][j] += source[i][j]} for every element: the adjoint of a copied matrix. */
  public static void addInto(double[][] target, double[][] source) {
    for (int i = 0; i < target.length; i++) {
      double[] row = target[i];
      double[] add = source[i];
      for (int j = 0; j < row.length; j++) {
        row[j] += add[j];
      }
    }
  }

  /**
   * A new record of {@code model}'s type whose arrays are zeros of the shapes of its arrays
   * (nested records likewise), its {@code double} components {@code 0.0}, and its other
   * components (sizes, names) {@code model}'s: the buffer record a generated pullback fills,
   * made once before a training loop.
   *
   * <pre>{@code
   * Mlp grads = Shapes.zerosLike(model);
   * MlpGrad.lossPullback(model, X, labels, 1.0, grads);
   * }</pre>
   */
  @SuppressWarnings("unchecked")
  public static <R extends Record> R zerosLike(R model) {
    RecordComponent[] components = model.getClass().getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        components[i].getAccessor().setAccessible(true);
        Object value = components[i].getAccessor().invoke(model);
        if (value instanceof double[] v) {
          values[i] = new double[v.length];
        } else if (value instanceof double[][] m) {
          values[i] = zerosLike(m);
        } else if (value instanceof Record r) {
          values[i] = zerosLike(r);
        } else {
          values[i] = types[i] == double.class ? 0.0 : value;
        }
      }
      Constructor<?> canonical = model.getClass().getDeclaredConstructor(types);
      canonical.setAccessible(true);
      return (R) canonical.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot build a " + model.getClass().getSimpleName()
          + " of zeros: " + e.getMessage(), e);
    }
  }
}
