package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each registered derivative of {@link Vectors} against central differences of the function
 * itself: pullbacks along a seed, JVPs along a direction, HVPs along a direction.
 */
class VectorsTest {
  private static final double H = 1e-6;
  private static final double[] Z = {0.4, -1.3, 0.9, 2.1, -0.2};
  private static final double[] V = {0.3, 0.8, -0.5, 0.1, -0.7};
  private static final double[] SEED = {1.2, -0.4, 0.6, 0.9, -1.1};

  /** {@code (f(z + h v) - f(z - h v)) / 2h}: J v by differences. */
  private static double[] difference(Function<double[], double[]> f, double[] z, double[] v) {
    double[] plus = z.clone();
    double[] minus = z.clone();
    for (int i = 0; i < z.length; i++) {
      plus[i] += H * v[i];
      minus[i] -= H * v[i];
    }
    double[] fp = f.apply(plus);
    double[] fm = f.apply(minus);
    double[] d = new double[fp.length];
    for (int k = 0; k < d.length; k++) {
      d[k] = (fp[k] - fm[k]) / (2 * H);
    }
    return d;
  }

  /** A vector gate's pullback and JVP: {@code seedᵀ J v} both ways, and {@code J v}. */
  private static void check(Function<double[], double[]> f,
      java.util.function.BiConsumer<double[], double[]> pullback,
      java.util.function.BiFunction<double[], double[][], double[]> jvp) {
    double[] jv = difference(f, Z, V);
    double[][] out = new double[1][];
    double[] value = jvp.apply(V, out);
    assertEquals(f.apply(Z)[2], value[2], 0.0);
    double[] dz = new double[Z.length];
    pullback.accept(SEED, dz);
    double seedJv = 0;
    double pullbackV = 0;
    for (int k = 0; k < jv.length; k++) {
      assertEquals(jv[k], out[0][k], 1e-8, "J v, entry " + k);
      seedJv += SEED[k] * jv[k];
    }
    for (int i = 0; i < Z.length; i++) {
      pullbackV += dz[i] * V[i];
    }
    assertEquals(seedJv, pullbackV, 1e-8, "seedᵀ J v");
  }

  @Test
  void elementwiseGatesAndSoftmax() {
    check(Vectors::relu, (s, dz) -> Vectors.reluPullback(Z, s, dz),
        (v, out) -> Vectors.reluJvp(Z, v, out));
    check(Vectors::sigmoid, (s, dz) -> Vectors.sigmoidPullback(Z, s, dz),
        (v, out) -> Vectors.sigmoidJvp(Z, v, out));
    check(Vectors::tanh, (s, dz) -> Vectors.tanhPullback(Z, s, dz),
        (v, out) -> Vectors.tanhJvp(Z, v, out));
    check(Vectors::softmax, (s, dz) -> Vectors.softmaxPullback(Z, s, dz),
        (v, out) -> Vectors.softmaxJvp(Z, v, out));
  }

  @Test
  void matVecInBothArguments() {
    double[][] w = {{0.3, -0.7, 0.5, 1.1, 0.2}, {1.1, 0.2, -0.4, 0.6, -0.9}};
    double[][] vw = {{0.1, 0.2, -0.3, 0.4, 0.5}, {-0.6, 0.7, 0.8, -0.9, 0.1}};
    double[] seed = {0.7, -1.3};
    double[] jv = new double[2];
    double[][] wp = {w[0].clone(), w[1].clone()};
    double[][] wm = {w[0].clone(), w[1].clone()};
    double[] xp = Z.clone();
    double[] xm = Z.clone();
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 5; j++) {
        wp[i][j] += H * vw[i][j];
        wm[i][j] -= H * vw[i][j];
      }
    }
    for (int j = 0; j < 5; j++) {
      xp[j] += H * V[j];
      xm[j] -= H * V[j];
    }
    double[] fp = Vectors.matVec(wp, xp);
    double[] fm = Vectors.matVec(wm, xm);
    double[][] out = new double[1][];
    Vectors.matVecJvp(w, Z, vw, V, out);
    double[][] dw = new double[2][5];
    double[] dx = new double[5];
    Vectors.matVecPullback(w, Z, seed, dw, dx);
    double seedJv = 0;
    double pullbackV = 0;
    for (int k = 0; k < 2; k++) {
      jv[k] = (fp[k] - fm[k]) / (2 * H);
      assertEquals(jv[k], out[0][k], 1e-8);
      seedJv += seed[k] * jv[k];
      for (int j = 0; j < 5; j++) {
        pullbackV += dw[k][j] * vw[k][j];
      }
    }
    for (int j = 0; j < 5; j++) {
      pullbackV += dx[j] * V[j];
    }
    assertEquals(seedJv, pullbackV, 1e-8);
  }

  @Test
  void softmaxCrossEntropyIsPMinusOneHotAndItsHvpTheSoftmaxJacobian() {
    double[] grad = new double[5];
    double value = Vectors.softmaxCrossEntropyPullback(Z, 3, 1.0, grad);
    assertEquals(Vectors.softmaxCrossEntropy(Z, 3), value, 0.0);
    double[] p = Vectors.softmax(Z);
    for (int i = 0; i < 5; i++) {
      assertEquals(p[i] - (i == 3 ? 1 : 0), grad[i], 1e-15);
    }
    double[] d = new double[5];
    double[] hv = new double[5];
    Vectors.softmaxCrossEntropyHvp(Z, 3, 1.0, d, V, 0.0, hv);
    double[] expected = difference(z -> {
      double[] g = new double[5];
      Vectors.softmaxCrossEntropyPullback(z, 3, 1.0, g);
      return g;
    }, Z, V);
    for (int i = 0; i < 5; i++) {
      assertEquals(expected[i], hv[i], 1e-8);
      assertEquals(grad[i], d[i], 1e-15);
    }
  }

  @Test
  void dotAndItsHvp() {
    double[] da = new double[5];
    double[] db = new double[5];
    double[] ha = new double[5];
    double[] hb = new double[5];
    double value = Vectors.dotHvp(Z, V, 2.0, da, db, SEED, Z, 0.5, ha, hb);
    assertEquals(Vectors.dot(Z, V), value, 0.0);
    for (int i = 0; i < 5; i++) {
      assertEquals(2.0 * V[i], da[i], 1e-15);
      assertEquals(2.0 * Z[i], db[i], 1e-15);
      assertEquals(0.5 * V[i] + 2.0 * Z[i], ha[i], 1e-15); // d(a·b)/da along (va, vb) = vb
      assertEquals(0.5 * Z[i] + 2.0 * SEED[i], hb[i], 1e-15);
    }
  }
  /**
   * Each {@code <gate>Into} writes the gate's values into the buffer it is given when that has
   * their length (whatever it held), into a new array otherwise, and never into its input.
   */
  @Test
  void intoVariantsWriteTheGatesValuesIntoTheBufferGiven() {
    double[][] W = {{0.3, -0.7, 0.5, 1.1, 0.2}, {-0.6, 0.9, 0.1, 0.4, -0.8}};
    java.util.List<Function<double[], double[]>> gates = java.util.List.of(
        Vectors::relu, Vectors::sigmoid, Vectors::tanh, Vectors::softmax,
        z -> Vectors.matVec(W, z));
    java.util.List<java.util.function.BiFunction<double[], double[], double[]>> into =
        java.util.List.of(Vectors::reluInto, Vectors::sigmoidInto, Vectors::tanhInto,
            Vectors::softmaxInto, (z, reuse) -> Vectors.matVecInto(W, z, reuse));
    for (int g = 0; g < gates.size(); g++) {
      double[] expected = gates.get(g).apply(Z);
      double[] buffer = new double[expected.length];
      java.util.Arrays.fill(buffer, Double.NaN);
      double[] z = Z.clone();
      double[] written = into.get(g).apply(z, buffer);
      assertSame(buffer, written);
      assertArrayEquals(expected, written);
      assertArrayEquals(Z, z);
      double[] other = into.get(g).apply(z, new double[expected.length + 1]);
      assertArrayEquals(expected, other);
      assertArrayEquals(expected, into.get(g).apply(z, null));
    }
  }
}
