package dev.adjoint.processor.oracle;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/**
 * Centered finite differences, including of a compiled static method called by reflection
 * (with double, {@code double[]} and {@code double[][]} arguments).
 */
public final class FiniteDifferences {

  private FiniteDifferences() {}

  /** Centered differences {@code (f(x + h e_i) - f(x - h e_i)) / (actual 2h)} for every i. */
  public static double[] centered(ToDoubleFunction<double[]> f, double[] x, double h) {
    double[] gradient = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double[] plus = x.clone();
      double[] minus = x.clone();
      plus[i] += h;
      minus[i] -= h;
      gradient[i] = (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (plus[i] - minus[i]);
    }
    return gradient;
  }

  /**
   * Richardson extrapolation of {@link #centered}: {@code (4 D(h/2) - D(h)) / 3}, error O(h^4),
   * which allows a larger h and so less cancellation.
   */
  public static double[] richardson(ToDoubleFunction<double[]> f, double[] x, double h) {
    double[] coarse = centered(f, x, h);
    double[] fine = centered(f, x, h / 2);
    double[] gradient = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      gradient[i] = (4 * fine[i] - coarse[i]) / 3;
    }
    return gradient;
  }

  /**
   * Centered differences of static method {@code name} of {@code owner} (the first with
   * {@code args.length} parameters), perturbing the double arguments at {@code indices}.
   */
  public static double[] centered(
      Class<?> owner, String name, Object[] args, int[] indices, double h) {
    double[] x = new double[indices.length];
    for (int k = 0; k < indices.length; k++) {
      x[k] = (Double) args[indices[k]];
    }
    return centered(staticMethod(owner, name, args, indices), x, h);
  }

  /** {@code x -> owner.name(args with args[indices[k]] = x[k])} as a double. */
  public static ToDoubleFunction<double[]> staticMethod(
      Class<?> owner, String name, Object[] args, int[] indices) {
    Method target = find(owner, name, args.length);
    return x -> {
      Object[] actual = args.clone();
      for (int k = 0; k < indices.length; k++) {
        actual[indices[k]] = x[k];
      }
      return invoke(target, actual);
    };
  }

  private static Method find(Class<?> owner, String name, int arity) {
    for (Method m : owner.getDeclaredMethods()) {
      if (m.getName().equals(name) && Modifier.isStatic(m.getModifiers())
          && m.getParameterCount() == arity) {
        m.setAccessible(true);
        return m;
      }
    }
    throw new IllegalArgumentException("no static " + owner.getName() + "." + name);
  }

  private static double invoke(Method target, Object[] args) {
    try {
      return ((Number) target.invoke(null, args)).doubleValue();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  // ------------------------------------------------------------------ array arguments

  /**
   * The differentiated entries of {@code args}, flattened as {@link HipparchusOracle} lays out
   * its gradient: every {@link Double} argument and every element of the {@code double[]} and
   * {@code double[][]} arguments (row-major), in argument order.
   */
  public static double[] flatten(Object[] args) {
    int n = 0;
    for (Object a : args) {
      if (a instanceof Double) {
        n++;
      } else if (a instanceof double[] v) {
        n += v.length;
      } else if (a instanceof double[][] m) {
        for (double[] row : m) {
          n += row.length;
        }
      }
    }
    double[] x = new double[n];
    int k = 0;
    for (Object a : args) {
      if (a instanceof Double d) {
        x[k++] = d;
      } else if (a instanceof double[] v) {
        System.arraycopy(v, 0, x, k, v.length);
        k += v.length;
      } else if (a instanceof double[][] m) {
        for (double[] row : m) {
          System.arraycopy(row, 0, x, k, row.length);
          k += row.length;
        }
      }
    }
    return x;
  }

  /**
   * A deep copy of {@code args} with its differentiated entries (as {@link #flatten} orders
   * them) replaced by {@code x}; {@code int[]} arguments are copied too, other values shared.
   */
  public static Object[] unflatten(Object[] args, double[] x) {
    Object[] copy = new Object[args.length];
    int k = 0;
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof Double) {
        copy[i] = x[k++];
      } else if (a instanceof double[] v) {
        copy[i] = Arrays.copyOfRange(x, k, k + v.length);
        k += v.length;
      } else if (a instanceof double[][] m) {
        double[][] rows = new double[m.length][];
        for (int r = 0; r < m.length; r++) {
          rows[r] = Arrays.copyOfRange(x, k, k + m[r].length);
          k += m[r].length;
        }
        copy[i] = rows;
      } else if (a instanceof int[] ints) {
        copy[i] = ints.clone();
      } else {
        copy[i] = a;
      }
    }
    if (k != x.length) {
      throw new IllegalArgumentException(x.length + " values for " + k + " entries");
    }
    return copy;
  }

  /**
   * {@code x -> owner.name(unflatten(args, x))}: the static method as a function of its
   * flattened differentiated entries. Every call gets fresh deep copies of the arguments, so a
   * method writing into its array parameters cannot corrupt later calls or {@code args}.
   */
  public static ToDoubleFunction<double[]> flatMethod(Class<?> owner, String name, Object[] args) {
    Method target = find(owner, name, args.length);
    Object[] snapshot = unflatten(args, flatten(args));
    return x -> invoke(target, unflatten(snapshot, x));
  }

  /**
   * Centered differences of static method {@code name} of {@code owner} (the first with
   * {@code args.length} parameters) with respect to every differentiated entry of {@code args}
   * (see {@link #flatten}): every Double argument and every element of the {@code double[]} and
   * {@code double[][]} arguments, in the oracle's flattened order. Entry x moves by
   * {@code ±h * max(1, |x|)}; the method runs on deep copies of the arguments.
   */
  public static double[] centered(Class<?> owner, String name, Object[] args, double h) {
    return centeredScaled(flatMethod(owner, name, args), flatten(args), h);
  }

  /**
   * Richardson extrapolation {@code (4 D(h/2) - D(h)) / 3} of
   * {@link #centered(Class, String, Object[], double)}.
   */
  public static double[] richardson(Class<?> owner, String name, Object[] args, double h) {
    ToDoubleFunction<double[]> f = flatMethod(owner, name, args);
    double[] x = flatten(args);
    double[] coarse = centeredScaled(f, x, h);
    double[] fine = centeredScaled(f, x, h / 2);
    double[] gradient = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      gradient[i] = (4 * fine[i] - coarse[i]) / 3;
    }
    return gradient;
  }

  /** Like {@link #centered(ToDoubleFunction, double[], double)} with steps h * max(1, |x_i|). */
  private static double[] centeredScaled(ToDoubleFunction<double[]> f, double[] x, double h) {
    double[] gradient = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double step = h * Math.max(1, Math.abs(x[i]));
      double[] plus = x.clone();
      double[] minus = x.clone();
      plus[i] += step;
      minus[i] -= step;
      gradient[i] = (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (plus[i] - minus[i]);
    }
    return gradient;
  }

  /** Indices of the {@link Double} arguments: to perturb when every double is differentiated. */
  public static int[] doubleIndices(Object[] args) {
    int[] all = new int[args.length];
    int n = 0;
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof Double) {
        all[n++] = i;
      }
    }
    return Arrays.copyOf(all, n);
  }
}
