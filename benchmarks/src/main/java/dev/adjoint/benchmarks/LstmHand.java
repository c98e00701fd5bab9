package dev.adjoint.benchmarks;

/**
 * The LSTM objective's gradient written by hand (backpropagation through time): the forward
 * sweep saves, per time step, layer and unit, the layer's input, the previous hidden and cell
 * values and the four gate values and {@code tanh(cell)} in flat arrays allocated once per call;
 * the backward sweep carries {@code dh} and {@code dc} per layer from step {@code t + 1} to
 * {@code t}.
 */
public final class LstmHand {
  private LstmHand() {}

  /**
   * Same contract as the generated {@code LstmGrad.objectivePullback}: returns the loss and adds
   * {@code seed} times its gradient into {@code dmain, dextra}.
   */
  public static double objectivePullback(int l, int c, int b, double[] mainParams,
      double[] extraParams, double[] state, double[] sequence, double seed, double[] dmain,
      double[] dextra) {
    int steps = c - 1;
    int saved = steps * l * b;
    double[] inputs = new double[saved];
    double[] hprevs = new double[saved];
    double[] cprevs = new double[saved];
    double[] forgets = new double[saved];
    double[] ingates = new double[saved];
    double[] outgates = new double[saved];
    double[] changes = new double[saved];
    double[] tanhCells = new double[saved];
    double[] probs = new double[steps * b];
    double[] s = state.clone();
    double[] ypred = new double[b];
    double total = 0.0;
    int count = 0;
    int last = 2 * b * (l - 1);
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < b; i++) {
        ypred[i] = sequence[t * b + i] * extraParams[i];
      }
      for (int layer = 0; layer < l; layer++) {
        int p = 8 * b * layer;
        int hidden = 2 * b * layer;
        int cell = hidden + b;
        int base = (t * l + layer) * b;
        for (int i = 0; i < b; i++) {
          double input = layer == 0 ? ypred[i] : s[hidden - 2 * b + i];
          double hp = s[hidden + i];
          double cp = s[cell + i];
          double f = sigmoid(input * mainParams[p + i] + mainParams[p + 4 * b + i]);
          double g = sigmoid(hp * mainParams[p + b + i] + mainParams[p + 5 * b + i]);
          double o = sigmoid(input * mainParams[p + 2 * b + i] + mainParams[p + 6 * b + i]);
          double ch = Math.tanh(hp * mainParams[p + 3 * b + i] + mainParams[p + 7 * b + i]);
          double cn = cp * f + g * ch;
          double tc = Math.tanh(cn);
          inputs[base + i] = input;
          hprevs[base + i] = hp;
          cprevs[base + i] = cp;
          forgets[base + i] = f;
          ingates[base + i] = g;
          outgates[base + i] = o;
          changes[base + i] = ch;
          tanhCells[base + i] = tc;
          s[cell + i] = cn;
          s[hidden + i] = o * tc;
        }
      }
      for (int i = 0; i < b; i++) {
        ypred[i] = s[last + i] * extraParams[b + i] + extraParams[2 * b + i];
      }
      double sum = 0.0;
      for (int i = 0; i < b; i++) {
        double e = Math.exp(ypred[i]);
        probs[t * b + i] = e;
        sum += e;
      }
      sum += 2;
      double lse = Math.log(sum);
      for (int i = 0; i < b; i++) {
        probs[t * b + i] /= sum;
        total += sequence[(t + 1) * b + i] * (ypred[i] - lse);
      }
      count += b;
    }

    double dtotal = -seed / count;
    double[] dh = new double[l * b];
    double[] dc = new double[l * b];
    for (int t = steps - 1; t >= 0; t--) {
      double gold = 0;
      for (int i = 0; i < b; i++) {
        gold += sequence[(t + 1) * b + i];
      }
      int top = (t * l + l - 1) * b;
      int dtop = (l - 1) * b;
      for (int i = 0; i < b; i++) {
        double dy = dtotal * (sequence[(t + 1) * b + i] - gold * probs[t * b + i]);
        double h = outgates[top + i] * tanhCells[top + i];
        dextra[b + i] += dy * h;
        dextra[2 * b + i] += dy;
        dh[dtop + i] += dy * extraParams[b + i];
      }
      for (int layer = l - 1; layer >= 0; layer--) {
        int p = 8 * b * layer;
        int base = (t * l + layer) * b;
        int dl = layer * b;
        for (int i = 0; i < b; i++) {
          double dhn = dh[dl + i];
          double o = outgates[base + i];
          double tc = tanhCells[base + i];
          double f = forgets[base + i];
          double g = ingates[base + i];
          double ch = changes[base + i];
          double input = inputs[base + i];
          double hp = hprevs[base + i];
          double dcn = dc[dl + i] + dhn * o * (1 - tc * tc);
          double zf = dcn * cprevs[base + i] * f * (1 - f);
          double zi = dcn * ch * g * (1 - g);
          double zo = dhn * tc * o * (1 - o);
          double zc = dcn * g * (1 - ch * ch);
          dmain[p + i] += zf * input;
          dmain[p + b + i] += zi * hp;
          dmain[p + 2 * b + i] += zo * input;
          dmain[p + 3 * b + i] += zc * hp;
          dmain[p + 4 * b + i] += zf;
          dmain[p + 5 * b + i] += zi;
          dmain[p + 6 * b + i] += zo;
          dmain[p + 7 * b + i] += zc;
          double din = zf * mainParams[p + i] + zo * mainParams[p + 2 * b + i];
          dh[dl + i] = zi * mainParams[p + b + i] + zc * mainParams[p + 3 * b + i];
          dc[dl + i] = dcn * f;
          if (layer > 0) {
            dh[dl - b + i] += din;
          } else {
            dextra[i] += din * sequence[t * b + i];
          }
        }
      }
    }
    return -total / count;
  }

  private static double sigmoid(double x) {
    return 1.0 / (1.0 + Math.exp(-x));
  }
}
