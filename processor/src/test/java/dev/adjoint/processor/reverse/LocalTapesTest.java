package dev.adjoint.processor.reverse;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.OpenTape;
import dev.adjoint.processor.ir.Push;
import dev.adjoint.processor.ir.Reserve;
import dev.adjoint.processor.ir.Settle;
import dev.adjoint.processor.ir.Tape;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a sweep's local tapes get room and are handed back, on the IR itself. */
class LocalTapesTest {
  private static final Var X = new Var("x", Type.DOUBLE);

  /**
   * Pushes before any loop, at the top of the method (an element saved before it is
   * overwritten): room for them right after the tape is opened, not before it, and not missing
   * (a push into a full array would throw).
   */
  @Test
  void pushesOutsideLoopsGetRoomOnceTheTapeIsOpen() {
    Block body = new Block(List.of(
        new OpenTape(Tape.DOUBLES),
        new Push(X, null),
        new Assign(X, new Copy(Constant.number(2.0)), null),
        new Push(X, null),
        new Assign(X, new Copy(Constant.number(3.0)), null)));
    assertThat(LocalTapes.of(body).statements()).containsExactly(
        new OpenTape(Tape.DOUBLES),
        new Reserve(Tape.DOUBLES, Constant.integer(2), null),
        new Push(X, null),
        new Assign(X, new Copy(Constant.number(2.0)), null),
        new Push(X, null),
        new Assign(X, new Copy(Constant.number(3.0)), null),
        new Settle(Tape.DOUBLES, null)).inOrder();
  }

  /** A sweep whose only tape holds arrays keeps it as an object: nothing to reserve or settle. */
  @Test
  void aTapeOfArraysIsLeftAsItIs() {
    Var a = new Var("a", Type.DOUBLE_ARRAY);
    Block body = new Block(List.of(new OpenTape(Tape.REFERENCES), new Push(a, null)));
    assertThat(LocalTapes.of(body)).isEqualTo(body);
  }
}
