package dev.adjoint.processor.testing;

import dev.adjoint.DoubleStack;
import dev.adjoint.IntStack;
import dev.adjoint.ReferenceStack;
import dev.adjoint.processor.oracle.HipparchusOracle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks a generated gradient against two independent oracles: Hipparchus forward mode run by an
 * interpreter of the same source (exact up to rounding) and centered finite differences of the
 * compiled original method.
 */
public final class GradientAssertions {
  /** Tolerance against the exact oracle, on ρ(x, y) = |x - y| / max(1, |x| + |y|) (ADBench). */
  public static final double EXACT = 1e-12;
  /** Tolerance against finite differences with step {@link #STEP}. */
  public static final double NUMERICAL = 1e-6;
  public static final double STEP = 1e-6;

  private GradientAssertions() {}

  /** Compiles {@code source}, differentiates {@code method} at {@code args} and checks it. */
  public static Compiled.Gradient assertGradient(String source, String method, Object... args) {
    return assertGradient(Compiled.compile(source), source, method, args);
  }

  public static Compiled.Gradient assertGradient(Compiled compiled, String source, String method,
      Object... args) {
    Compiled.Gradient actual = assertExactGradient(compiled, source, method, args);
    String where = method + Arrays.deepToString(args) + " in\n" + source;
    double[] numerical =
        finiteDifferences(compiled, Compiled.qualifiedName(source), method, args);
    assertClose("finite differences", actual.partials(), numerical, NUMERICAL, actual, where);
    return actual;
  }

  /**
   * As {@link #assertGradient(Compiled, String, String, Object...)}, against the exact oracle
   * only: for code that calls {@code Gates.stopGradient}, whose derivative finite differences of
   * the original method cannot see.
   */
  public static Compiled.Gradient assertExactGradient(Compiled compiled, String source,
      String method, Object... args) {
    String className = Compiled.qualifiedName(source);
    drainTapes();
    Compiled.Gradient actual = compiled.gradient(className, method, args);
    assertTapesBalanced(method);
    double primal = compiled.primal(className, method, args);
    String where = method + Arrays.deepToString(args) + " in\n" + source;
    if (Double.doubleToLongBits(actual.value()) != Double.doubleToLongBits(primal)) {
      throw new AssertionError("value " + actual.value() + " differs from the original method's "
          + primal + " for " + where);
    }
    HipparchusOracle.Result exact = HipparchusOracle.evaluate(source, method, args);
    assertClose("exact (Hipparchus)", actual.partials(), exact.gradient(), EXACT, actual, where);
    assertJvp(compiled, className, method, args, primal, exact.gradient(), where);
    return actual;
  }

  /**
   * A program whose leading parameters went into a record ({@link
   * dev.adjoint.processor.oracle.RecordVariant}): its gradient, a record of the record's type
   * first, flattened in component order, against Hipparchus on {@code original}, the same program
   * before, at the same values ({@code flatArgs}); its value bit for bit against its own primal.
   */
  public static void assertRecordGradient(Compiled compiled, String source, String original,
      String method, Object[] recordArgs, Object[] flatArgs) {
    String className = Compiled.qualifiedName(source);
    drainTapes();
    Compiled.Gradient actual = compiled.gradient(className, method, recordArgs);
    assertTapesBalanced(method);
    double primal = compiled.primal(className, method, recordArgs);
    String where = method + Arrays.deepToString(flatArgs) + " in\n" + source;
    if (Double.doubleToLongBits(actual.value()) != Double.doubleToLongBits(primal)) {
      throw new AssertionError("value " + actual.value() + " differs from the original method's "
          + primal + " for " + where);
    }
    HipparchusOracle.Result exact = HipparchusOracle.evaluate(original, method, flatArgs);
    assertClose("exact (Hipparchus, on the program before the record)", actual.partials(),
        exact.gradient(), EXACT, actual, where);
  }

  /**
   * The generated JVP along a fixed direction {@code v} (one tangent per differentiated
   * parameter, of its shape) gives the primal's value bit for bit and {@code ∇f · v} from the
   * exact oracle, to {@link #EXACT} relative to {@code Σ |∂f/∂x_k v_k|} (the sum's own scale).
   */
  private static void assertJvp(Compiled compiled, String className, String method,
      Object[] args, double primal, double[] gradient, String where) {
    List<Integer> differentiated = differentiatedIndices(compiled, className, method, args);
    Object[] tangents = new Object[differentiated.size()];
    double[] direction = directions(differentiated, args, tangents);
    double[] jvp = compiled.jvp(className, method, args, tangents);
    if (Double.doubleToLongBits(jvp[0]) != Double.doubleToLongBits(primal)) {
      throw new AssertionError("JVP value " + jvp[0] + " differs from the original method's "
          + primal + " for " + where);
    }
    double expected = 0;
    double scale = 1;
    for (int j = 0; j < gradient.length; j++) {
      expected += gradient[j] * direction[j];
      scale += Math.abs(gradient[j] * direction[j]);
    }
    boolean bothNaN = Double.isNaN(expected) && Double.isNaN(jvp[1]);
    if (!bothNaN && !(Math.abs(jvp[1] - expected) <= EXACT * scale)) {
      throw new AssertionError("JVP tangent " + jvp[1] + ", expected ∇f·v = " + expected
          + " (difference " + Math.abs(jvp[1] - expected) + " > " + EXACT + " × " + scale
          + ") for " + where);
    }
  }

  /**
   * The generated HVP of an order-2 method along the fixed direction {@code v} of
   * {@link #assertJvp}: its value is the primal's bit for bit, its gradient the exact oracle's,
   * and its H·v the product of Hipparchus's {@code DerivativeStructure} Hessian with {@code v}, to
   * {@link #EXACT} relative to {@code 1 + Σ_j |H_ij v_j|} (the row's own scale); then the
   * generated Hessian against the oracle's, entry by entry.
   */
  public static void assertSecondOrder(Compiled compiled, String source, String method,
      Object... args) {
    String className = Compiled.qualifiedName(source);
    String where = method + Arrays.deepToString(args) + " in\n" + source;
    List<Integer> differentiated = differentiatedIndices(compiled, className, method, args);
    Object[] shaped = new Object[differentiated.size()];
    double[] v = directions(differentiated, args, shaped);
    drainTapes();
    Compiled.SecondOrder hvp = compiled.hvp(className, method, args, shaped);
    assertTapesBalanced(method);
    double primal = compiled.primal(className, method, args);
    if (Double.doubleToLongBits(hvp.value()) != Double.doubleToLongBits(primal)) {
      throw new AssertionError("HVP value " + hvp.value() + " differs from the original"
          + " method's " + primal + " for " + where);
    }
    HipparchusOracle.SecondOrder exact = HipparchusOracle.hessian(source, method, args);
    Compiled.Gradient names = compiled.gradient(className, method, args);
    assertClose("HVP gradient vs exact (Hipparchus)", hvp.gradient(), exact.gradient(), EXACT,
        names, where);
    double[][] h = exact.hessian();
    for (int i = 0; i < v.length; i++) {
      double expected = 0;
      double scale = 1;
      for (int j = 0; j < v.length; j++) {
        expected += h[i][j] * v[j];
        scale += Math.abs(h[i][j] * v[j]);
      }
      double actual = hvp.hv()[i];
      boolean bothNaN = Double.isNaN(expected) && Double.isNaN(actual);
      if (!bothNaN && !(Math.abs(actual - expected) <= EXACT * scale)) {
        throw new AssertionError("H·v of " + names.names().get(i) + " = " + actual
            + ", expected " + expected + " from Hipparchus DerivativeStructure (difference "
            + Math.abs(actual - expected) + " > " + EXACT + " × " + scale + ") for " + where);
      }
    }
    drainTapes();
    Compiled.SecondOrder full = compiled.hessian(className, method, args);
    assertTapesBalanced(method);
    for (int i = 0; i < v.length; i++) {
      for (int j = 0; j < v.length; j++) {
        if (!(rho(full.hessian()[i][j], h[i][j]) <= EXACT)) {
          throw new AssertionError("Hessian[" + i + "][" + j + "] = " + full.hessian()[i][j]
              + ", expected " + h[i][j] + " from Hipparchus DerivativeStructure for " + where);
        }
      }
    }
  }

  /**
   * A method returning {@code double[]}: its value equals the original method's bit for bit; its
   * Jacobian (forward or reverse, as {@code fJacobian} chooses), its VJP along the fixed seed
   * {@code direction(k)} and its JVP along the fixed direction equal the products of Hipparchus's
   * Jacobian, to {@link #EXACT} relative to the products' own scales.
   */
  public static void assertVectorOutput(Compiled compiled, String source, String method,
      Object... args) {
    String className = Compiled.qualifiedName(source);
    String where = method + Arrays.deepToString(args) + " in\n" + source;
    double[] primal = compiled.primalVector(className, method, args);
    HipparchusOracle.Jacobian exact = HipparchusOracle.jacobian(source, method, args);
    drainTapes();
    Compiled.Jacobian jacobian = compiled.jacobian(className, method, args);
    assertTapesBalanced(method);
    if (!Arrays.equals(primal, jacobian.value())) {
      throw new AssertionError("value " + Arrays.toString(jacobian.value()) + " differs from the"
          + " original method's " + Arrays.toString(primal) + " for " + where);
    }
    int m = primal.length;
    for (int k = 0; k < m; k++) {
      for (int j = 0; j < exact.jacobian()[k].length; j++) {
        if (!(rho(jacobian.rows()[k][j], exact.jacobian()[k][j]) <= EXACT)) {
          throw new AssertionError("Jacobian[" + k + "][" + j + "] = " + jacobian.rows()[k][j]
              + ", expected " + exact.jacobian()[k][j] + " (Hipparchus) for " + where);
        }
      }
    }
    List<Integer> differentiated = new ArrayList<>();
    java.lang.reflect.Method original = Arrays.stream(compiled.load(className)
        .getDeclaredMethods()).filter(x -> x.getName().equals(method)
            && x.getParameterCount() == args.length).findFirst().orElseThrow();
    for (int i = 0; i < args.length; i++) {
      String component = "d" + original.getParameters()[i].getName();
      if (jacobian.components().contains(component)
          || jacobian.components().contains(component + "_")) {
        differentiated.add(i);
      }
    }
    double[] seed = new double[m];
    for (int k = 0; k < m; k++) {
      seed[k] = direction(k);
    }
    drainTapes();
    double[] vjp = compiled.vjp(className, method, args, seed, differentiated);
    assertTapesBalanced(method);
    double[] backward = compiled.backward(className, method, args, seed, differentiated);
    assertTapesBalanced(method);
    if (!Arrays.equals(Arrays.copyOfRange(vjp, m, vjp.length), backward)) {
      throw new AssertionError("the backward pass alone gives " + Arrays.toString(backward)
          + ", the pullback " + Arrays.toString(Arrays.copyOfRange(vjp, m, vjp.length)) + " for "
          + where);
    }
    int n = exact.jacobian().length == 0 ? 0 : exact.jacobian()[0].length;
    for (int j = 0; j < n; j++) {
      double expected = 0;
      double scale = 1;
      for (int k = 0; k < m; k++) {
        expected += seed[k] * exact.jacobian()[k][j];
        scale += Math.abs(seed[k] * exact.jacobian()[k][j]);
      }
      if (!(Math.abs(vjp[m + j] - expected) <= EXACT * scale)) {
        throw new AssertionError("VJP entry " + j + " = " + vjp[m + j] + ", expected seedᵀJ = "
            + expected + " for " + where);
      }
    }
    Object[] tangents = new Object[differentiated.size()];
    double[] v = directions(differentiated, args, tangents);
    double[][] jvp = compiled.vectorJvp(className, method, args, tangents);
    if (!Arrays.equals(primal, jvp[0])) {
      throw new AssertionError("JVP value differs from the original method's for " + where);
    }
    for (int k = 0; k < m; k++) {
      double expected = 0;
      double scale = 1;
      for (int j = 0; j < n; j++) {
        expected += exact.jacobian()[k][j] * v[j];
        scale += Math.abs(exact.jacobian()[k][j] * v[j]);
      }
      if (!(Math.abs(jvp[1][k] - expected) <= EXACT * scale)) {
        throw new AssertionError("JVP output " + k + " = " + jvp[1][k] + ", expected J v = "
            + expected + " for " + where);
      }
    }
  }

  /**
   * The fixed direction {@code v}, {@link #direction(int)} in every entry: flattened, and shaped
   * like each differentiated argument into {@code shaped}.
   */
  private static double[] directions(List<Integer> differentiated, Object[] args,
      Object[] shaped) {
    List<Double> flat = new ArrayList<>();
    for (int t = 0; t < shaped.length; t++) {
      Object arg = args[differentiated.get(t)];
      if (arg instanceof double[][] matrix) {
        double[][] tangent = new double[matrix.length][];
        for (int r = 0; r < matrix.length; r++) {
          tangent[r] = new double[matrix[r].length];
          for (int c = 0; c < matrix[r].length; c++) {
            tangent[r][c] = direction(flat.size());
            flat.add(tangent[r][c]);
          }
        }
        shaped[t] = tangent;
      } else if (arg instanceof double[] row) {
        double[] tangent = new double[row.length];
        for (int j = 0; j < row.length; j++) {
          tangent[j] = direction(flat.size());
          flat.add(tangent[j]);
        }
        shaped[t] = tangent;
      } else {
        shaped[t] = direction(flat.size());
        flat.add((Double) shaped[t]);
      }
    }
    return flat.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** A fixed direction, different in every entry, of order 1. */
  private static double direction(int k) {
    return Math.sin(1.7 * k + 0.3);
  }

  /** Every value a pullback pushes it pops again: the thread's tapes end as they began. */
  private static void assertTapesBalanced(String method) {
    int left = DoubleStack.forThisThread().size() + IntStack.forThisThread().size()
        + ReferenceStack.forThisThread().size();
    if (left != 0) {
      drainTapes();
      throw new AssertionError(method + " left " + left + " values on the tapes");
    }
  }

  private static void drainTapes() {
    while (DoubleStack.forThisThread().size() > 0) {
      DoubleStack.forThisThread().pop();
    }
    while (IntStack.forThisThread().size() > 0) {
      IntStack.forThisThread().pop();
    }
    while (ReferenceStack.forThisThread().size() > 0) {
      ReferenceStack.forThisThread().pop();
    }
  }

  public static double rho(double x, double y) {
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return Double.isNaN(x) && Double.isNaN(y) ? 0 : Double.POSITIVE_INFINITY;
    }
    if (x == y) {
      return 0;
    }
    return Math.abs(x - y) / Math.max(1, Math.abs(x) + Math.abs(y));
  }

  private static void assertClose(String oracle, double[] actual, double[] expected,
      double tolerance, Compiled.Gradient gradient, String where) {
    if (actual.length != expected.length) {
      throw new AssertionError(oracle + ": " + actual.length + " partials, expected "
          + expected.length + " for " + where);
    }
    for (int i = 0; i < actual.length; i++) {
      if (!(rho(actual[i], expected[i]) <= tolerance)) {
        throw new AssertionError(oracle + ": " + gradient.names().get(i) + " = " + actual[i]
            + ", expected " + expected[i] + " (rho " + rho(actual[i], expected[i]) + " > "
            + tolerance + ") for " + where);
      }
    }
  }

  /**
   * Centered differences of the original method in each differentiated entry: every element of
   * a differentiated array, row-major, in parameter order.
   */
  private static double[] finiteDifferences(Compiled compiled, String className, String method,
      Object[] args) {
    List<Double> result = new ArrayList<>();
    for (int i : differentiatedIndices(compiled, className, method, args)) {
      if (args[i] instanceof Double x) {
        result.add(difference(compiled, className, method, args, x, v -> {
          Object[] probe = Compiled.deepCopy(args);
          probe[i] = v;
          return probe;
        }));
      } else if (args[i] instanceof double[] row) {
        for (int j = 0; j < row.length; j++) {
          int k = j;
          result.add(difference(compiled, className, method, args, row[j], v -> {
            Object[] probe = Compiled.deepCopy(args);
            ((double[]) probe[i])[k] = v;
            return probe;
          }));
        }
      } else if (args[i] instanceof double[][] matrix) {
        for (int r = 0; r < matrix.length; r++) {
          for (int c = 0; c < matrix[r].length; c++) {
            int rr = r;
            int cc = c;
            result.add(difference(compiled, className, method, args, matrix[r][c], v -> {
              Object[] probe = Compiled.deepCopy(args);
              ((double[][]) probe[i])[rr][cc] = v;
              return probe;
            }));
          }
        }
      }
    }
    return result.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double difference(Compiled compiled, String className, String method,
      Object[] args, double x, java.util.function.DoubleFunction<Object[]> at) {
    double h = STEP * Math.max(1, Math.abs(x));
    return (compiled.primal(className, method, at.apply(x + h))
        - compiled.primal(className, method, at.apply(x - h))) / (2 * h);
  }

  /** Indices of the arguments the record has a component for ({@code d<name>...}). */
  private static List<Integer> differentiatedIndices(Compiled compiled, String className,
      String method, Object[] args) {
    List<String> components = compiled.components(className, method, args);
    java.lang.reflect.Method original = Arrays.stream(compiled.load(className).getDeclaredMethods())
        .filter(m -> m.getName().equals(method) && m.getParameterCount() == args.length)
        .findFirst().orElseThrow();
    List<Integer> indices = new ArrayList<>();
    var parameters = original.getParameters();
    for (int i = 0; i < parameters.length; i++) {
      String component = "d" + parameters[i].getName(); // do_ where that is a keyword
      if (components.contains(component) || components.contains(component + "_")) {
        indices.add(i);
      }
    }
    if (indices.size() != components.size()) {
      throw new AssertionError("compile with -parameters to match components " + components);
    }
    return indices;
  }
}
