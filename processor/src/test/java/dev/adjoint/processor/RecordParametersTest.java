package dev.adjoint.processor;

import static dev.adjoint.processor.testing.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.oracle.FiniteDifferences;
import dev.adjoint.processor.oracle.HipparchusOracle;
import dev.adjoint.processor.testing.Compiled;
import dev.adjoint.processor.testing.RecordArgs;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records as parameters: a model in nested records, its loss a method of the model calling
 * methods of its layers, data marked {@code @NoDerivative}, a static loss with {@code wrt}.
 * Each gradient against Hipparchus on a twin of the source with the records written out as
 * their components, and against finite differences of the original method itself.
 */
class RecordParametersTest {
  static final String LAYER = """
      package demo;

      import dev.adjoint.Differentiable;

      /** A dense layer; applying it is a method of the layer. */
      public record Layer(double[][] W, double[] b) {
        @Differentiable
        public double[] apply(double[] x) {
          double[] z = new double[b.length];
          for (int i = 0; i < b.length; i++) {
            double s = b[i];
            for (int j = 0; j < x.length; j++) {
              s += W[i][j] * x[j];
            }
            z[i] = s;
          }
          return z;
        }
      }
      """;

  static final String NET = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoDerivative;
      import dev.adjoint.Vectors;

      /** Two layers, a temperature (differentiated) and a class count (a constant). */
      public record Net(Layer hidden, Layer out, double temperature, int classes) {
        @Differentiable
        public double loss(@NoDerivative double[][] X, int[] labels) {
          double total = 0;
          for (int n = 0; n < X.length; n++) {
            double[] h = Vectors.tanh(hidden.apply(X[n]));
            double[] scores = out().apply(h);
            total += Vectors.softmaxCrossEntropy(cool(scores), labels[n] % classes);
          }
          return total / X.length;
        }

        @Differentiable
        double[] cool(double[] s) {
          double[] c = new double[s.length];
          for (int i = 0; i < s.length; i++) {
            c[i] = s[i] / this.temperature();
          }
          return c;
        }
      }
      """;

  /** Net's loss with every record written out as its components, for Hipparchus. */
  static final String NET_TWIN = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.Vectors;

      public final class NetTwin {
        @Differentiable(wrt = {"hW", "hb", "oW", "ob", "temperature"})
        public static double loss(double[][] hW, double[] hb, double[][] oW, double[] ob,
            double temperature, int classes, double[][] X, int[] labels) {
          double total = 0;
          for (int n = 0; n < X.length; n++) {
            double[] h = Vectors.tanh(apply(hW, hb, X[n]));
            double[] scores = apply(oW, ob, h);
            total += Vectors.softmaxCrossEntropy(cool(scores, temperature), labels[n] % classes);
          }
          return total / X.length;
        }

        static double[] apply(double[][] W, double[] b, double[] x) {
          double[] z = new double[b.length];
          for (int i = 0; i < b.length; i++) {
            double s = b[i];
            for (int j = 0; j < x.length; j++) {
              s += W[i][j] * x[j];
            }
            z[i] = s;
          }
          return z;
        }

        static double[] cool(double[] s, double temperature) {
          double[] c = new double[s.length];
          for (int i = 0; i < s.length; i++) {
            c[i] = s[i] / temperature;
          }
          return c;
        }
      }
      """;

  static final String FIT = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoDerivative;

      public final class Fit {
        /** Ridge regression of a line: wrt names the record, the data stay data. */
        @Differentiable(wrt = {"p"})
        public static double ridge(Line p, double[] xs, double[] ys, double lambda) {
          double sum = 0;
          for (int i = 0; i < xs.length; i++) {
            double r = p.slope() * xs[i] + p.intercept() - ys[i];
            sum += r * r;
          }
          return sum + lambda * p.slope() * p.slope();
        }

        /** A record local, a call passing it on, the data marked @NoDerivative. */
        @Differentiable
        public static double twice(Line p, @NoDerivative double[] xs, @NoDerivative double[] ys,
            double w) {
          Line q = p;
          return w * ridge(q, xs, ys, 0.5) + Math.sin(q.intercept()) * w;
        }
      }
      """;

  static final String LINE = """
      package demo;

      public record Line(double slope, double intercept) {}
      """;

  static final String FIT_TWIN = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class FitTwin {
        @Differentiable(wrt = {"slope", "intercept", "w"})
        public static double twice(double slope, double intercept, double[] xs, double[] ys,
            double w) {
          double sum = 0;
          for (int i = 0; i < xs.length; i++) {
            double r = slope * xs[i] + intercept - ys[i];
            sum += r * r;
          }
          return w * (sum + 0.5 * slope * slope) + Math.sin(intercept) * w;
        }
      }
      """;

  static Compiled compiled;

  @BeforeAll
  static void compile() {
    compiled = Compiled.compile(LAYER, NET, LINE, FIT);
  }

  static Object net() {
    Object hidden = layer(new double[][] {{0.3, -0.2}, {0.5, 0.1}, {-0.4, 0.25}},
        new double[] {0.1, -0.1, 0.05});
    Object out = layer(new double[][] {{0.2, -0.3, 0.4}, {-0.1, 0.5, 0.3}},
        new double[] {0.02, -0.03});
    return construct("demo.Net", hidden, out, 1.7, 2);
  }

  static Object layer(double[][] W, double[] b) {
    return construct("demo.Layer", W, b);
  }

  static Object construct(String type, Object... components) {
    try {
      Class<?> record = compiled.load(type);
      var canonical = record.getDeclaredConstructors()[0];
      canonical.setAccessible(true);
      return canonical.newInstance(components);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  static final double[][] X = {{1.0, -0.5}, {0.3, 0.8}, {-1.2, 0.4}};
  static final int[] LABELS = {0, 1, 1};

  @Test
  void lossAsAMethodOfTheModelMatchesHipparchusAndFiniteDifferences() throws Exception {
    Object net = net();
    Compiled.Gradient g = compiled.gradient("demo.Net", "loss", net, X, LABELS);
    Object[] flat = RecordArgs.explode(net, X, LABELS);
    HipparchusOracle.Result exact = HipparchusOracle.evaluate(NET_TWIN, "loss", flat);
    assertEquals(exact.value(), g.value(), 1e-15);
    assertClose(exact.gradient(), g.partials(), 1e-12);
    assertEquals("dnet.hidden.W[0][0]", g.names().get(0));
    assertEquals("dnet.temperature", g.names().get(g.names().size() - 1));

    Method loss = compiled.load("demo.Net").getMethod("loss", double[][].class, int[].class);
    double[] x = new double[g.partials().length];
    Object[] template = {net};
    double[] base = FiniteDifferences.flatten(RecordArgs.explode(net));
    double[] numerical = FiniteDifferences.centered(v -> {
      Object model = RecordArgs.implode(template,
          FiniteDifferences.unflatten(RecordArgs.explode(net), v))[0];
      try {
        return (double) loss.invoke(model, X, LABELS);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }, base, 1e-6);
    assertEquals(x.length, numerical.length);
    assertClose(numerical, g.partials(), 1e-6);
  }

  @Test
  void theGradientIsARecordOfTheModelsType() throws Exception {
    Object net = net();
    Class<?> grad = compiled.load("demo.NetGrad");
    Object record = grad.getMethod("loss", compiled.load("demo.Net"), double[][].class,
        int[].class).invoke(null, net, X, LABELS);
    Object dnet = record.getClass().getMethod("dnet").invoke(record);
    assertEquals(compiled.load("demo.Net"), dnet.getClass());
    assertEquals(2, dnet.getClass().getMethod("classes").invoke(dnet)); // a constant: as given
    Object dhidden = dnet.getClass().getMethod("hidden").invoke(dnet);
    assertEquals(compiled.load("demo.Layer"), dhidden.getClass());
    assertEquals(2, record.getClass().getRecordComponents().length); // no dX: it is data
  }

  @Test
  void callersReachARecordMethodThroughItsComponentsWithoutBuildingARecord() {
    String layer = compiled.generatedSource("demo.LayerGrad");
    String flat = layer.substring(layer.indexOf("applyFlat("));
    flat = flat.substring(0, flat.indexOf("\n  }\n"));
    assertTrue(!flat.contains("new Layer("), flat); // the primal over the components, printed
    assertTrue(compiled.generatedSource("demo.NetSweeps").contains("LayerGrad.applyFlat("));
  }

  @Test
  void thePullbackTakesABufferRecordAndAccumulates() throws Exception {
    Object net = net();
    Compiled.Gradient g = compiled.gradient("demo.Net", "loss", net, X, LABELS);
    Object buffers = RecordArgs.implode(new Object[] {net},
        FiniteDifferences.unflatten(RecordArgs.explode(net),
            new double[FiniteDifferences.flatten(RecordArgs.explode(net)).length]))[0];
    double[] dScalars = {0.25};
    Class<?> grad = compiled.load("demo.NetGrad");
    Class<?> type = compiled.load("demo.Net");
    Method pullback = grad.getMethod("lossPullback", type, double[][].class, int[].class,
        double.class, type, double[].class);
    double value = (double) pullback.invoke(null, net, X, LABELS, 2.0, buffers, dScalars);
    pullback.invoke(null, net, X, LABELS, 1.0, buffers, dScalars);
    assertEquals(g.value(), value, 0.0);
    double[] accumulated = FiniteDifferences.flatten(RecordArgs.explode(buffers));
    // the buffer record's arrays hold 3 × the gradient; its double component stays 0 (records
    // are immutable): the temperature's adjoint is in dScalars[0]
    double[] arrays = Arrays.copyOf(g.partials(), g.partials().length - 1);
    for (int i = 0; i < arrays.length; i++) {
      assertEquals(3 * arrays[i], accumulated[i], 1e-12 * (1 + Math.abs(arrays[i])));
    }
    assertEquals(0.25 + 3 * g.partials()[g.partials().length - 1], dScalars[0], 1e-12);
  }

  @Test
  void theJvpTakesATangentRecord() throws Exception {
    Object net = net();
    Compiled.Gradient g = compiled.gradient("demo.Net", "loss", net, X, LABELS);
    double[] v = new double[g.partials().length];
    double expected = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.cos(1.3 * i);
      expected += v[i] * g.partials()[i];
    }
    Object[] flatNet = RecordArgs.explode(net);
    Object tangent = RecordArgs.implode(new Object[] {net},
        FiniteDifferences.unflatten(flatNet, v))[0];
    Class<?> type = compiled.load("demo.Net");
    Object record = compiled.load("demo.NetGrad").getMethod("lossJvp", type, double[][].class,
        int[].class, type).invoke(null, net, X, LABELS, tangent);
    double actual = (double) record.getClass().getMethod("tangent").invoke(record);
    assertEquals(expected, actual, 1e-12 * Math.abs(expected) + 1e-14);
  }

  @Test
  void aStaticLossTakingARecordWithWrtAndNoDerivative() {
    Object line = construct("demo.Line", 0.7, -0.3);
    double[] xs = {1, 2, 3};
    double[] ys = {0.5, 1.1, 2.2};
    Compiled.Gradient g = compiled.gradient("demo.Fit", "twice", line, xs, ys, 1.5);
    assertEquals(java.util.List.of("dp.slope", "dp.intercept", "dw"), g.names());
    HipparchusOracle.Result exact = HipparchusOracle.evaluate(FIT_TWIN, "twice",
        RecordArgs.explode(line, xs, ys, 1.5));
    assertEquals(exact.value(), g.value(), 1e-13);
    assertClose(exact.gradient(), g.partials(), 1e-12);
    Compiled.Gradient ridge = compiled.gradient("demo.Fit", "ridge", line, xs, ys, 0.5);
    assertEquals(java.util.List.of("dp.slope", "dp.intercept"), ridge.names());
  }

  static final String SECOND = """
      package demo;

      import dev.adjoint.Differentiable;

      public record Spring(double k, double[] x, Anchor anchor) {
        /** Order 2, a method of the record: its HVP and Hessian take and give Springs. */
        @Differentiable(order = 2)
        public double energy(double t) {
          double e = 0;
          for (int i = 0; i < x.length; i++) {
            double d = x[i] - anchor.at()[i];
            e += 0.5 * k * d * d * d * d + Math.sin(t * x[i]);
          }
          return e * anchor.weight();
        }
      }

      record Anchor(double[] at, double weight) {}
      """;

  static final String SECOND_TWIN = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class SpringTwin {
        @Differentiable(order = 2)
        public static double energy(double k, double[] x, double[] at, double weight, double t) {
          double e = 0;
          for (int i = 0; i < x.length; i++) {
            double d = x[i] - at[i];
            e += 0.5 * k * d * d * d * d + Math.sin(t * x[i]);
          }
          return e * weight;
        }
      }
      """;

  @Test
  void secondOrderOfAMethodOfARecordMatchesHipparchus() throws Exception {
    Compiled second = Compiled.compile(SECOND);
    Class<?> spring = second.load("demo.Spring");
    Class<?> anchor = second.load("demo.Anchor");
    var anchorConstructor = anchor.getDeclaredConstructors()[0];
    anchorConstructor.setAccessible(true);
    Object at = anchorConstructor.newInstance(new double[] {0.2, -0.1}, 1.3);
    Object model = spring.getDeclaredConstructors()[0].newInstance(0.8, new double[] {0.5, 0.9},
        at);
    Object[] flat = RecordArgs.explode(model, 0.7);
    HipparchusOracle.SecondOrder exact = HipparchusOracle.hessian(SECOND_TWIN, "energy", flat);
    Class<?> grad = second.load("demo.SpringGrad");
    Object hessian = grad.getMethod("energyHessian", spring, double.class).invoke(null, model,
        0.7);
    double[][] h = (double[][]) hessian.getClass().getMethod("hessian").invoke(hessian);
    assertEquals(exact.hessian().length, h.length);
    for (int i = 0; i < h.length; i++) {
      assertClose(exact.hessian()[i], h[i], 1e-12);
    }
    // H v with a direction record (the anchor's weight among the directions)
    double[] v = {0.3, -0.2, 0.5, 0.1, -0.4, 0.25, 0.6};
    Object direction = RecordArgs.implode(new Object[] {model},
        FiniteDifferences.unflatten(RecordArgs.explode(model), java.util.Arrays.copyOf(v, 6)))[0];
    Object hvp = grad.getMethod("energyHvp", spring, double.class, spring, double.class)
        .invoke(null, model, 0.7, direction, v[6]);
    Object dspring = hvp.getClass().getMethod("dspring").invoke(hvp);
    Object hspring = hvp.getClass().getMethod("hspring").invoke(hvp);
    double ht = (double) hvp.getClass().getMethod("ht").invoke(hvp);
    double[] hv = new double[7];
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 7; j++) {
        hv[i] += exact.hessian()[i][j] * v[j];
      }
    }
    double[] actual = FiniteDifferences.flatten(RecordArgs.explode(hspring));
    assertClose(java.util.Arrays.copyOf(hv, 6), actual, 1e-12);
    assertEquals(hv[6], ht, 1e-12);
    assertClose(java.util.Arrays.copyOf(exact.gradient(), 6),
        FiniteDifferences.flatten(RecordArgs.explode(dspring)), 1e-12);
  }

  @Test
  void aComponentMarkedNoDerivativeIsAConstant() {
    String source = """
        package demo;

        import dev.adjoint.Differentiable;
        import dev.adjoint.NoDerivative;

        public record Masked(double[] w, @NoDerivative double[] mask) {
          @Differentiable
          public double energy(double t) {
            double e = 0;
            for (int i = 0; i < w.length; i++) {
              e += mask[i] * w[i] * w[i] * t;
            }
            return e;
          }
        }
        """;
    Compiled masked = Compiled.compile(source);
    Object model;
    try {
      var canonical = masked.load("demo.Masked").getDeclaredConstructors()[0];
      model = canonical.newInstance(new double[] {1, 2, 3}, new double[] {1, 0, 0.5});
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    Compiled.Gradient g = masked.gradient("demo.Masked", "energy", model, 2.0);
    assertEquals(java.util.List.of("dmasked.w[0]", "dmasked.w[1]", "dmasked.w[2]", "dt"),
        g.names()); // the mask's gradient is null: not differentiated
    assertArrayEquals(new double[] {4, 0, 6, 5.5}, g.partials(), 1e-12);
    String api = masked.generatedSource("demo.MaskedGrad");
    assertTrue(api.contains("double[] dmasked_w = dmasked.w();"), api);
    assertTrue(!api.contains("dmasked.mask()"), api); // no buffer for it
  }

  @Test
  void aCallToAMethodOfARecordThatIsNotDifferentiableIsRefused() {
    assertError("""
        package bad;

        import dev.adjoint.Differentiable;

        public record Pair(double a, double b) {
          double sum() {
            return a + b;
          }

          @Differentiable
          public double loss(double x) {
            return x * sum();
          }
        }
        """, Message.CALL, "return x * sum();", "'Pair.sum'", "mark it @Differentiable");
  }

  @Test
  void aRecordLocalAssignedAgainIsRefused() {
    assertError("""
        package bad;

        import dev.adjoint.Differentiable;

        public final class Again {
          record P(double a) {}

          @Differentiable
          public static double f(P p, P r, double x) {
            P q = p;
            if (x > 0) {
              q = r;
            }
            return q.a() * x;
          }
        }
        """, Message.UNSUPPORTED, "P q = p;", "assigning record local 'q' again");
  }

  @Test
  void aRecordUsedAsAValueIsRefused() {
    assertError("""
        package bad;

        import dev.adjoint.Differentiable;

        public final class AsValue {
          record P(double a) {}

          static double read(Object o) {
            return 1;
          }

          @Differentiable
          public static double f(P p, double x) {
            return x * read(p);
          }
        }
        """, Message.UNSUPPORTED, "return x * read(p);", "the record 'p' as a value");
  }

  static void assertClose(double[] expected, double[] actual, double tolerance) {
    assertEquals(expected.length, actual.length, "sizes");
    for (int i = 0; i < expected.length; i++) {
      double scale = Math.max(1, Math.abs(expected[i]));
      assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance * scale,
          "component " + i + ": expected " + expected[i] + ", got " + actual[i] + " in "
              + Arrays.toString(actual));
    }
  }
}
