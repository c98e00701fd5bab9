package dev.adjoint;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Steps parameters along their gradients, in place, as a training loop needs after each
 * pullback: zero the buffers ({@link #zero}), call the generated pullback, {@link #step}.
 *
 * <p>Parameters and gradients have one structure: a {@code double[]}, a {@code double[][]}
 * (ragged rows too), a record whose components are those or nested such records, or an
 * {@code Object[]} or {@code List} of any of them. Records are immutable, so a {@code double}
 * component cannot be stepped in place: hold a scalar parameter in a {@code double[]} of length 1
 * (the step refuses a record with a {@code double} component, naming it). The structure is read
 * once per parameter object and the optimizer's state (momentum, moments) allocated on the first
 * step; later steps with the same objects allocate nothing.
 *
 * <pre>{@code
 * Optimizer adam = Optimizer.adam(Schedule.cosine(1e-3, 100, 10_000));
 * for (int step = 0; step < 10_000; step++) {
 *   adam.zero(grads);
 *   MlpGrad.lossPullback(model, batchX, batchLabels, 1.0, grads); // grads: an Mlp of buffers
 *   adam.step(model, grads);
 * }
 * }</pre>
 */
public abstract class Optimizer {
  private final Schedule schedule;
  private final Map<Object, double[][]> leaves = new IdentityHashMap<>();
  private double[][] state;
  private int steps;

  Optimizer(Schedule schedule) {
    this.schedule = schedule;
  }

  /** Plain gradient descent: {@code p -= rate g}. */
  public static Optimizer sgd(Schedule rate) {
    return new Sgd(rate, 0, false);
  }

  /** Plain gradient descent with a fixed rate. */
  public static Optimizer sgd(double rate) {
    return sgd(Schedule.constant(rate));
  }

  /**
   * Gradient descent with momentum {@code mu} (PyTorch's convention: {@code v = mu v + g},
   * {@code p -= rate v}; Nesterov's: {@code p -= rate (g + mu v)}).
   */
  public static Optimizer momentum(Schedule rate, double mu, boolean nesterov) {
    return new Sgd(rate, mu, nesterov);
  }

  /** Adam (Kingma and Ba) with {@code beta1 = 0.9}, {@code beta2 = 0.999}, {@code eps = 1e-8}. */
  public static Optimizer adam(Schedule rate) {
    return adam(rate, 0.9, 0.999, 1e-8, 0);
  }

  /** Adam with a fixed rate. */
  public static Optimizer adam(double rate) {
    return adam(Schedule.constant(rate));
  }

  /**
   * Adam; with {@code weightDecay > 0}, AdamW (Loshchilov and Hutter): the parameters also decay
   * by {@code rate * weightDecay * p}, apart from the adaptive step.
   */
  public static Optimizer adam(Schedule rate, double beta1, double beta2, double eps,
      double weightDecay) {
    return new Adam(rate, beta1, beta2, eps, weightDecay);
  }

  /** The number of steps taken so far. */
  public int steps() {
    return steps;
  }

  /** Sets every element of {@code grads} to 0. */
  public void zero(Object grads) {
    for (double[] leaf : leavesOf(grads)) {
      Arrays.fill(leaf, 0.0);
    }
  }

  /** One step of every parameter along its gradient, at this step's rate. */
  public void step(Object params, Object grads) {
    double[][] p = leavesOf(params);
    double[][] g = leavesOf(grads);
    if (p.length != g.length) {
      throw new IllegalArgumentException("parameters have " + p.length
          + " arrays and gradients " + g.length + "; give them one structure");
    }
    for (int k = 0; k < p.length; k++) {
      if (p[k].length != g[k].length) {
        throw new IllegalArgumentException("array " + k + " of the parameters has length "
            + p[k].length + " and its gradient " + g[k].length);
      }
    }
    if (state == null) {
      state = newState(p);
    } else if (!sameShapes(state, p)) {
      throw new IllegalArgumentException("the parameters' structure changed since the first step;"
          + " use a new optimizer for other parameters");
    }
    double rate = schedule.rate(steps);
    steps++;
    for (int k = 0; k < p.length; k++) {
      update(k, p[k], g[k], rate, steps);
    }
  }

  /** The optimizer's state for parameters of these shapes, allocated once. */
  abstract double[][] newState(double[][] params);

  /** Steps {@code p}, the parameters' array {@code k}, along {@code g}; {@code t} counts from 1. */
  abstract void update(int k, double[] p, double[] g, double rate, int t);

  private static boolean sameShapes(double[][] state, double[][] params) {
    if (state.length == 0) {
      return true;
    }
    int per = state.length / Math.max(1, params.length);
    if (per * params.length != state.length) {
      return false;
    }
    for (int k = 0; k < params.length; k++) {
      if (state[k * per].length != params[k].length) {
        return false;
      }
    }
    return true;
  }

  /** The arrays of a structure, in order: read once per object, then cached. */
  private double[][] leavesOf(Object structure) {
    double[][] cached = leaves.get(structure);
    if (cached == null) {
      List<double[]> found = new ArrayList<>();
      collect(structure, "", found);
      cached = found.toArray(new double[0][]);
      leaves.put(structure, cached);
    }
    return cached;
  }

  private static void collect(Object value, String path, List<double[]> out) {
    if (value instanceof double[] row) {
      out.add(row);
    } else if (value instanceof double[][] matrix) {
      out.addAll(Arrays.asList(matrix));
    } else if (value instanceof Object[] items) {
      for (int i = 0; i < items.length; i++) {
        collect(items[i], path + "[" + i + "]", out);
      }
    } else if (value instanceof List<?> items) {
      for (int i = 0; i < items.size(); i++) {
        collect(items.get(i), path + "[" + i + "]", out);
      }
    } else if (value != null && value.getClass().isRecord()) {
      for (RecordComponent component : value.getClass().getRecordComponents()) {
        String name = path + "." + component.getName();
        Class<?> type = component.getType();
        if (type == double.class) {
          throw new IllegalArgumentException("record component " + name.substring(1)
              + " is a double, which a step cannot change in a record; hold it in a double[] of"
              + " length 1");
        }
        if (type.isPrimitive() || type == String.class || type == int[].class
            || component.isAnnotationPresent(NoDerivative.class)) {
          continue; // sizes, names, labels, data: constants
        }
        try {
          component.getAccessor().setAccessible(true);
          collect(component.getAccessor().invoke(value), name, out);
        } catch (ReflectiveOperationException e) {
          throw new IllegalArgumentException("cannot read record component "
              + name.substring(1) + ": " + e.getMessage(), e);
        }
      }
    } else {
      throw new IllegalArgumentException((path.isEmpty() ? "parameters" : path.substring(1))
          + " is " + (value == null ? "null" : "a " + value.getClass().getSimpleName())
          + "; parameters are double[], double[][], records of them, or arrays and lists of"
          + " those");
    }
  }

  /** Gradient descent, with momentum when {@code mu > 0}. */
  private static final class Sgd extends Optimizer {
    private final double mu;
    private final boolean nesterov;
    private double[][] velocity;

    Sgd(Schedule rate, double mu, boolean nesterov) {
      super(rate);
      this.mu = mu;
      this.nesterov = nesterov;
    }

    @Override
    double[][] newState(double[][] params) {
      velocity = new double[params.length][];
      for (int k = 0; k < params.length; k++) {
        velocity[k] = new double[mu > 0 ? params[k].length : 0];
      }
      return mu > 0 ? velocity : new double[0][];
    }

    @Override
    void update(int k, double[] p, double[] g, double rate, int t) {
      if (mu == 0) {
        for (int i = 0; i < p.length; i++) {
          p[i] -= rate * g[i];
        }
        return;
      }
      double[] v = velocity[k];
      for (int i = 0; i < p.length; i++) {
        v[i] = mu * v[i] + g[i];
        p[i] -= rate * (nesterov ? g[i] + mu * v[i] : v[i]);
      }
    }
  }

  /** Adam, and AdamW's decoupled weight decay. */
  private static final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private double[][] moments;

    Adam(Schedule rate, double beta1, double beta2, double eps, double weightDecay) {
      super(rate);
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.eps = eps;
      this.weightDecay = weightDecay;
    }

    @Override
    double[][] newState(double[][] params) {
      moments = new double[2 * params.length][];
      for (int k = 0; k < params.length; k++) {
        moments[2 * k] = new double[params[k].length];
        moments[2 * k + 1] = new double[params[k].length];
      }
      return moments;
    }

    @Override
    void update(int k, double[] p, double[] g, double rate, int t) {
      double[] m = moments[2 * k];
      double[] v = moments[2 * k + 1];
      double correction1 = 1 - Math.pow(beta1, t);
      double correction2 = 1 - Math.pow(beta2, t);
      for (int i = 0; i < p.length; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        double mHat = m[i] / correction1;
        double vHat = v[i] / correction2;
        p[i] -= rate * (mHat / (Math.sqrt(vHat) + eps) + weightDecay * p[i]);
      }
    }
  }
}
