package dev.adjoint.processor.ir;

/**
 * A loop. Unless {@link #counted} is set, it runs as
 * {@code while (true) { header; if (!test) break; body; }}, or, when {@link #testAtEnd}
 * ({@code do}-{@code while}), as {@code while (true) { body; header; if (!test) break; }}; the
 * body may end paths with {@link Break}. The backward sweep replays the body as many times as it
 * ran: the forward sweep counts.
 *
 * <p>A counted loop {@code for (int i = from; i < to; i += step)} whose body writes neither the
 * index nor the bounds and never breaks runs backward from its last index down to {@code from}
 * without counting; {@code header} and {@code test} are then empty and null.
 */
public record Loop(Block header, Operand test, Block body, boolean testAtEnd, Counted counted,
    Origin origin) implements Stmt, Located {

  /** The same loop around another body. */
  public Loop withBody(Block newBody) {
    return new Loop(header, test, newBody, testAtEnd, counted, origin);
  }

  /**
   * The index and bounds of a counted loop {@code for (int i = from; i < to; i += step)}, or with
   * a negative {@code step} {@code for (int i = from; i > to; i += step)} (downward);
   * {@code inclusive} for {@code i <= to} ({@code i >= to}); {@code step} a nonzero constant.
   */
  public record Counted(Var index, Operand from, Operand to, boolean inclusive, int step) {
    /** A loop by ones. */
    public Counted(Var index, Operand from, Operand to, boolean inclusive) {
      this(index, from, to, inclusive, 1);
    }

    public boolean downward() {
      return step < 0;
    }

    /** {@code for (i = 0; i < to; i++)}: every index of {@code 0 .. to - 1} once, upward. */
    public boolean unitFromZero() {
      return step == 1 && !inclusive && from instanceof Constant zero && zero.is(0);
    }
  }
}
