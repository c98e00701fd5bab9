package dev.adjoint.samples;

import dev.adjoint.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * CS231n's "minimal neural network case study": a linear softmax classifier and a two-layer
 * ReLU network trained by full-batch gradient descent on the {@linkplain SpiralData spiral}, with
 * every gradient coming from the pullbacks Adjoint generated for {@link SpiralLoss}.
 *
 * <p>The setup is the case study's: 100 points per class, 3 classes, angle noise 0.2, 100
 * hidden units, weights initialized from {@code 0.01 N(0, 1)}, biases from 0, regularization
 * {@code 1e-3}, step size 1.0, 10,000 iterations. The case study reports 49% training accuracy
 * for the linear classifier (loss 0.786 after 200 iterations) and 98% for the network, whose loss
 * settles near 0.245. With {@link #SEED} 0 this class reaches 54.0% (the linear classifier has
 * converged, to loss 0.760, within 1,000 iterations; over data seeds 0 to 9 it ends between 50.7%
 * and 55.0%, so the published 49% is one draw of the data) and 99.0% with final loss 0.2490.
 *
 * <pre>{@code
 * SpiralData data = SpiralTraining.data();
 * Classifier net = SpiralTraining.twoLayerNet();
 * SpiralTraining.Result result = SpiralTraining.train(net, data, 10_000, p -> {});
 * result.accuracy();  // about 0.98
 * }</pre>
 */
public final class SpiralTraining {

  /** Points per class, {@code N}. */
  public static final int POINTS_PER_CLASS = 100;

  /** Classes, {@code K}. */
  public static final int CLASSES = 3;

  /** Coordinates of a point, {@code D}. */
  public static final int DIMENSIONS = 2;

  /** Hidden units of the two-layer net. */
  public static final int HIDDEN = 100;

  /** Standard deviation of the spiral's angle noise. */
  public static final double NOISE = 0.2;

  /** Regularization strength. */
  public static final double REG = 1e-3;

  /** Gradient descent step size. */
  public static final double STEP_SIZE = 1.0;

  /** Full-batch iterations of the case study, for each model. */
  public static final int ITERATIONS = 10_000;

  /** Progress is reported every this many iterations, as the case study prints it. */
  public static final int PROGRESS_EVERY = 1000;

  /**
   * Standard deviation of the parameters at which the gradient check runs; see
   * {@link #randomize}.
   */
  public static final double CHECK_SCALE = 0.5;

  /**
   * Largest relative error the gradient check accepts: CS231n's bound for objectives with kinks
   * (ReLU, max), since a kink may still fall between two probes.
   */
  public static final double CHECK_TOLERANCE = 1e-4;

  /** Seed of the data; the models use the next seeds. */
  public static final long SEED = 0;

  private SpiralTraining() {}

  /**
   * Progress of a training run.
   *
   * @param iteration the iteration, from 0
   * @param loss the loss before this iteration's step
   * @param elapsedMillis milliseconds since the training started
   */
  public record Progress(int iteration, double loss, long elapsedMillis) {}

  /**
   * The outcome of a training run.
   *
   * @param accuracy the fraction of training points classified correctly, in [0, 1]
   * @param finalLoss the loss at the trained parameters
   * @param lossHistory the loss before each iteration's step, one entry per iteration
   * @param elapsedMillis the wall time of the training loop
   */
  public record Result(
      double accuracy, double finalLoss, double[] lossHistory, long elapsedMillis) {}

  /**
   * The gradient check of one parameter block.
   *
   * @param parameter the block
   * @param report the relative errors of the checked entries
   */
  public record BlockCheck(Parameter parameter, GradCheck.Report report) {}

  /**
   * The case study's data, generated from {@link #SEED}.
   *
   * @return 300 points in 3 classes
   */
  public static SpiralData data() {
    return SpiralData.generate(POINTS_PER_CLASS, CLASSES, NOISE, new Random(SEED));
  }

  /**
   * The case study's linear classifier, initialized from seed {@code SEED + 1}.
   *
   * @return a new, untrained classifier
   */
  public static Classifier linearClassifier() {
    return new LinearClassifier(DIMENSIONS, CLASSES, REG, new Random(SEED + 1));
  }

  /**
   * The case study's two-layer net, initialized from seed {@code SEED + 2}.
   *
   * @return a new, untrained network
   */
  public static Classifier twoLayerNet() {
    return new TwoLayerNet(DIMENSIONS, HIDDEN, CLASSES, REG, false, new Random(SEED + 2));
  }

  /**
   * The same network, same initial weights, its loss written as layers
   * ({@link SpiralLoss#layered}).
   *
   * @return a new, untrained network
   */
  public static Classifier layeredNet() {
    return new TwoLayerNet(DIMENSIONS, HIDDEN, CLASSES, REG, true, new Random(SEED + 2));
  }

  /**
   * Trains a model by full-batch gradient descent with step size {@link #STEP_SIZE}. Each
   * iteration zeroes the gradient buffers, calls the generated pullback, which returns the loss
   * and fills the buffers, and takes a step.
   *
   * @param model the model, trained in place
   * @param data the training data
   * @param iterations the number of steps
   * @param progress told every {@link #PROGRESS_EVERY} iterations, from iteration 0
   * @return the accuracy, final loss, loss history and time
   */
  public static Result train(
      Classifier model, SpiralData data, int iterations, Consumer<Progress> progress) {
    double[] history = new double[iterations];
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      history[i] = model.lossAndGradient(data);
      if (i % PROGRESS_EVERY == 0) {
        progress.accept(new Progress(i, history[i], millisSince(start)));
      }
      for (Parameter p : model.parameters()) {
        p.step(STEP_SIZE);
      }
    }
    long elapsed = millisSince(start);
    return new Result(accuracy(model, data), model.loss(data), history, elapsed);
  }

  /**
   * The fraction of points a model classifies correctly.
   *
   * @param model the model
   * @param data the points and their classes
   * @return a value in [0, 1]
   */
  public static double accuracy(Classifier model, SpiralData data) {
    int correct = 0;
    for (int i = 0; i < data.size(); i++) {
      if (model.predict(data.points()[i]) == data.labels()[i]) {
        correct++;
      }
    }
    return (double) correct / data.size();
  }

  /**
   * Sets every parameter of a model to an independent draw from {@code CHECK_SCALE N(0, 1)}:
   * the point at which {@link #gradientCheck} is meant to run.
   *
   * <p>Why not at the initial parameters: there the biases are 0 and the first point of every
   * class is the origin, so its hidden pre-activations are exactly 0, on the kink of the ReLU,
   * and with weights of size 0.01 many others lie within the finite-difference step of it.
   * Centered differences across a kink measure neither one-sided derivative (CS231n, "Gradient
   * checks": kinks in the objective), so the check would report errors that are not errors.
   *
   * @param model the model, changed in place
   * @param random the source of the values
   * @return {@code model}
   */
  public static Classifier randomize(Classifier model, Random random) {
    for (Parameter p : model.parameters()) {
      for (int i = 0; i < p.size(); i++) {
        p.set(i, CHECK_SCALE * random.nextGaussian());
      }
    }
    return model;
  }

  /**
   * Checks the generated gradient of every entry of every parameter block against centered
   * differences of the loss method ({@link GradCheck}), at the model's current parameters. The
   * parameters are left as they were; the gradient buffers hold the gradient afterwards.
   *
   * @param model the model, for instance a {@linkplain #randomize randomized} one
   * @param data the data the loss is computed on
   * @return one check per block, in the model's order
   */
  public static List<BlockCheck> gradientCheck(Classifier model, SpiralData data) {
    model.lossAndGradient(data);
    List<BlockCheck> checks = new ArrayList<>();
    for (Parameter p : model.parameters()) {
      double[] point = new double[p.size()];
      double[] analytic = new double[p.size()];
      String[] names = new String[p.size()];
      for (int i = 0; i < p.size(); i++) {
        point[i] = p.get(i);
        analytic[i] = p.gradientAt(i);
        names[i] = p.entryName(i);
      }
      GradCheck.ScalarFunction loss =
          x -> {
            setAll(p, x);
            double value = model.loss(data);
            setAll(p, point);
            return value;
          };
      checks.add(new BlockCheck(p, GradCheck.check(loss, point, analytic, names)));
    }
    return checks;
  }

  private static void setAll(Parameter p, double[] values) {
    for (int i = 0; i < values.length; i++) {
      p.set(i, values[i]);
    }
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
