package dev.adjoint.processor.reverse;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Push;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Declarations at the top moved into the one loop that uses them, only where that is exact. */
class SunkDeclarationsTest {
  private static final Var I = new Var("i", Type.INT);
  private static final Var N = new Var("n", Type.INT);
  private static final Var X = new Var("x", Type.DOUBLE_ARRAY);
  private static final Var S = new Var("s", Type.DOUBLE);
  private static final Declare ZERO_S = new Declare(S, new Copy(Constant.ZERO));

  private static Loop loop(Stmt... body) {
    return new Loop(new Block(List.of()), null, new Block(List.of(body)), false,
        new Loop.Counted(I, Constant.integer(0), N, false), null);
  }

  @Test
  void aVariableEachIterationAssignsFirstIsDeclaredThere() {
    Assign first = new Assign(S, new Load(X, List.of(I)), null);
    Assign twice = new Assign(S, new Binary(Binary.Op.MUL, S, S), null);
    Block body = new Block(List.of(ZERO_S, loop(first, twice)));
    assertThat(SunkDeclarations.of(body).statements()).containsExactly(
        loop(new Declare(S, first.value(), null), twice));
  }

  /** Its old value is saved before the assignment: it carries over from the last iteration. */
  @Test
  void aValueCarriedBetweenIterationsStaysDeclaredOutside() {
    Block body = new Block(List.of(ZERO_S,
        loop(new Push(S, null), new Assign(S, new Load(X, List.of(I)), null))));
    assertThat(SunkDeclarations.of(body)).isEqualTo(body);
  }

  /** Read after the loop: its scope is the method. */
  @Test
  void aValueReadAfterTheLoopStaysDeclaredOutside() {
    Block body = new Block(List.of(ZERO_S,
        loop(new Assign(S, new Load(X, List.of(I)), null)),
        new Push(S, null)));
    assertThat(SunkDeclarations.of(body)).isEqualTo(body);
  }
}
