package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The net kept in a record: its generated record gradient against the flat loss and FD. */
class SpiralNetTest {
  private final SpiralData data = SpiralTraining.data();
  private final SpiralNet model = randomModel(new Random(7));

  private static SpiralNet randomModel(Random random) {
    SpiralNet m = SpiralNet.initial(random);
    for (double[][] w : new double[][][] {m.W1(), m.W2()}) {
      for (double[] row : w) {
        for (int j = 0; j < row.length; j++) {
          row[j] = 0.5 * random.nextGaussian();
        }
      }
    }
    for (double[] b : new double[][] {m.b1(), m.b2()}) {
      for (int j = 0; j < b.length; j++) {
        b[j] = 0.1 * random.nextGaussian();
      }
    }
    return m;
  }

  @Test
  void theRecordGradientIsTheFlatLayeredLossGradient() {
    var g = SpiralNetGrad.loss(model, data.points(), data.labels(), SpiralTraining.REG);
    SpiralNet d = g.dspiralNet();
    assertNotSame(model, d);
    var flat = SpiralLossGrad.layered(model.W1(), model.b1(), model.W2(), model.b2(),
        data.points(), data.labels(), SpiralTraining.REG);
    assertEquals(flat.value(), g.value(), 1e-12);
    assertArrayClose(GradCheck.flatten(flat.dW1()), GradCheck.flatten(d.W1()));
    assertArrayClose(flat.db1(), d.b1());
    assertArrayClose(GradCheck.flatten(flat.dW2()), GradCheck.flatten(d.W2()));
    assertArrayClose(flat.db2(), d.b2());
  }

  @Test
  void theRecordGradientPassesAGradientCheck() {
    var g = SpiralNetGrad.loss(model, data.points(), data.labels(), SpiralTraining.REG);
    double[] b2 = model.b2();
    GradCheck.Report report = GradCheck.check(x -> {
      double[] saved = b2.clone();
      System.arraycopy(x, 0, b2, 0, x.length);
      double loss = model.loss(data.points(), data.labels(), SpiralTraining.REG);
      System.arraycopy(saved, 0, b2, 0, saved.length);
      return loss;
    }, b2.clone(), g.dspiralNet().b2());
    assertTrue(report.passes(1e-6), report.toString());
  }

  @Test
  void adamOnMiniBatchesReachesTheFullBatchAccuracy() {
    SpiralNet trained = SpiralNet.train(data, SpiralNet.STEPS, SpiralNet.RATE,
        new Random(SpiralTraining.SEED + 4));
    assertTrue(trained.accuracy(data) >= 0.98, "accuracy " + trained.accuracy(data));
  }

  private static void assertArrayClose(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-12 * (1 + Math.abs(expected[i])), "entry " + i);
    }
  }
}
