package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The optimizers against their update formulas written out here, on arrays, matrices and
 * records; convergence on a quadratic; refusals; schedules; no allocation once running.
 */
class OptimizerTest {

  record Layer(double[][] W, double[] b) {}

  record Model(Layer first, Layer second, String name, int size) {}

  record WithScalar(double[] w, double c) {}

  @Test
  void sgdAndMomentumFollowTheirFormulas() {
    double[] p = {1.0, -2.0};
    double[] g = {0.5, 0.25};
    Optimizer.sgd(0.1).step(p, g);
    assertArrayEquals(new double[] {1.0 - 0.05, -2.0 - 0.025}, p, 0.0);

    double[] q = {1.0};
    Optimizer momentum = Optimizer.momentum(Schedule.constant(0.1), 0.9, false);
    double v = 0;
    double expected = 1.0;
    for (int t = 0; t < 3; t++) {
      double[] grad = {2 * q[0]};
      v = 0.9 * v + grad[0];
      expected -= 0.1 * v;
      momentum.step(q, grad);
      assertEquals(expected, q[0], 1e-15);
    }
    double[] r = {1.0};
    Optimizer nesterov = Optimizer.momentum(Schedule.constant(0.1), 0.9, true);
    double w = 0;
    double expectedR = 1.0;
    for (int t = 0; t < 3; t++) {
      double[] grad = {2 * r[0]};
      w = 0.9 * w + grad[0];
      expectedR -= 0.1 * (grad[0] + 0.9 * w);
      nesterov.step(r, grad);
      assertEquals(expectedR, r[0], 1e-15);
    }
  }

  @Test
  void adamAndAdamWFollowKingmaAndBaWithBiasCorrection() {
    for (double decay : new double[] {0, 0.01}) {
      double[] p = {0.5, -1.5};
      Optimizer adam = Optimizer.adam(Schedule.constant(0.01), 0.9, 0.999, 1e-8, decay);
      double[] m = new double[2];
      double[] v = new double[2];
      double[] expected = p.clone();
      for (int t = 1; t <= 4; t++) {
        double[] g = {Math.sin(expected[0]) + 1, expected[1] * expected[1]};
        for (int i = 0; i < 2; i++) {
          m[i] = 0.9 * m[i] + 0.1 * g[i];
          v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
          double mHat = m[i] / (1 - Math.pow(0.9, t));
          double vHat = v[i] / (1 - Math.pow(0.999, t));
          expected[i] -= 0.01 * (mHat / (Math.sqrt(vHat) + 1e-8) + decay * expected[i]);
        }
        adam.step(p, g);
        assertArrayEquals(expected, p, 1e-15);
      }
    }
  }

  @Test
  void recordsOfMatricesAndVectorsConvergeOnAQuadratic() {
    Model model = new Model(new Layer(new double[][] {{3, -1}, {2}}, new double[] {4}),
        new Layer(new double[][] {{-2}}, new double[] {1, 5}), "net", 2);
    Model grads = new Model(new Layer(new double[][] {{0, 0}, {0}}, new double[1]),
        new Layer(new double[][] {{0}}, new double[2]), "grads", 2);
    Optimizer adam = Optimizer.adam(0.1);
    for (int step = 0; step < 2000; step++) {
      adam.zero(grads);
      forEachPair(model, grads); // gradient of 0.5 |p - 1|^2 is p - 1
      adam.step(model, grads);
    }
    assertEquals(1.0, model.first().W()[1][0], 1e-6);
    assertEquals(1.0, model.second().b()[1], 1e-6);
    assertEquals(2000, adam.steps());
  }

  private static void forEachPair(Model m, Model g) {
    double[][] ps = {m.first().W()[0], m.first().W()[1], m.first().b(), m.second().W()[0],
        m.second().b()};
    double[][] gs = {g.first().W()[0], g.first().W()[1], g.first().b(), g.second().W()[0],
        g.second().b()};
    for (int k = 0; k < ps.length; k++) {
      for (int i = 0; i < ps[k].length; i++) {
        gs[k][i] += ps[k][i] - 1;
      }
    }
  }

  @Test
  void refusesWhatItCannotStep() {
    var scalar = assertThrows(IllegalArgumentException.class, () -> Optimizer.sgd(0.1)
        .step(new WithScalar(new double[1], 2), new WithScalar(new double[1], 0)));
    assertTrue(scalar.getMessage().contains("record component c is a double"),
        scalar.getMessage());
    var shapes = assertThrows(IllegalArgumentException.class,
        () -> Optimizer.sgd(0.1).step(new double[3], new double[2]));
    assertTrue(shapes.getMessage().contains("length 3 and its gradient 2"), shapes.getMessage());
    Optimizer adam = Optimizer.adam(0.1);
    adam.step(new double[3], new double[3]);
    var changed = assertThrows(IllegalArgumentException.class,
        () -> adam.step(new double[4], new double[4]));
    assertTrue(changed.getMessage().contains("structure changed"), changed.getMessage());
    var other = assertThrows(IllegalArgumentException.class,
        () -> Optimizer.sgd(0.1).step("weights", "grads"));
    assertTrue(other.getMessage().contains("parameters is a String"), other.getMessage());
  }

  @Test
  void schedulesArePlainFunctionsOfTheStep() {
    assertEquals(0.5, Schedule.constant(0.5).rate(1000), 0.0);
    assertEquals(0.25, Schedule.stepDecay(1.0, 0.5, 10).rate(25), 0.0);
    assertEquals(0.81, Schedule.exponential(1.0, 0.9).rate(2), 1e-15);
    Schedule cosine = Schedule.cosine(1.0, 10, 110);
    assertEquals(0.1, cosine.rate(0), 1e-15);
    assertEquals(1.0, cosine.rate(10), 1e-15);
    assertEquals(0.5, cosine.rate(60), 1e-15);
    assertEquals(0.0, cosine.rate(110), 0.0);
  }

  @Test
  void stepsAllocateNothingOnceRunning() {
    double[][] w = new double[50][40];
    double[][] g = new double[50][40];
    Optimizer adam = Optimizer.adam(Schedule.cosine(1e-3, 10, 100_000));
    for (int i = 0; i < 2000; i++) {
      adam.zero(g);
      g[3][4] = 1;
      adam.step(w, g);
    }
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < 1000; i++) {
      adam.zero(g);
      g[3][4] = 1;
      adam.step(w, g);
    }
    long allocated = threads.getThreadAllocatedBytes(id) - before;
    assertTrue(allocated < 1000, allocated + " bytes for 1000 steps");
  }
}
