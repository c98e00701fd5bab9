package dev.adjoint.processor.oracle;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/** Centered finite differences, including of a compiled static method called by reflection. */
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
    Method method = null;
    for (Method m : owner.getDeclaredMethods()) {
      if (m.getName().equals(name) && Modifier.isStatic(m.getModifiers())
          && m.getParameterCount() == args.length) {
        method = m;
        break;
      }
    }
    if (method == null) {
      throw new IllegalArgumentException("no static " + owner.getName() + "." + name);
    }
    method.setAccessible(true);
    Method target = method;
    return x -> {
      Object[] actual = args.clone();
      for (int k = 0; k < indices.length; k++) {
        actual[indices[k]] = x[k];
      }
      try {
        return ((Number) target.invoke(null, actual)).doubleValue();
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      } catch (InvocationTargetException e) {
        throw new IllegalStateException(e.getCause());
      }
    };
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
