package dev.adjoint.benchmarks;

import org.hipparchus.analysis.differentiation.Gradient;

/**
 * {@link Lstm#objective} translated operation by operation to Hipparchus forward mode, with the
 * partials in ADBench's order: the main parameters, then the extra parameters.
 */
public final class LstmForward {
  private LstmForward() {}

  /** The loss and its gradient (length {@code 2 l 4 b + 3 b}). */
  public static Gradient objective(int l, int c, int b, double[] mainParams,
      double[] extraParams, double[] state, double[] sequence) {
    int p = mainParams.length + extraParams.length;
    Gradient[] main = new Gradient[mainParams.length];
    for (int i = 0; i < main.length; i++) {
      main[i] = Gradient.variable(p, i, mainParams[i]);
    }
    Gradient[] extra = new Gradient[extraParams.length];
    for (int i = 0; i < extra.length; i++) {
      extra[i] = Gradient.variable(p, main.length + i, extraParams[i]);
    }
    Gradient[] s = new Gradient[state.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = Gradient.constant(p, state[i]);
    }
    Gradient[] ypred = new Gradient[b];
    Gradient total = Gradient.constant(p, 0);
    int count = 0;
    for (int t = 0; t < c - 1; t++) {
      for (int i = 0; i < b; i++) {
        ypred[i] = extra[i].multiply(sequence[t * b + i]);
      }
      for (int layer = 0; layer < l; layer++) {
        int q = 8 * b * layer;
        int hidden = 2 * b * layer;
        int cell = hidden + b;
        for (int i = 0; i < b; i++) {
          Gradient input = layer == 0 ? ypred[i] : s[hidden - 2 * b + i];
          Gradient forget = sigmoid(input.multiply(main[q + i]).add(main[q + 4 * b + i]));
          Gradient ingate = sigmoid(s[hidden + i].multiply(main[q + b + i]).add(main[q + 5 * b + i]));
          Gradient outgate = sigmoid(input.multiply(main[q + 2 * b + i]).add(main[q + 6 * b + i]));
          Gradient change = s[hidden + i].multiply(main[q + 3 * b + i]).add(main[q + 7 * b + i]).tanh();
          s[cell + i] = s[cell + i].multiply(forget).add(ingate.multiply(change));
          s[hidden + i] = outgate.multiply(s[cell + i].tanh());
        }
      }
      int last = 2 * b * (l - 1);
      for (int i = 0; i < b; i++) {
        ypred[i] = s[last + i].multiply(extra[b + i]).add(extra[2 * b + i]);
      }
      Gradient sum = ypred[0].exp();
      for (int i = 1; i < b; i++) {
        sum = sum.add(ypred[i].exp());
      }
      Gradient lse = sum.add(2).log();
      for (int i = 0; i < b; i++) {
        total = total.add(ypred[i].subtract(lse).multiply(sequence[(t + 1) * b + i]));
      }
      count += b;
    }
    return total.negate().divide(count);
  }

  private static Gradient sigmoid(Gradient x) {
    return x.negate().exp().add(1.0).reciprocal();
  }
}
