package dev.adjoint.processor.reverse;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link CommonFactors} that sources compiled through the processor rarely reach:
 * an adjoint its readers scale, written again among them, keeps their factors.
 */
class CommonFactorsIrTest {
  private static final Var I = new Var("i", Type.INT);
  private static final Var N = new Var("n", Type.INT);
  private static final Var X = new Var("x", Type.DOUBLE_ARRAY);
  private static final Var DX = new Var("dx", Type.DOUBLE_ARRAY);
  private static final Var S = new Var("s", Type.DOUBLE);
  private static final Var DS = new Var("ds", Type.DOUBLE);
  private static final Var SEED = new Var("seed", Type.DOUBLE);

  private static Loop loop(Stmt... body) {
    return new Loop(new Block(List.of()), null, new Block(List.of(body)), false,
        new Loop.Counted(I, Constant.integer(0), N, false), null);
  }

  private static Operand times(Operand a, Operand b) {
    return new Nested(new Binary(Binary.Op.MUL, a, b), Type.DOUBLE);
  }

  private static final Operand X_I = new Nested(new Load(X, List.of(I)), Type.DOUBLE);

  /** {@code dx[i] += 2 * (x[i] * ds)} in a loop: {@code double ds = 2 * seed;} before it. */
  @Test
  void aFactorEveryReaderAppliesMovesIntoTheAdjoint() {
    Block body = new Block(List.of(new Accumulate(DS, SEED, true, null),
        loop(new Accumulate(DX, List.of(I), times(Constant.number(2), times(X_I, DS)), false,
            null))));
    assertThat(CommonFactors.of(body).statements()).containsExactly(
        new Accumulate(DS, times(Constant.number(2), SEED), true, null),
        loop(new Accumulate(DX, List.of(I), times(X_I, DS), false, null)));
  }

  /**
   * {@code ds += 2 * (s * ds)} among the readers (the adjoint of {@code s += s * s}): what it
   * adds would not be scaled, so nothing moves.
   */
  @Test
  void anAdjointWrittenAmongItsReadersKeepsTheirFactors() {
    Block body = new Block(List.of(new Accumulate(DS, SEED, true, null),
        loop(new Accumulate(DX, List.of(I), times(Constant.number(2), times(X_I, DS)), false,
            null),
            new Accumulate(DS, times(Constant.number(2), times(S, DS)), false, null))));
    assertThat(CommonFactors.of(body)).isEqualTo(body);
  }
}
