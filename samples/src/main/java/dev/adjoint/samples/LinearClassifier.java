package dev.adjoint.samples;

import java.util.List;
import java.util.Random;

/**
 * A linear softmax classifier, scores {@code s = x W + b}: the first model of the spiral case
 * study. Its loss is {@link SpiralLoss#linear} and its gradient the generated
 * {@link SpiralLossGrad#linearPullback}.
 */
public final class LinearClassifier implements Classifier {

  private final double[][] w;
  private final double[] b;
  private final double[][] dw;
  private final double[] db;
  private final double reg;
  private final List<Parameter> parameters;

  /**
   * A classifier with weights drawn from {@code 0.01 N(0, 1)} and zero biases, as in the case
   * study.
   *
   * @param dimensions {@code D}, the coordinates of a point
   * @param classes {@code K}
   * @param reg the regularization strength
   * @param random the source of the initial weights
   */
  public LinearClassifier(int dimensions, int classes, double reg, Random random) {
    this.w = Weights.gaussian(dimensions, classes, 0.01, random);
    this.b = new double[classes];
    this.dw = new double[dimensions][classes];
    this.db = new double[classes];
    this.reg = reg;
    this.parameters = List.of(Parameter.matrix("W", w, dw), Parameter.vector("b", b, db));
  }

  @Override
  public String name() {
    return "linear classifier";
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }

  @Override
  public double loss(SpiralData data) {
    return SpiralLoss.linear(w, b, data.points(), data.labels(), reg);
  }

  @Override
  public double lossAndGradient(SpiralData data) {
    zeroGradients();
    return SpiralLossGrad.linearPullback(w, b, data.points(), data.labels(), reg, 1.0, dw, db);
  }

  @Override
  public int predict(double[] point) {
    double[] scores = Weights.affine(point, w, b);
    return Classifier.argmax(scores);
  }
}
