package dev.adjoint.samples;

import dev.adjoint.Gates;
import java.util.List;
import java.util.Random;

/**
 * A two-layer neural network, hidden layer {@code h = max(0, x W1 + b1)} and scores
 * {@code s = h W2 + b2}: the second model of the spiral case study. Its loss is
 * {@link SpiralLoss#twoLayer} and its gradient the generated
 * {@link SpiralLossGrad#twoLayerPullback}.
 */
public final class TwoLayerNet implements Classifier {

  private final double[][] w1;
  private final double[] b1;
  private final double[][] w2;
  private final double[] b2;
  private final double[][] dw1;
  private final double[] db1;
  private final double[][] dw2;
  private final double[] db2;
  private final double reg;
  private final boolean layers;
  private final List<Parameter> parameters;

  /**
   * A network with weights drawn from {@code 0.01 N(0, 1)} and zero biases, as in the case
   * study.
   *
   * @param dimensions {@code D}, the coordinates of a point
   * @param hidden {@code H}, the hidden units
   * @param classes {@code K}
   * @param reg the regularization strength
   * @param layers whether its loss is {@link SpiralLoss#layered} (dense and ReLU layers)
   *     rather than {@link SpiralLoss#twoLayer} (one method)
   * @param random the source of the initial weights
   */
  public TwoLayerNet(int dimensions, int hidden, int classes, double reg, boolean layers,
      Random random) {
    this.w1 = Weights.gaussian(dimensions, hidden, 0.01, random);
    this.b1 = new double[hidden];
    this.w2 = Weights.gaussian(hidden, classes, 0.01, random);
    this.b2 = new double[classes];
    this.dw1 = new double[dimensions][hidden];
    this.db1 = new double[hidden];
    this.dw2 = new double[hidden][classes];
    this.db2 = new double[classes];
    this.reg = reg;
    this.layers = layers;
    this.parameters =
        List.of(
            Parameter.matrix("W1", w1, dw1),
            Parameter.vector("b1", b1, db1),
            Parameter.matrix("W2", w2, dw2),
            Parameter.vector("b2", b2, db2));
  }

  @Override
  public String name() {
    return layers ? "layered net" : "two-layer net";
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }

  @Override
  public double loss(SpiralData data) {
    return layers ? SpiralLoss.layered(w1, b1, w2, b2, data.points(), data.labels(), reg)
        : SpiralLoss.twoLayer(w1, b1, w2, b2, data.points(), data.labels(), reg);
  }

  @Override
  public double lossAndGradient(SpiralData data) {
    zeroGradients();
    return layers
        ? SpiralLossGrad.layeredPullback(
            w1, b1, w2, b2, data.points(), data.labels(), reg, 1.0, dw1, db1, dw2, db2)
        : SpiralLossGrad.twoLayerPullback(
            w1, b1, w2, b2, data.points(), data.labels(), reg, 1.0, dw1, db1, dw2, db2);
  }

  @Override
  public int predict(double[] point) {
    double[] hidden = Weights.affine(point, w1, b1);
    for (int h = 0; h < hidden.length; h++) {
      hidden[h] = Gates.relu(hidden[h]);
    }
    return Classifier.argmax(Weights.affine(hidden, w2, b2));
  }
}
