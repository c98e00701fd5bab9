package dev.adjoint.samples;

import java.util.List;

/**
 * A classifier of the spiral case study: its parameters with their gradient buffers, its loss
 * on a data set (a {@link SpiralLoss} method), the gradient of that loss (the generated
 * {@link SpiralLossGrad} pullback) and its prediction for one point.
 */
public interface Classifier {

  /**
   * The name used in reports.
   *
   * @return for example {@code "two-layer net"}
   */
  String name();

  /**
   * The parameter blocks, in the loss method's parameter order. They share the model's arrays.
   *
   * @return the blocks
   */
  List<Parameter> parameters();

  /**
   * The loss on a data set at the current parameters, without gradient.
   *
   * @param data the training data
   * @return the average cross-entropy plus the regularization
   */
  double loss(SpiralData data);

  /**
   * The loss at the current parameters, leaving its gradient in the parameters' gradient
   * buffers: zeroes them, then calls the generated pullback with seed 1.
   *
   * @param data the training data
   * @return the loss, as {@link #loss} computes it
   */
  double lossAndGradient(SpiralData data);

  /**
   * The class with the highest score at a point.
   *
   * @param point the point's coordinates, not modified
   * @return the class, from 0 to the number of classes - 1
   */
  int predict(double[] point);

  /** Zeroes the gradient buffers of every parameter block. */
  default void zeroGradients() {
    for (Parameter p : parameters()) {
      p.zeroGradient();
    }
  }

  /**
   * The index of the largest score, the first one on ties.
   *
   * @param scores one score per class
   * @return the predicted class
   */
  static int argmax(double[] scores) {
    int best = 0;
    for (int c = 1; c < scores.length; c++) {
      if (scores[c] > scores[best]) {
        best = c;
      }
    }
    return best;
  }
}
