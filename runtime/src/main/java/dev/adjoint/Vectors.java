package dev.adjoint;

/**
 * The gates of {@link Gates} over whole vectors, and the linear algebra of a layer, so that a
 * network is written as layers ({@code Vectors.relu(Vectors.matVec(W, x))}) rather than index
 * loops. Each has its pullback registered with {@link CustomGradient}, its JVP with
 * {@link CustomJvp} and its HVP (second order) with {@link CustomHvp}, written as a person writes
 * them (cs231n): ReLU routes the gradient where the input was positive, softmax cross-entropy's
 * gradient is {@code p - onehot(label)}, a matrix-vector product's is the outer product with the
 * input.
 */
public final class Vectors {
  private Vectors() {}

  /** {@code max(0, z_i)}, element by element. */
  public static double[] relu(double[] z) {
    return reluInto(z, null);
  }

  /**
   * {@link #relu} written into {@code reuse} when it has {@code z}'s length, else into a new
   * array; returns the array written. What generated code calls in a loop whose iterations
   * make the result and never keep it.
   */
  public static double[] reluInto(double[] z, double[] reuse) {
    double[] a = Shapes.reused(reuse, z.length);
    for (int i = 0; i < z.length; i++) {
      a[i] = z[i] > 0 ? z[i] : 0.0;
    }
    return a;
  }

  /**
   * Routes the gradient where the input was positive. It returns nothing: its callers have
   * {@code relu(z)} already, and its backward pass does not need it.
   */
  @CustomGradient("relu")
  public static void reluPullback(double[] z, double[] seed, double[] dz) {
    for (int i = 0; i < z.length; i++) {
      if (z[i] > 0) {
        dz[i] += seed[i];
      }
    }
  }

  @CustomJvp("relu")
  public static double[] reluJvp(double[] z, double[] dz, double[][] tangentOut) {
    double[] t = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      t[i] = z[i] > 0 ? dz[i] : 0.0;
    }
    tangentOut[0] = t;
    return relu(z);
  }
  /** ReLU is linear where it is not flat: the seed's tangent routes as the seed does. */
  @CustomHvp("relu")
  public static void reluHvp(double[] z, double[] seed, double[] dz, double[] vz,
      double[] seedTangent, double[] hz) {
    for (int i = 0; i < z.length; i++) {
      if (z[i] > 0) {
        dz[i] += seed[i];
        hz[i] += seedTangent[i];
      }
    }
  }


  /** {@code 1 / (1 + e^-z_i)}, element by element; its derivative is {@code s (1 - s)}. */
  public static double[] sigmoid(double[] z) {
    return sigmoidInto(z, null);
  }

  /** {@link #sigmoid} written into {@code reuse} as {@link #reluInto} writes {@link #relu}. */
  public static double[] sigmoidInto(double[] z, double[] reuse) {
    double[] s = Shapes.reused(reuse, z.length);
    for (int i = 0; i < z.length; i++) {
      s[i] = Gates.sigmoid(z[i]);
    }
    return s;
  }

  @CustomGradient("sigmoid")
  public static double[] sigmoidPullback(double[] z, double[] seed, double[] dz) {
    double[] s = sigmoid(z);
    for (int i = 0; i < z.length; i++) {
      dz[i] += seed[i] * s[i] * (1 - s[i]);
    }
    return s;
  }

  @CustomJvp("sigmoid")
  public static double[] sigmoidJvp(double[] z, double[] dz, double[][] tangentOut) {
    double[] s = sigmoid(z);
    double[] t = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      t[i] = s[i] * (1 - s[i]) * dz[i];
    }
    tangentOut[0] = t;
    return s;
  }
  /** {@code s' = s (1 - s)}, {@code s'' = s' (1 - 2 s)}, element by element. */
  @CustomHvp("sigmoid")
  public static void sigmoidHvp(double[] z, double[] seed, double[] dz, double[] vz,
      double[] seedTangent, double[] hz) {
    for (int i = 0; i < z.length; i++) {
      double s = Gates.sigmoid(z[i]);
      double first = s * (1 - s);
      dz[i] += seed[i] * first;
      hz[i] += seedTangent[i] * first + seed[i] * first * (1 - 2 * s) * vz[i];
    }
  }


  /** {@code tanh(z_i)}, element by element; its derivative is {@code 1 - t²}. */
  public static double[] tanh(double[] z) {
    return tanhInto(z, null);
  }

  /** {@link #tanh} written into {@code reuse} as {@link #reluInto} writes {@link #relu}. */
  public static double[] tanhInto(double[] z, double[] reuse) {
    double[] t = Shapes.reused(reuse, z.length);
    for (int i = 0; i < z.length; i++) {
      t[i] = Math.tanh(z[i]);
    }
    return t;
  }

  @CustomGradient("tanh")
  public static double[] tanhPullback(double[] z, double[] seed, double[] dz) {
    double[] t = tanh(z);
    for (int i = 0; i < z.length; i++) {
      dz[i] += seed[i] * (1 - t[i] * t[i]);
    }
    return t;
  }

  @CustomJvp("tanh")
  public static double[] tanhJvp(double[] z, double[] dz, double[][] tangentOut) {
    double[] t = tanh(z);
    double[] out = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      out[i] = (1 - t[i] * t[i]) * dz[i];
    }
    tangentOut[0] = out;
    return t;
  }
  /** {@code t' = 1 - t²}, {@code t'' = -2 t t'}, element by element. */
  @CustomHvp("tanh")
  public static void tanhHvp(double[] z, double[] seed, double[] dz, double[] vz,
      double[] seedTangent, double[] hz) {
    for (int i = 0; i < z.length; i++) {
      double t = Math.tanh(z[i]);
      double first = 1 - t * t;
      dz[i] += seed[i] * first;
      hz[i] += seedTangent[i] * first - 2 * seed[i] * t * first * vz[i];
    }
  }


  /** {@code e^z_i / Σ_j e^z_j}, shifted by the maximum so it does not overflow. */
  public static double[] softmax(double[] z) {
    return softmaxInto(z, null);
  }

  /** {@link #softmax} written into {@code reuse} as {@link #reluInto} writes {@link #relu}. */
  public static double[] softmaxInto(double[] z, double[] reuse) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double[] p = Shapes.reused(reuse, z.length);
    double sum = 0;
    for (int i = 0; i < z.length; i++) {
      p[i] = Math.exp(z[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < z.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** Softmax's Jacobian is {@code diag(p) - p pᵀ}: {@code dz = p ⊙ (g - g · p)}. */
  @CustomGradient("softmax")
  public static double[] softmaxPullback(double[] z, double[] seed, double[] dz) {
    double[] p = softmax(z);
    double gp = dot(seed, p);
    for (int i = 0; i < z.length; i++) {
      dz[i] += p[i] * (seed[i] - gp);
    }
    return p;
  }

  /** The Jacobian is symmetric: the JVP is the pullback's formula along the tangent. */
  @CustomJvp("softmax")
  public static double[] softmaxJvp(double[] z, double[] dz, double[][] tangentOut) {
    double[] p = softmax(z);
    double vp = dot(dz, p);
    double[] t = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      t[i] = p[i] * (dz[i] - vp);
    }
    tangentOut[0] = t;
    return p;
  }
  /**
   * The tangent of {@link #softmaxPullback}: with {@code dp = p ⊙ (v - v · p)} (the JVP),
   * {@code h = dp ⊙ (g - g · p) + p ⊙ (ġ - ġ · p - g · dp)}.
   */
  @CustomHvp("softmax")
  public static void softmaxHvp(double[] z, double[] seed, double[] dz, double[] vz,
      double[] seedTangent, double[] hz) {
    double[] p = softmax(z);
    double gp = dot(seed, p);
    double vp = dot(vz, p);
    double tp = dot(seedTangent, p);
    double gdp = 0;
    for (int i = 0; i < z.length; i++) {
      gdp += seed[i] * p[i] * (vz[i] - vp);
    }
    for (int i = 0; i < z.length; i++) {
      double dp = p[i] * (vz[i] - vp);
      dz[i] += p[i] * (seed[i] - gp);
      hz[i] += dp * (seed[i] - gp) + p[i] * (seedTangent[i] - tp - gdp);
    }
  }


  /**
   * The softmax cross-entropy of {@code scores} for the correct class {@code label}:
   * {@code log Σ_j e^s_j - s_label}; its gradient is {@code p - onehot(label)}.
   */
  public static double softmaxCrossEntropy(double[] scores, int label) {
    return Gates.logSumExp(scores) - scores[label];
  }

  @CustomGradient("softmaxCrossEntropy")
  public static double softmaxCrossEntropyPullback(double[] scores, int label, double seed,
      double[] dscores) {
    double lse = Gates.logSumExp(scores);
    for (int i = 0; i < scores.length; i++) {
      dscores[i] += seed * Math.exp(scores[i] - lse);
    }
    dscores[label] -= seed;
    return lse - scores[label];
  }

  /** Its Hessian is softmax's Jacobian, {@code diag(p) - p pᵀ}. */
  @CustomHvp("softmaxCrossEntropy")
  public static double softmaxCrossEntropyHvp(double[] scores, int label, double seed,
      double[] dscores, double[] vscores, double seedTangent, double[] hscores) {
    double lse = Gates.logSumExp(scores);
    double pv = 0;
    for (int i = 0; i < scores.length; i++) {
      pv += Math.exp(scores[i] - lse) * vscores[i];
    }
    for (int i = 0; i < scores.length; i++) {
      double p = Math.exp(scores[i] - lse);
      double g = p - (i == label ? 1 : 0);
      dscores[i] += seed * g;
      hscores[i] += seedTangent * g + seed * p * (vscores[i] - pv);
    }
    return lse - scores[label];
  }

  /** {@code W x}. */
  public static double[] matVec(double[][] W, double[] x) {
    return matVecInto(W, x, null);
  }

  /** {@link #matVec} written into {@code reuse} as {@link #reluInto} writes {@link #relu}. */
  public static double[] matVecInto(double[][] W, double[] x, double[] reuse) {
    double[] y = Shapes.reused(reuse, W.length);
    for (int i = 0; i < W.length; i++) {
      y[i] = dot(W[i], x);
    }
    return y;
  }

  /** {@code dW += g xᵀ}, {@code dx += Wᵀ g}; like {@link #reluPullback}, no value returned. */
  @CustomGradient("matVec")
  public static void matVecPullback(double[][] W, double[] x, double[] seed, double[][] dW,
      double[] dx) {
    for (int i = 0; i < W.length; i++) {
      double g = seed[i];
      for (int j = 0; j < x.length; j++) {
        dW[i][j] += g * x[j];
        dx[j] += g * W[i][j];
      }
    }
  }

  /** {@code d(W x) = dW x + W dx}. */
  @CustomJvp("matVec")
  public static double[] matVecJvp(double[][] W, double[] x, double[][] dW, double[] dx,
      double[][] tangentOut) {
    double[] t = new double[W.length];
    for (int i = 0; i < W.length; i++) {
      t[i] = dot(dW[i], x) + dot(W[i], dx);
    }
    tangentOut[0] = t;
    return matVec(W, x);
  }
  /** Bilinear: {@code hW += ġ xᵀ + g vxᵀ}, {@code hx += Wᵀ ġ + vWᵀ g}. */
  @CustomHvp("matVec")
  public static void matVecHvp(double[][] W, double[] x, double[] seed, double[][] dW,
      double[] dx, double[][] vW, double[] vx, double[] seedTangent, double[][] hW,
      double[] hx) {
    for (int i = 0; i < W.length; i++) {
      double g = seed[i];
      double gt = seedTangent[i];
      for (int j = 0; j < x.length; j++) {
        dW[i][j] += g * x[j];
        dx[j] += g * W[i][j];
        hW[i][j] += gt * x[j] + g * vx[j];
        hx[j] += gt * W[i][j] + g * vW[i][j];
      }
    }
  }


  /** {@code Σ a_i b_i}. */
  public static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @CustomGradient("dot")
  public static double dotPullback(double[] a, double[] b, double seed, double[] da,
      double[] db) {
    for (int i = 0; i < a.length; i++) {
      da[i] += seed * b[i];
      db[i] += seed * a[i];
    }
    return dot(a, b);
  }

  /** Its Hessian pairs each {@code a_i} with {@code b_i}. */
  @CustomHvp("dot")
  public static double dotHvp(double[] a, double[] b, double seed, double[] da, double[] db,
      double[] va, double[] vb, double seedTangent, double[] ha, double[] hb) {
    for (int i = 0; i < a.length; i++) {
      da[i] += seed * b[i];
      db[i] += seed * a[i];
      ha[i] += seedTangent * b[i] + seed * vb[i];
      hb[i] += seedTangent * a[i] + seed * va[i];
    }
    return dot(a, b);
  }
}
