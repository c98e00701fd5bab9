package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;
import dev.adjoint.Gates;

/**
 * ADBench's LSTM objective, statement for statement as its C++ {@code lstm_objective}
 * (src/cpp/shared/lstm.h, with {@code lstm_predict} and {@code lstm_model} written inline) on
 * ADBench's flat arrays: per layer the main parameters hold the weights of the forget, input,
 * output and change gates, then their biases ({@code 8 b} values); the extra parameters are the
 * input weight, output weight and output bias ({@code 3 b}); the state holds per layer the hidden
 * then the cell values ({@code 2 b}); the sequence holds {@code c} rows of {@code b} values.
 * Quirks kept: the input and change gates read the layer's own previous hidden state, the forget
 * and output gates read the layer's input, and the "log-sum-exp" is {@code log(sum e^y + 2)}.
 */
public final class Lstm {
  private Lstm() {}

  /**
   * The LSTM loss: minus the mean over time steps and characters of {@code x_{t+1} . (y_t - lse)}.
   *
   * @param l the number of layers
   * @param c the number of characters in the sequence
   * @param b the number of bits per character (the hidden size)
   * @param mainParams {@code 2 l 4 b} weights and biases
   * @param extraParams {@code 3 b} input weight, output weight, output bias
   * @param state {@code 2 l b} initial hidden and cell values (a constant, copied)
   * @param sequence {@code c b} characters (a constant)
   */
  @Differentiable(wrt = {"mainParams", "extraParams"})
  public static double objective(int l, int c, int b, double[] mainParams, double[] extraParams,
      double[] state, double[] sequence) {
    double[] s = state.clone();
    double[] ypred = new double[b];
    double[] ynorm = new double[b];
    double total = 0.0;
    int count = 0;
    for (int t = 0; t < c - 1; t++) {
      // lstm_predict
      for (int i = 0; i < b; i++) {
        ypred[i] = sequence[t * b + i] * extraParams[i];
      }
      for (int layer = 0; layer < l; layer++) {
        int p = 8 * b * layer;
        int hidden = 2 * b * layer;
        int cell = hidden + b;
        // lstm_model: the layer's input is ypred for the first layer, else the hidden state of
        // the layer below
        for (int i = 0; i < b; i++) {
          double input = layer == 0 ? ypred[i] : s[hidden - 2 * b + i];
          double forget = Gates.sigmoid(input * mainParams[p + i] + mainParams[p + 4 * b + i]);
          double ingate =
              Gates.sigmoid(s[hidden + i] * mainParams[p + b + i] + mainParams[p + 5 * b + i]);
          double outgate =
              Gates.sigmoid(input * mainParams[p + 2 * b + i] + mainParams[p + 6 * b + i]);
          double change =
              Math.tanh(s[hidden + i] * mainParams[p + 3 * b + i] + mainParams[p + 7 * b + i]);
          s[cell + i] = s[cell + i] * forget + ingate * change;
          s[hidden + i] = outgate * Math.tanh(s[cell + i]);
        }
      }
      int last = 2 * b * (l - 1);
      for (int i = 0; i < b; i++) {
        ypred[i] = s[last + i] * extraParams[b + i] + extraParams[2 * b + i];
      }
      // ADBench's logsumexp: log(sum(exp(y)) + 2)
      double sum = 0.0;
      for (int i = 0; i < b; i++) {
        sum += Math.exp(ypred[i]);
      }
      sum += 2;
      double lse = Math.log(sum);
      for (int i = 0; i < b; i++) {
        ynorm[i] = ypred[i] - lse;
      }
      for (int i = 0; i < b; i++) {
        total += sequence[(t + 1) * b + i] * ynorm[i];
      }
      count += b;
    }
    return -total / count;
  }
}
