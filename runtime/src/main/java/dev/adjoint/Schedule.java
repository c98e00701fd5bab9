package dev.adjoint;

/**
 * A learning rate as a plain function of the step (0, 1, 2, ...), as optax's schedules: pass one
 * to an optimizer instead of a fixed rate.
 */
@FunctionalInterface
public interface Schedule {

  /** The learning rate of step {@code step}, counted from 0. */
  double rate(int step);

  /** The same rate at every step. */
  static Schedule constant(double rate) {
    return step -> rate;
  }

  /** {@code rate * factor^(step / every)}: the rate drops by {@code factor} every few steps. */
  static Schedule stepDecay(double rate, double factor, int every) {
    return step -> rate * Math.pow(factor, step / every);
  }

  /** {@code rate * decay^step}. */
  static Schedule exponential(double rate, double decay) {
    return step -> rate * Math.pow(decay, step);
  }

  /**
   * A linear warmup from 0 to {@code rate} over {@code warmup} steps, then a cosine decay to 0 at
   * step {@code total} (Loshchilov and Hutter's SGDR without restarts); 0 after it.
   */
  static Schedule cosine(double rate, int warmup, int total) {
    return step -> {
      if (step < warmup) {
        return rate * (step + 1) / warmup;
      }
      if (step >= total) {
        return 0;
      }
      double progress = (double) (step - warmup) / Math.max(1, total - warmup);
      return 0.5 * rate * (1 + Math.cos(Math.PI * progress));
    };
  }
}
