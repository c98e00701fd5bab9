package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDerivative;
import dev.adjoint.Optimizer;
import dev.adjoint.Schedule;
import dev.adjoint.Shapes;
import dev.adjoint.Vectors;
import java.util.Random;

/**
 * The case study's two-layer net with its parameters in a record, its loss a method of the
 * model, trained with Adam on mini-batches: the whole model and its training loop in fewer lines
 * than {@link SpiralTraining}'s loop alone. The gradient is a {@code SpiralNet} too; the
 * generated {@code SpiralNetGrad.lossPullback(model, X, y, reg, seed, grads)} fills a buffer
 * record made once by {@link Shapes#zerosLike(Record)}, and the data and the regularization
 * strength are marked {@link NoDerivative}, so they get no buffers.
 *
 * @param W1 the first layer's weights, {@code D x H} (features by hidden units)
 * @param b1 the first layer's biases, {@code H}
 * @param W2 the second layer's weights, {@code H x K} (hidden units by classes)
 * @param b2 the second layer's biases, {@code K}
 */
public record SpiralNet(double[][] W1, double[] b1, double[][] W2, double[] b2) {

  /** Mini-batch size. */
  public static final int BATCH = 32;

  /** Adam steps of the demo. */
  public static final int STEPS = 4000;

  /** Adam's peak learning rate (a cosine schedule after 100 steps of warmup). */
  public static final double RATE = 0.1;

  /**
   * The average softmax cross-entropy of a batch plus {@code 0.5 reg (sum W1^2 + sum W2^2)},
   * written as layers.
   *
   * @param X the points, {@code N x D}: data
   * @param y the class of each point
   * @param reg the regularization strength: a constant
   * @return the loss
   */
  @Differentiable
  public double loss(@NoDerivative double[][] X, int[] y, @NoDerivative double reg) {
    double dataLoss = 0;
    for (int i = 0; i < X.length; i++) {
      double[] hidden = Vectors.relu(SpiralLoss.dense(X[i], W1, b1));
      dataLoss += Vectors.softmaxCrossEntropy(SpiralLoss.dense(hidden, W2, b2), y[i]);
    }
    return dataLoss / X.length
        + 0.5 * reg * (SpiralLoss.sumOfSquares(W1) + SpiralLoss.sumOfSquares(W2));
  }

  /**
   * Trains the case study's net ({@link SpiralTraining#HIDDEN} hidden units, its initial weights)
   * with Adam on random mini-batches of {@link #BATCH} points.
   *
   * @param data the training data
   * @param steps the number of Adam steps
   * @param rate the peak learning rate
   * @param random draws the batches
   * @return the trained model
   */
  public static SpiralNet train(SpiralData data, int steps, double rate, Random random) {
    SpiralNet model = initial(new Random(SpiralTraining.SEED + 2));
    SpiralNet grads = Shapes.zerosLike(model);
    Optimizer adam = Optimizer.adam(Schedule.cosine(rate, 100, steps));
    double[][] X = new double[BATCH][];
    int[] y = new int[BATCH];
    for (int step = 0; step < steps; step++) {
      for (int i = 0; i < BATCH; i++) {
        int k = random.nextInt(data.size());
        X[i] = data.points()[k];
        y[i] = data.labels()[k];
      }
      adam.zero(grads);
      SpiralNetGrad.lossPullback(model, X, y, SpiralTraining.REG, 1.0, grads);
      adam.step(model, grads);
    }
    return model;
  }

  /**
   * The case study's initial weights, {@code 0.01 N(0, 1)}, and zero biases (the same draws as
   * {@link SpiralTraining#twoLayerNet}'s from the same seed).
   *
   * @param random the source of the weights
   * @return an untrained model
   */
  public static SpiralNet initial(Random random) {
    int d = SpiralTraining.DIMENSIONS;
    int h = SpiralTraining.HIDDEN;
    int k = SpiralTraining.CLASSES;
    return new SpiralNet(Weights.gaussian(d, h, 0.01, random), new double[h],
        Weights.gaussian(h, k, 0.01, random), new double[k]);
  }

  /**
   * The class with the highest score.
   *
   * @param x a point
   * @return its predicted class
   */
  public int predict(double[] x) {
    double[] hidden = Vectors.relu(SpiralLoss.dense(x, W1, b1));
    return Classifier.argmax(SpiralLoss.dense(hidden, W2, b2));
  }

  /**
   * The fraction of {@code data}'s points this model classifies correctly.
   *
   * @param data labelled points
   * @return the accuracy, in [0, 1]
   */
  public double accuracy(SpiralData data) {
    int correct = 0;
    for (int i = 0; i < data.size(); i++) {
      correct += predict(data.points()[i]) == data.labels()[i] ? 1 : 0;
    }
    return (double) correct / data.size();
  }
}
