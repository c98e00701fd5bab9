package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.GradCheck.Report;
import dev.adjoint.GradCheck.ScalarFunction;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class GradCheckTest {

  /** f(x) = x0 * x1 + sin(x2), gradient (x1, x0, cos(x2)). */
  private static final ScalarFunction F = x -> x[0] * x[1] + Math.sin(x[2]);

  private static double[] gradF(double[] x) {
    return new double[] {x[1], x[0], Math.cos(x[2])};
  }

  private static final ScalarFunction NEVER =
      x -> {
        throw new AssertionError("f must not be evaluated");
      };

  // ---------------------------------------------------------------- class shape

  @Test
  void isFinalWithPrivateConstructor() throws Exception {
    assertTrue(Modifier.isFinal(GradCheck.class.getModifiers()));
    Constructor<?>[] constructors = GradCheck.class.getDeclaredConstructors();
    assertEquals(1, constructors.length);
    assertTrue(Modifier.isPrivate(constructors[0].getModifiers()));
  }

  @Test
  void defaultStepIsOneEMinusFive() {
    assertEquals(1e-5, GradCheck.DEFAULT_STEP);
  }

  // ---------------------------------------------------------------- numericalGradient

  @Test
  void numericalGradientMatchesAnalyticDerivatives() {
    double[] x = {1.5, -2.0, 0.7};
    assertArrayEquals(gradF(x), GradCheck.numericalGradient(F, x), 1e-8);
  }

  @Test
  void numericalGradientOfExpAndLogAndPolynomial() {
    ScalarFunction g = x -> Math.exp(x[0]) + Math.log(x[1]) + x[2] * x[2] * x[3];
    double[] x = {0.3, 2.5, -1.25, 4.0};
    double[] expected = {Math.exp(0.3), 1 / 2.5, 2 * -1.25 * 4.0, -1.25 * -1.25};
    assertArrayEquals(expected, GradCheck.numericalGradient(g, x), 1e-8);
  }

  @Test
  void numericalGradientUsesTheGivenStep() {
    // For x^3 the centered difference is exactly 3x^2 + h^2: the step is visible in the result.
    ScalarFunction cube = x -> x[0] * x[0] * x[0];
    double[] gradient = GradCheck.numericalGradient(cube, new double[] {2.0}, 0.1);
    assertEquals(12.01, gradient[0], 1e-12);
  }

  @Test
  void numericalGradientDefaultsToDefaultStep() {
    ScalarFunction cube = x -> x[0] * x[0] * x[0] + x[1] * x[1] * x[1];
    double[] x = {2.0, -0.5};
    assertArrayEquals(
        GradCheck.numericalGradient(cube, x, GradCheck.DEFAULT_STEP),
        GradCheck.numericalGradient(cube, x),
        0.0);
    assertNotEquals(
        GradCheck.numericalGradient(cube, x, 1e-3)[0], GradCheck.numericalGradient(cube, x)[0]);
  }

  @Test
  void numericalGradientProbesEachComponentOnceInEachDirection() {
    double h = 0.25;
    double[] x = {1.0, 2.0, 3.0};
    List<double[]> probes = new ArrayList<>();
    GradCheck.numericalGradient(
        p -> {
          probes.add(p.clone());
          return 0.0;
        },
        x,
        h);
    assertEquals(2 * x.length, probes.size());
    Set<String> seen = new HashSet<>();
    for (double[] p : probes) {
      assertEquals(x.length, p.length);
      int changed = -1;
      for (int i = 0; i < x.length; i++) {
        if (p[i] != x[i]) {
          assertEquals(-1, changed, "more than one component changed");
          changed = i;
        }
      }
      assertTrue(changed >= 0, "no component changed");
      double delta = p[changed] - x[changed];
      assertEquals(h, Math.abs(delta), 0.0);
      seen.add(changed + (delta > 0 ? "+" : "-"));
    }
    assertEquals(Set.of("0+", "0-", "1+", "1-", "2+", "2-"), seen);
  }

  @Test
  void numericalGradientNeverModifiesX() {
    double[] x = {0.1, -0.2, 0.3};
    double[] before = x.clone();
    GradCheck.numericalGradient(F, x);
    assertArrayEquals(before, x, 0.0);
  }

  @Test
  void numericalGradientSurvivesAFunctionThatModifiesItsArgument() {
    ScalarFunction vandal =
        p -> {
          double value = p[0] * p[1];
          p[0] = 1e9;
          p[1] = -1e9;
          return value;
        };
    double[] x = {3.0, 5.0};
    double[] before = x.clone();
    double[] gradient = GradCheck.numericalGradient(vandal, x);
    assertArrayEquals(before, x, 0.0);
    assertArrayEquals(new double[] {5.0, 3.0}, gradient, 1e-8);
  }

  @Test
  void numericalGradientOfEmptyPointIsEmpty() {
    assertEquals(0, GradCheck.numericalGradient(NEVER, new double[0]).length);
  }

  @Test
  void numericalGradientRejectsBadSteps() {
    double[] x = {1.0};
    for (double h : new double[] {0.0, -1e-5, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> GradCheck.numericalGradient(NEVER, x, h));
      assertTrue(e.getMessage().contains(String.valueOf(h)), e.getMessage());
    }
  }

  // ---------------------------------------------------------------- relativeError

  @Test
  void relativeErrorOfTwoZerosIsZero() {
    assertEquals(0.0, GradCheck.relativeError(0.0, 0.0));
    assertEquals(0.0, GradCheck.relativeError(-0.0, 0.0));
    assertEquals(0.0, GradCheck.relativeError(0.0, -0.0));
  }

  @Test
  void relativeErrorOfEqualValuesIsZero() {
    assertEquals(0.0, GradCheck.relativeError(3.5, 3.5));
    assertEquals(0.0, GradCheck.relativeError(-1e-300, -1e-300));
  }

  @Test
  void relativeErrorFollowsTheFormula() {
    assertEquals(2.0, GradCheck.relativeError(1.0, -1.0)); // 2 / 1
    assertEquals(0.5, GradCheck.relativeError(2.0, 1.0)); // 1 / 2
    assertEquals(0.5, GradCheck.relativeError(1.0, 2.0)); // symmetric
    assertEquals(0.1, GradCheck.relativeError(0.9, 1.0), 1e-15); // 0.1 / 1
    assertEquals(0.1 / 1.1, GradCheck.relativeError(1.1, 1.0), 1e-15);
    assertEquals(1.0, GradCheck.relativeError(0.0, 1e-3)); // one zero: always 1
    assertEquals(1.0, GradCheck.relativeError(-7.0, 0.0));
    assertEquals(1.5, GradCheck.relativeError(-2.0, 1.0)); // 3 / 2
  }

  @Test
  void relativeErrorIsNaNIfEitherIsNaN() {
    assertTrue(Double.isNaN(GradCheck.relativeError(Double.NaN, 1.0)));
    assertTrue(Double.isNaN(GradCheck.relativeError(1.0, Double.NaN)));
    assertTrue(Double.isNaN(GradCheck.relativeError(Double.NaN, 0.0)));
    assertTrue(Double.isNaN(GradCheck.relativeError(0.0, Double.NaN)));
    assertTrue(Double.isNaN(GradCheck.relativeError(Double.NaN, Double.NaN)));
  }

  // ---------------------------------------------------------------- check

  @Test
  void checkAcceptsARightGradient() {
    double[] x = {1.5, -2.0, 0.7};
    Report report = GradCheck.check(F, x, gradF(x));
    assertEquals(List.of("x[0]", "x[1]", "x[2]"), report.names());
    assertArrayEquals(x, report.point(), 0.0);
    assertArrayEquals(gradF(x), report.analytic(), 0.0);
    assertArrayEquals(gradF(x), report.numerical(), 1e-8);
    assertTrue(report.maxRelativeError() < 1e-8, report.toString());
    assertTrue(report.passes(1e-7), report.toString());
  }

  @Test
  void checkDetectsAComponentOffByTenPercent() {
    double[] x = {1.5, -2.0, 0.7};
    double[] wrong = gradF(x);
    wrong[1] *= 0.9;
    Report report = GradCheck.check(F, x, wrong);
    double[] errors = report.relativeErrors();
    assertEquals(0.1, errors[1], 1e-6);
    assertTrue(errors[0] < 1e-8, report.toString());
    assertTrue(errors[2] < 1e-8, report.toString());
    assertEquals(errors[1], report.maxRelativeError());
    assertFalse(report.passes(1e-6));
    assertTrue(report.passes(0.2));
  }

  @Test
  void checkDetectsAWrongSign() {
    double[] x = {1.5, -2.0, 0.7};
    double[] wrong = gradF(x);
    wrong[2] = -wrong[2];
    Report report = GradCheck.check(F, x, wrong);
    assertEquals(2.0, report.relativeErrors()[2], 1e-8);
    assertFalse(report.passes(1.0));
  }

  @Test
  void checkLeavesXUnchanged() {
    double[] x = {1.5, -2.0, 0.7};
    double[] before = x.clone();
    GradCheck.check(F, x, gradF(x));
    GradCheck.check(F, x, gradF(x), "a", "b", "c");
    GradCheck.check(F, x, gradF(x), 1e-3, "a", "b", "c");
    assertArrayEquals(before, x, 0.0);
  }

  @Test
  void checkUsesGivenNames() {
    double[] x = {1.5, -2.0, 0.7};
    Report report = GradCheck.check(F, x, gradF(x), "weight", "bias", "angle");
    assertEquals(List.of("weight", "bias", "angle"), report.names());
  }

  @Test
  void checkUsesGivenStep() {
    ScalarFunction cube = x -> x[0] * x[0] * x[0];
    Report report = GradCheck.check(cube, new double[] {2.0}, new double[] {12.0}, 0.1, "t");
    assertEquals(12.01, report.numerical()[0], 1e-12);
    assertEquals(0.01 / 12.01, report.relativeErrors()[0], 1e-12);
  }

  @Test
  void checkWithoutStepUsesDefaultStep() {
    // The centered difference of x^3 is 3x^2 + h^2, so a different step gives a different result.
    ScalarFunction cube = x -> x[0] * x[0] * x[0];
    double[] x = {2.0};
    double[] analytic = {12.0};
    double expected = GradCheck.numericalGradient(cube, x, GradCheck.DEFAULT_STEP)[0];
    assertEquals(expected, GradCheck.check(cube, x, analytic).numerical()[0], 0.0);
    assertEquals(expected, GradCheck.check(cube, x, analytic, "t").numerical()[0], 0.0);
    assertNotEquals(expected, GradCheck.check(cube, x, analytic, 1e-3, "t").numerical()[0]);
  }

  @Test
  void checkRejectsAnalyticOfWrongLengthBeforeEvaluating() {
    double[] x = {1.0, 2.0, 3.0};
    double[] analytic = {1.0, 2.0, 3.0, 4.0, 5.0};
    for (Executable call :
        List.<Executable>of(
            () -> GradCheck.check(NEVER, x, analytic),
            () -> GradCheck.check(NEVER, x, analytic, "a", "b", "c"),
            () -> GradCheck.check(NEVER, x, analytic, 1e-5, "a", "b", "c"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
      assertTrue(e.getMessage().contains("length 3"), e.getMessage());
      assertTrue(e.getMessage().contains("length 5"), e.getMessage());
      assertTrue(e.getMessage().contains("analytic"), e.getMessage());
    }
  }

  @Test
  void checkRejectsNamesOfWrongLengthBeforeEvaluating() {
    double[] x = {1.0, 2.0, 3.0};
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GradCheck.check(NEVER, x, x, "a", "b"));
    assertTrue(e.getMessage().contains("length 3"), e.getMessage());
    assertTrue(e.getMessage().contains("length 2"), e.getMessage());
    assertTrue(e.getMessage().contains("names"), e.getMessage());
  }

  @Test
  void checkRejectsBadStep() {
    assertThrows(
        IllegalArgumentException.class,
        () -> GradCheck.check(NEVER, new double[] {1.0}, new double[] {1.0}, -1.0, "a"));
  }

  @Test
  void checkRejectsNulls() {
    double[] x = {1.0};
    assertThrows(NullPointerException.class, () -> GradCheck.check(null, x, x));
    assertThrows(NullPointerException.class, () -> GradCheck.check(F, null, x));
    assertThrows(NullPointerException.class, () -> GradCheck.check(NEVER, x, null));
    assertThrows(NullPointerException.class, () -> GradCheck.check(NEVER, x, x, (String) null));
  }

  @Test
  void checkOfAMatrixFunctionThroughFlatten() {
    // f(W) = sum_ij W_ij^2 * (i + 1), so dF/dW_ij = 2 W_ij (i + 1).
    double[][] w = {{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}};
    double[][] dw = new double[2][3];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        dw[i][j] = 2 * w[i][j] * (i + 1);
      }
    }
    ScalarFunction f =
        flat -> {
          double[][] m = GradCheck.unflatten(flat, 2, 3);
          double sum = 0;
          for (int i = 0; i < 2; i++) {
            for (double v : m[i]) {
              sum += v * v * (i + 1);
            }
          }
          return sum;
        };
    Report report = GradCheck.check(f, GradCheck.flatten(w), GradCheck.flatten(dw));
    assertTrue(report.passes(1e-8), report.toString());
    dw[1][2] += 0.5;
    assertFalse(GradCheck.check(f, GradCheck.flatten(w), GradCheck.flatten(dw)).passes(1e-2));
  }

  // ---------------------------------------------------------------- Report

  private static Report report(double... errors) {
    int n = errors.length;
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add("p" + i);
    }
    return new Report(names, new double[n], new double[n], new double[n], errors);
  }

  @Test
  void reportCopiesItsInputs() {
    List<String> names = new ArrayList<>(List.of("a", "b"));
    double[] point = {1, 2};
    double[] analytic = {3, 4};
    double[] numerical = {5, 6};
    double[] errors = {7, 8};
    Report report = new Report(names, point, analytic, numerical, errors);
    names.set(0, "changed");
    point[0] = analytic[0] = numerical[0] = errors[0] = -1;
    assertEquals(List.of("a", "b"), report.names());
    assertArrayEquals(new double[] {1, 2}, report.point(), 0.0);
    assertArrayEquals(new double[] {3, 4}, report.analytic(), 0.0);
    assertArrayEquals(new double[] {5, 6}, report.numerical(), 0.0);
    assertArrayEquals(new double[] {7, 8}, report.relativeErrors(), 0.0);
  }

  @Test
  void reportAccessorsReturnCopies() {
    Report report =
        new Report(
            List.of("a"), new double[] {1}, new double[] {2}, new double[] {3}, new double[] {4});
    report.point()[0] = -1;
    report.analytic()[0] = -1;
    report.numerical()[0] = -1;
    report.relativeErrors()[0] = -1;
    assertArrayEquals(new double[] {1}, report.point(), 0.0);
    assertArrayEquals(new double[] {2}, report.analytic(), 0.0);
    assertArrayEquals(new double[] {3}, report.numerical(), 0.0);
    assertArrayEquals(new double[] {4}, report.relativeErrors(), 0.0);
    assertThrows(UnsupportedOperationException.class, () -> report.names().add("b"));
  }

  @Test
  void reportRejectsMismatchedLengths() {
    double[] two = {1, 2};
    double[] three = {1, 2, 3};
    List<String> names = List.of("a", "b");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Report(names, two, two, three, two));
    assertTrue(e.getMessage().contains("numerical 3"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Report(names, three, two, two, two));
    assertThrows(IllegalArgumentException.class, () -> new Report(names, two, three, two, two));
    assertThrows(IllegalArgumentException.class, () -> new Report(names, two, two, two, three));
    assertThrows(
        IllegalArgumentException.class, () -> new Report(List.of("a"), two, two, two, two));
  }

  @Test
  void reportsWithEqualContentsAreEqual() {
    Report a = GradCheck.check(F, new double[] {1, 2, 3}, new double[] {2, 1, 0});
    Report b = GradCheck.check(F, new double[] {1, 2, 3}, new double[] {2, 1, 0});
    Report c = GradCheck.check(F, new double[] {1, 2, 3}, new double[] {2, 1, 1});
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, c);
  }

  @Test
  void maxRelativeErrorIsTheLargest() {
    assertEquals(0.3, report(0.1, 0.3, 0.2).maxRelativeError());
    assertEquals(0.0, report().maxRelativeError());
  }

  @Test
  void maxRelativeErrorIsNaNIfAnyIsNaN() {
    assertTrue(Double.isNaN(report(0.1, Double.NaN, 0.2).maxRelativeError()));
    assertTrue(Double.isNaN(report(0.5, 0.1, Double.NaN).maxRelativeError()));
    assertTrue(Double.isNaN(report(Double.NaN, 0.5).maxRelativeError()));
  }

  @Test
  void passesComparesEveryErrorInclusively() {
    assertTrue(report(1e-8, 1e-7).passes(1e-7));
    assertFalse(report(1e-8, 2e-7).passes(1e-7));
    assertFalse(report(2e-7, 1e-8).passes(1e-7));
    assertTrue(report().passes(0.0));
  }

  @Test
  void nanNeverPasses() {
    assertFalse(report(0.0, Double.NaN).passes(1.0));
    assertFalse(report(Double.NaN, 0.0).passes(Double.POSITIVE_INFINITY));
  }

  @Test
  void nanGradientFailsTheCheck() {
    Report report = GradCheck.check(x -> x[0], new double[] {1.0}, new double[] {Double.NaN});
    assertTrue(Double.isNaN(report.relativeErrors()[0]));
    assertFalse(report.passes(1.0));
  }

  @Test
  void toStringListsEveryNameAndTheMaxError() {
    Report report =
        new Report(
            List.of("weight", "b", "a_rather_long_name"),
            new double[] {1, 2, 3},
            new double[] {0.5, -1.25, 3e10},
            new double[] {0.5, -1.25, 3e10},
            new double[] {1.234e-10, 5e-12, 0.0});
    String text = report.toString();
    assertTrue(text.contains("weight"), text);
    assertTrue(text.contains("a_rather_long_name"), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("b ")), text);
    assertTrue(text.contains("analytic"), text);
    assertTrue(text.contains("numerical"), text);
    assertTrue(text.contains("relative error"), text);
    List<String> lines = text.lines().toList();
    assertEquals("max relative error 1.2e-10", lines.get(lines.size() - 1));
  }

  @Test
  void toStringIsAFixedWidthTable() {
    Report report =
        new Report(
            List.of("w", "a_rather_long_name", "bb"),
            new double[] {1, 2, 3},
            new double[] {0.5, -1.25e-300, 3e10},
            new double[] {-0.5, 1.0, Double.NaN},
            new double[] {2.0, 1.0, Double.NaN});
    List<String> lines = report.toString().lines().toList();
    assertEquals(5, lines.size(), report.toString()); // header, 3 rows, max line
    int width = lines.get(0).length();
    for (String line : lines.subList(1, 4)) {
      assertEquals(width, line.length(), report.toString());
    }
    // Columns line up: each number ends where its header ends.
    int analyticEnd = lines.get(0).indexOf("analytic") + "analytic".length();
    for (String line : lines.subList(1, 4)) {
      assertTrue(line.charAt(analyticEnd - 1) != ' ', line);
      assertEquals(' ', line.charAt(analyticEnd), line);
    }
    assertEquals("max relative error NaN", lines.get(4));
  }

  @Test
  void toStringIgnoresTheDefaultLocale() {
    Locale saved = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      Report report =
          new Report(
              List.of("a"),
              new double[] {1},
              new double[] {0.5},
              new double[] {0.25},
              new double[] {0.5});
      String text = report.toString();
      assertTrue(text.contains("5.000000000e-01"), text);
      assertTrue(text.contains("2.500000000e-01"), text);
      assertTrue(text.endsWith("max relative error 5.0e-01"), text);
      assertFalse(text.contains(","), text);
    } finally {
      Locale.setDefault(saved);
    }
  }

  // ---------------------------------------------------------------- flatten / unflatten

  @Test
  void flattenIsRowMajor() {
    double[][] m = {{1, 2, 3}, {4, 5, 6}};
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, GradCheck.flatten(m), 0.0);
  }

  @Test
  void unflattenIsRowMajor() {
    double[][] m = GradCheck.unflatten(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
    assertEquals(3, m.length);
    assertArrayEquals(new double[] {1, 2}, m[0], 0.0);
    assertArrayEquals(new double[] {3, 4}, m[1], 0.0);
    assertArrayEquals(new double[] {5, 6}, m[2], 0.0);
  }

  @Test
  void flattenAndUnflattenRoundTrip() {
    double[][] m = {{1.5, -2, 0}, {4, 5e-9, 6}, {-7, 8, 9}, {10, 11, 12}};
    double[] flat = GradCheck.flatten(m);
    double[][] back = GradCheck.unflatten(flat, 4, 3);
    assertEquals(m.length, back.length);
    for (int i = 0; i < m.length; i++) {
      assertArrayEquals(m[i], back[i], 0.0);
    }
    assertArrayEquals(flat, GradCheck.flatten(back), 0.0);
  }

  @Test
  void flattenAndUnflattenCopy() {
    double[][] m = {{1, 2}, {3, 4}};
    double[] flat = GradCheck.flatten(m);
    flat[0] = 99;
    assertEquals(1.0, m[0][0]);
    double[][] back = GradCheck.unflatten(flat, 2, 2);
    back[0][1] = 99;
    assertEquals(2.0, flat[1]);
  }

  @Test
  void emptyMatrices() {
    assertEquals(0, GradCheck.flatten(new double[0][]).length);
    assertEquals(0, GradCheck.flatten(new double[3][0]).length);
    assertEquals(0, GradCheck.unflatten(new double[0], 0, 5).length);
    double[][] rowsOfNothing = GradCheck.unflatten(new double[0], 3, 0);
    assertEquals(3, rowsOfNothing.length);
    assertEquals(0, rowsOfNothing[2].length);
  }

  @Test
  void flattenRejectsRaggedMatrix() {
    double[][] ragged = {{1, 2}, {3, 4}, {5}};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GradCheck.flatten(ragged));
    assertTrue(e.getMessage().contains("row 2"), e.getMessage());
    double[][] longer = {{1}, {2, 3}};
    assertThrows(IllegalArgumentException.class, () -> GradCheck.flatten(longer));
    double[][] emptyFirst = {{}, {1}};
    assertThrows(IllegalArgumentException.class, () -> GradCheck.flatten(emptyFirst));
  }

  @Test
  void unflattenRejectsBadSizes() {
    double[] six = new double[6];
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GradCheck.unflatten(six, 4, 2));
    assertTrue(e.getMessage().contains("6"), e.getMessage());
    assertTrue(e.getMessage().contains("4 x 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GradCheck.unflatten(six, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> GradCheck.unflatten(six, -2, -3));
    assertThrows(IllegalArgumentException.class, () -> GradCheck.unflatten(six, -1, 6));
    // 65536 * 65536 overflows int to 0; it must still not match an empty array.
    assertThrows(
        IllegalArgumentException.class, () -> GradCheck.unflatten(new double[0], 65536, 65536));
  }
}
