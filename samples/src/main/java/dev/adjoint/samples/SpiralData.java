package dev.adjoint.samples;

import java.util.Random;

/**
 * The spiral data set of CS231n's "minimal neural network case study": {@code K} classes of
 * {@code N} points in the plane, each class an arm of a spiral.
 *
 * <p>Point {@code i} of class {@code j} lies at radius {@code r = i / (N - 1)} and angle
 * {@code t = 4 j + 4 r + noise * g} ({@code g} a standard Gaussian), at
 * {@code (r sin t, r cos t)}: the case study's
 * {@code r = linspace(0, 1, N)}, {@code t = linspace(4 j, 4 (j + 1), N) + randn(N) * 0.2}. The
 * first point of every class is the origin.
 *
 * <p>The arrays are shared, not copied: treat them as read-only.
 *
 * @param points {@code K N} rows of two coordinates, class by class
 * @param labels the class of each point
 * @param classes the number of classes {@code K}
 */
public record SpiralData(double[][] points, int[] labels, int classes) {

  /**
   * Generates the spiral.
   *
   * @param pointsPerClass {@code N}, at least 2
   * @param classes {@code K}, at least 1
   * @param noise the standard deviation of the angle noise (0.2 in the case study)
   * @param random the source of the noise
   * @return {@code N K} points, class 0 first
   */
  public static SpiralData generate(int pointsPerClass, int classes, double noise, Random random) {
    if (pointsPerClass < 2 || classes < 1) {
      throw new IllegalArgumentException(
          "need at least 2 points per class and 1 class, got " + pointsPerClass + " and " + classes);
    }
    double[][] points = new double[pointsPerClass * classes][];
    int[] labels = new int[points.length];
    for (int j = 0; j < classes; j++) {
      for (int i = 0; i < pointsPerClass; i++) {
        double r = (double) i / (pointsPerClass - 1);
        double t = 4.0 * j + 4.0 * r + noise * random.nextGaussian();
        int index = j * pointsPerClass + i;
        points[index] = new double[] {r * Math.sin(t), r * Math.cos(t)};
        labels[index] = j;
      }
    }
    return new SpiralData(points, labels, classes);
  }

  /**
   * The number of points.
   *
   * @return {@code N K}
   */
  public int size() {
    return points.length;
  }

  /**
   * The number of coordinates of a point.
   *
   * @return 2
   */
  public int dimensions() {
    return points[0].length;
  }
}
