package dev.adjoint;

/** Zero arrays shaped like others, for the adjoints of matrices in generated code. */
public final class Shapes {
  private Shapes() {}

  /** A new array of zeros with the shape of {@code m}, ragged rows included. */
  public static double[][] zerosLike(double[][] m) {
    double[][] zeros = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      zeros[i] = new double[m[i].length];
    }
    return zeros;
  }
}
