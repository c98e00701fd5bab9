package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The spiral case study: its data, the gradient check of both models, and short training runs
 * whose loss must fall and whose accuracy must pass a threshold.
 */
class SpiralTrainingTest {

  private static final SpiralData DATA = SpiralTraining.data();

  @Test
  void dataIsTheCaseStudysSpiral() {
    assertEquals(300, DATA.size());
    assertEquals(2, DATA.dimensions());
    assertEquals(3, DATA.classes());
    for (int j = 0; j < 3; j++) {
      for (int i = 0; i < 100; i++) {
        double[] p = DATA.points()[100 * j + i];
        assertEquals(j, DATA.labels()[100 * j + i]);
        assertEquals(i / 99.0, Math.hypot(p[0], p[1]), 1e-12, "radius = linspace(0, 1, N)");
      }
    }
    SpiralData again = SpiralTraining.data();
    assertArrayEquals(DATA.points()[150], again.points()[150], "the seed fixes the data");
  }

  @Test
  void generatedGradientsPassGradCheckForEveryParameter() {
    Random random = new Random(3);
    for (Classifier model :
        List.of(SpiralTraining.linearClassifier(), SpiralTraining.twoLayerNet())) {
      List<SpiralTraining.BlockCheck> checks =
          SpiralTraining.gradientCheck(SpiralTraining.randomize(model, random), DATA);
      assertEquals(model.parameters().size(), checks.size());
      for (SpiralTraining.BlockCheck check : checks) {
        assertEquals(check.parameter().size(), check.report().names().size(), "every entry");
        assertTrue(
            check.report().passes(SpiralTraining.CHECK_TOLERANCE),
            () -> model.name() + " " + check.parameter().name() + ":\n" + check.report());
      }
    }
  }

  @Test
  void pullbackMatchesTheGeneratedRecord() {
    Classifier net = SpiralTraining.randomize(SpiralTraining.twoLayerNet(), new Random(4));
    double loss = net.lossAndGradient(DATA);
    List<Parameter> p = net.parameters();
    var g =
        SpiralLossGrad.twoLayer(
            p.get(0).values(), p.get(1).values()[0], p.get(2).values(), p.get(3).values()[0],
            DATA.points(), DATA.labels(), SpiralTraining.REG);
    assertEquals(g.value(), loss);
    assertEquals(net.loss(DATA), loss, 1e-12);
    assertArrayEquals(g.db1(), p.get(1).gradient()[0]);
    assertArrayEquals(g.dW2()[7], p.get(2).gradient()[7]);
    net.lossAndGradient(DATA);
    assertArrayEquals(g.db2(), p.get(3).gradient()[0], "buffers are zeroed before each call");
  }

  /** CS231n: "iteration 0: loss 1.0986", that is -log(1/3) with weights of size 0.01. */
  @Test
  void initialLossIsLogOfTheNumberOfClasses() {
    assertEquals(Math.log(3), SpiralTraining.linearClassifier().loss(DATA), 2e-3);
    assertEquals(Math.log(3), SpiralTraining.twoLayerNet().loss(DATA), 2e-3);
  }

  @Test
  void linearClassifierLearnsWhatALineCan() {
    List<SpiralTraining.Progress> progress = new ArrayList<>();
    SpiralTraining.Result result =
        SpiralTraining.train(SpiralTraining.linearClassifier(), DATA, 1000, progress::add);
    assertEquals(1000, result.lossHistory().length);
    assertEquals(1, progress.size(), "progress every 1000 iterations, from 0");
    assertEquals(result.lossHistory()[0], progress.get(0).loss());
    assertTrue(result.finalLoss() < 0.8, () -> "final loss " + result.finalLoss());
    assertTrue(result.accuracy() > 0.45, () -> "accuracy " + result.accuracy());
    assertTrue(result.accuracy() < 0.65, () -> "a linear model cannot fit spirals");
  }

  @Test
  void twoLayerNetFitsTheSpiral() {
    SpiralTraining.Result result =
        SpiralTraining.train(SpiralTraining.twoLayerNet(), DATA, 1500, p -> {});
    double[] history = result.lossHistory();
    assertTrue(history[1499] < history[0] / 2, () -> "loss " + history[0] + " -> " + history[1499]);
    assertTrue(result.finalLoss() < 0.35, () -> "final loss " + result.finalLoss());
    assertTrue(result.accuracy() > 0.9, () -> "accuracy " + result.accuracy());
  }
}
