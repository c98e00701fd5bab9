package dev.adjoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks an analytic gradient against centered finite differences, following the recipe of
 * Stanford's CS231n notes ("Gradient checks").
 *
 * <h2>The recipe</h2>
 *
 * <p>For a scalar function {@code f} of a vector {@code x}, each component of the gradient is
 * estimated with the <em>centered</em> difference
 *
 * <pre>{@code
 * df/dx_i  ~  (f(x + h e_i) - f(x - h e_i)) / (2 h)
 * }</pre>
 *
 * <p>where {@code e_i} is the i-th unit vector. Its error is O(h&sup2;), against O(h) for the
 * one-sided difference {@code (f(x + h e_i) - f(x)) / h}, at the price of two evaluations of
 * {@code f} per component. The default step is {@link #DEFAULT_STEP} {@code = 1e-5}: a larger
 * step increases the truncation error, a smaller one increases the rounding error, since the
 * difference of two nearly equal values of {@code f} is divided by {@code 2h}.
 *
 * <p>Each analytic component {@code a} is then compared with its numerical estimate {@code n}
 * through the relative error
 *
 * <pre>{@code
 * |a - n| / max(|a|, |n|)
 * }</pre>
 *
 * <p>which is 0 when both are 0, and NaN when either is NaN (see {@link #relativeError}). It is
 * scale-free, unlike the absolute difference, and bounded by 2 for finite inputs. CS231n reads
 * it as follows:
 *
 * <ul>
 *   <li>above {@code 1e-2}: the gradient is probably wrong;
 *   <li>between {@code 1e-2} and {@code 1e-4}: uncomfortable;
 *   <li>below {@code 1e-4}: usually fine for objectives with kinks (such as {@code max},
 *       {@code abs} or ReLU), but too high if there are none (such as {@code tanh} and
 *       softmax);
 *   <li>below {@code 1e-7}: happy.
 * </ul>
 *
 * <p>Errors also grow with the depth of a computation, so a deep composition may legitimately
 * show larger values than a shallow one. Evaluate {@code f} in {@code double} precision
 * throughout: in {@code float} the rounding error of the difference alone dwarfs these
 * thresholds. Relative errors are also unreliable when the gradient components are themselves
 * tiny (say {@code 1e-10}); rescale the objective in that case. Near a kink, the two probes may
 * straddle it, so an isolated large error at such a point need not mean a wrong gradient.
 *
 * <h2>Usage</h2>
 *
 * <pre>{@code
 * GradCheck.Report report = GradCheck.check(x -> x[0] * x[1] + Math.sin(x[2]),
 *     point, analyticGradient, "a", "b", "c");
 * System.out.println(report);
 * assert report.passes(1e-7);
 * }</pre>
 *
 * <p>A function of a matrix is checked through {@link #flatten} and {@link #unflatten}:
 *
 * <pre>{@code
 * GradCheck.check(w -> loss(GradCheck.unflatten(w, rows, cols)),
 *     GradCheck.flatten(weights), GradCheck.flatten(dWeights));
 * }</pre>
 *
 * <p>No method of this class modifies the arrays passed to it: {@code f} is always applied to a
 * fresh copy of the point.
 */
public final class GradCheck {

  /** The default finite-difference step {@code h}, {@value}, as in CS231n. */
  public static final double DEFAULT_STEP = 1e-5;

  private GradCheck() {}

  /** A scalar function of a vector: the objective whose gradient is checked. */
  @FunctionalInterface
  public interface ScalarFunction {

    /**
     * Evaluates the function.
     *
     * @param x the point; {@link GradCheck} passes a fresh copy on every call, so modifying it
     *     is harmless
     * @return the value at {@code x}
     */
    double apply(double[] x);
  }

  /**
   * The relative error {@code |analytic - numerical| / max(|analytic|, |numerical|)}.
   *
   * @param analytic the derivative under test
   * @param numerical its finite-difference estimate
   * @return 0 if both arguments are zero (of either sign), NaN if either is NaN, and otherwise
   *     the formula above, which lies in [0, 2] for finite arguments (2 meaning opposite signs
   *     and equal magnitudes)
   */
  public static double relativeError(double analytic, double numerical) {
    if (Double.isNaN(analytic) || Double.isNaN(numerical)) {
      return Double.NaN;
    }
    if (analytic == 0.0 && numerical == 0.0) {
      return 0.0;
    }
    return Math.abs(analytic - numerical) / Math.max(Math.abs(analytic), Math.abs(numerical));
  }

  /**
   * The centered finite-difference gradient of {@code f} at {@code x} with step {@link
   * #DEFAULT_STEP}.
   *
   * @param f the function
   * @param x the point, not modified
   * @return a new array, the estimated gradient
   * @see #numericalGradient(ScalarFunction, double[], double)
   */
  public static double[] numericalGradient(ScalarFunction f, double[] x) {
    return numericalGradient(f, x, DEFAULT_STEP);
  }

  /**
   * The centered finite-difference gradient of {@code f} at {@code x}: component {@code i} is
   * {@code (f(x + h e_i) - f(x - h e_i)) / (2 h)}. Evaluates {@code f} {@code 2 * x.length}
   * times, each time on a fresh copy of {@code x}; {@code x} itself is never modified.
   *
   * @param f the function
   * @param x the point, not modified
   * @param h the step, finite and positive
   * @return a new array, the estimated gradient
   * @throws IllegalArgumentException if {@code h} is not finite and positive
   */
  public static double[] numericalGradient(ScalarFunction f, double[] x, double h) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(x, "x");
    if (!(h > 0.0) || Double.isInfinite(h)) {
      throw new IllegalArgumentException("step h must be finite and positive, got " + h);
    }
    double[] gradient = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double[] plus = x.clone();
      plus[i] = x[i] + h;
      double fPlus = f.apply(plus);
      double[] minus = x.clone();
      minus[i] = x[i] - h;
      double fMinus = f.apply(minus);
      gradient[i] = (fPlus - fMinus) / (2.0 * h);
    }
    return gradient;
  }

  /**
   * Compares {@code analytic} with the numerical gradient of {@code f} at {@code x}, with step
   * {@link #DEFAULT_STEP} and components named {@code "x[0]"}, {@code "x[1]"}, ...
   *
   * @param f the function
   * @param x the point, not modified
   * @param analytic the gradient under test, one component per element of {@code x}
   * @return the report
   * @throws IllegalArgumentException if {@code x} and {@code analytic} differ in length
   */
  public static Report check(ScalarFunction f, double[] x, double[] analytic) {
    Objects.requireNonNull(x, "x");
    String[] names = new String[x.length];
    for (int i = 0; i < names.length; i++) {
      names[i] = "x[" + i + "]";
    }
    return check(f, x, analytic, DEFAULT_STEP, names);
  }

  /**
   * Compares {@code analytic} with the numerical gradient of {@code f} at {@code x}, with step
   * {@link #DEFAULT_STEP}.
   *
   * @param f the function
   * @param x the point, not modified
   * @param analytic the gradient under test, one component per element of {@code x}
   * @param names one name per component, shown by {@link Report#toString()}
   * @return the report
   * @throws IllegalArgumentException if {@code x}, {@code analytic} and {@code names} are not
   *     all of the same length
   */
  public static Report check(
      ScalarFunction f, double[] x, double[] analytic, String... names) {
    return check(f, x, analytic, DEFAULT_STEP, names);
  }

  /**
   * Compares {@code analytic} with the numerical gradient of {@code f} at {@code x} computed with
   * step {@code h}. The arguments are checked before {@code f} is evaluated.
   *
   * @param f the function
   * @param x the point, not modified
   * @param analytic the gradient under test, one component per element of {@code x}
   * @param h the step, finite and positive
   * @param names one name per component, shown by {@link Report#toString()}
   * @return the report
   * @throws IllegalArgumentException if {@code x}, {@code analytic} and {@code names} are not
   *     all of the same length, or if {@code h} is not finite and positive
   */
  public static Report check(
      ScalarFunction f, double[] x, double[] analytic, double h, String... names) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(analytic, "analytic");
    Objects.requireNonNull(names, "names");
    if (analytic.length != x.length) {
      throw new IllegalArgumentException(
          "x has length " + x.length + " but analytic has length " + analytic.length);
    }
    if (names.length != x.length) {
      throw new IllegalArgumentException(
          "x has length " + x.length + " but names has length " + names.length);
    }
    for (int i = 0; i < names.length; i++) {
      Objects.requireNonNull(names[i], "names[" + i + "]");
    }
    double[] numerical = numericalGradient(f, x, h);
    double[] errors = new double[x.length];
    for (int i = 0; i < errors.length; i++) {
      errors[i] = relativeError(analytic[i], numerical[i]);
    }
    return new Report(Arrays.asList(names), x, analytic, numerical, errors);
  }

  /**
   * Copies a rectangular matrix into a new array in row-major order: element {@code [r][c]} goes
   * to index {@code r * cols + c}.
   *
   * @param m the matrix, not modified
   * @return a new array of {@code rows * cols} elements
   * @throws IllegalArgumentException if the rows differ in length
   */
  public static double[] flatten(double[][] m) {
    Objects.requireNonNull(m, "m");
    int cols = m.length == 0 ? 0 : Objects.requireNonNull(m[0], "row 0").length;
    double[] flat = new double[Math.multiplyExact(m.length, cols)];
    for (int r = 0; r < m.length; r++) {
      double[] row = Objects.requireNonNull(m[r], "row " + r);
      if (row.length != cols) {
        throw new IllegalArgumentException(
            "matrix is not rectangular: row 0 has length " + cols
                + " but row " + r + " has length " + row.length);
      }
      System.arraycopy(row, 0, flat, r * cols, cols);
    }
    return flat;
  }

  /**
   * The inverse of {@link #flatten}: a new {@code rows x cols} matrix whose element
   * {@code [r][c]} is {@code flat[r * cols + c]}.
   *
   * @param flat the elements in row-major order, not modified
   * @param rows the number of rows
   * @param cols the number of columns
   * @return a new matrix
   * @throws IllegalArgumentException if {@code rows} or {@code cols} is negative, or if
   *     {@code flat.length != rows * cols}
   */
  public static double[][] unflatten(double[] flat, int rows, int cols) {
    Objects.requireNonNull(flat, "flat");
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "rows and cols must not be negative, got " + rows + " x " + cols);
    }
    if ((long) rows * cols != flat.length) {
      throw new IllegalArgumentException(
          "cannot unflatten " + flat.length + " elements into " + rows + " x " + cols);
    }
    double[][] m = new double[rows][];
    for (int r = 0; r < rows; r++) {
      m[r] = Arrays.copyOfRange(flat, r * cols, r * cols + cols);
    }
    return m;
  }

  /**
   * The outcome of a gradient check: per component, its name, the point, the analytic and
   * numerical derivatives and their {@linkplain GradCheck#relativeError relative error}.
   *
   * <p>The record holds its own copies of the arrays and its accessors return fresh copies, so a
   * report never changes once built. {@link #equals} and {@link #hashCode} compare array
   * contents.
   *
   * @param names the component names, unmodifiable
   * @param point the point {@code x} at which the gradient was checked
   * @param analytic the gradient under test
   * @param numerical the centered finite-difference gradient
   * @param relativeErrors the relative error of each component
   */
  public record Report(
      List<String> names,
      double[] point,
      double[] analytic,
      double[] numerical,
      double[] relativeErrors) {

    /**
     * Copies every argument.
     *
     * @param names the component names
     * @param point the point {@code x}
     * @param analytic the gradient under test
     * @param numerical the centered finite-difference gradient
     * @param relativeErrors the relative error of each component
     * @throws IllegalArgumentException if the arguments are not all of the same length
     * @throws NullPointerException if an argument or a name is null
     */
    public Report {
      names = List.copyOf(names);
      point = point.clone();
      analytic = analytic.clone();
      numerical = numerical.clone();
      relativeErrors = relativeErrors.clone();
      int n = names.size();
      if (point.length != n
          || analytic.length != n
          || numerical.length != n
          || relativeErrors.length != n) {
        throw new IllegalArgumentException(
            "lengths differ: names " + n + ", point " + point.length
                + ", analytic " + analytic.length + ", numerical " + numerical.length
                + ", relativeErrors " + relativeErrors.length);
      }
    }

    /**
     * Returns the point.
     *
     * @return a copy of the point
     */
    @Override
    public double[] point() {
      return point.clone();
    }

    /**
     * Returns the analytic gradient.
     *
     * @return a copy of the analytic gradient
     */
    @Override
    public double[] analytic() {
      return analytic.clone();
    }

    /**
     * Returns the numerical gradient.
     *
     * @return a copy of the numerical gradient
     */
    @Override
    public double[] numerical() {
      return numerical.clone();
    }

    /**
     * Returns the relative errors.
     *
     * @return a copy of the relative errors
     */
    @Override
    public double[] relativeErrors() {
      return relativeErrors.clone();
    }

    /**
     * The largest relative error.
     *
     * @return the largest relative error; NaN if any is NaN, and 0 if there are no components
     */
    public double maxRelativeError() {
      double max = 0.0;
      for (double e : relativeErrors) {
        max = Math.max(max, e); // Math.max propagates NaN
      }
      return max;
    }

    /**
     * Whether every relative error is at most {@code tolerance}. A NaN error never passes.
     *
     * @param tolerance for example {@code 1e-7}; see the {@linkplain GradCheck class
     *     documentation} for how to choose it
     * @return whether the check passes
     */
    public boolean passes(double tolerance) {
      for (double e : relativeErrors) {
        if (!(e <= tolerance)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Report other
          && names.equals(other.names)
          && Arrays.equals(point, other.point)
          && Arrays.equals(analytic, other.analytic)
          && Arrays.equals(numerical, other.numerical)
          && Arrays.equals(relativeErrors, other.relativeErrors);
    }

    @Override
    public int hashCode() {
      int h = names.hashCode();
      h = 31 * h + Arrays.hashCode(point);
      h = 31 * h + Arrays.hashCode(analytic);
      h = 31 * h + Arrays.hashCode(numerical);
      return 31 * h + Arrays.hashCode(relativeErrors);
    }

    /**
     * A fixed-width table with one row per component (name, analytic, numerical, relative
     * error), followed by a line such as {@code max relative error 1.2e-10}.
     */
    @Override
    public String toString() {
      int width = "name".length();
      for (String name : names) {
        width = Math.max(width, name.length());
      }
      String row = "%-" + width + "s  %17s  %17s  %14s\n";
      List<String> lines = new ArrayList<>();
      lines.add(String.format(Locale.ROOT, row, "name", "analytic", "numerical", "relative error"));
      for (int i = 0; i < names.size(); i++) {
        lines.add(
            String.format(
                Locale.ROOT,
                row,
                names.get(i),
                String.format(Locale.ROOT, "%.9e", analytic[i]),
                String.format(Locale.ROOT, "%.9e", numerical[i]),
                String.format(Locale.ROOT, "%.1e", relativeErrors[i])));
      }
      lines.add(String.format(Locale.ROOT, "max relative error %.1e", maxRelativeError()));
      return String.join("", lines);
    }
  }
}
