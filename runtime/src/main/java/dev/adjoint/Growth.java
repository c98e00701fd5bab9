package dev.adjoint;

/** How the tapes grow: by doubling, or to what a reservation needs. */
final class Growth {
  /** The largest array the JVM allocates. */
  private static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

  private Growth() {}

  /** The new length of an array of {@code current} that must hold {@code needed} values. */
  static int length(int current, long needed) {
    if (needed > MAX_LENGTH) {
      throw new OutOfMemoryError("a tape of " + needed + " values");
    }
    return (int) Math.min(MAX_LENGTH, Math.max(needed, 2L * current));
  }
}
