package dev.adjoint.processor.reverse;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backward loop of independent iterations (the log-sum-exp's {@code dm[k] += e[k] * ds},
 * inside the zero test put around it) runs at the head of the backward loop over the same
 * indices after it whose iterations are not independent, only where that one touches what the
 * first writes, and writes what it reads, at the element its counter picks, and assigns nothing
 * the first reads.
 */
class JammedLoopsTest {
  private static final Var K = new Var("k", Type.INT);
  private static final Var C = new Var("c", Type.INT);
  private static final Var N = new Var("n", Type.INT);
  private static final Var E = new Var("e", Type.DOUBLE_ARRAY);
  private static final Var DM = new Var("dm", Type.DOUBLE_ARRAY);
  private static final Var DS = new Var("ds", Type.DOUBLE);
  private static final Var DW = new Var("dw", Type.DOUBLE);
  private static final Var T = new Var("t", Type.DOUBLE);
  private static final Var G = new Var("g", Type.DOUBLE);
  private static final Operand LAST =
      new Nested(new Binary(Binary.Op.SUB, N, Constant.integer(1)), Type.INT);

  private static ReverseLoop backward(Var counter, boolean inOrder, Stmt... body) {
    Loop loop = new Loop(new Block(List.of()), null, new Block(List.of()), false,
        new Loop.Counted(counter, Constant.integer(0), N, false), null);
    return new ReverseLoop(loop, Constant.integer(0), LAST, null, false,
        new Block(List.of(body)), null, inOrder);
  }

  /** {@code if (ds != 0.0) for (k ...) { double t = e[k] * ds; dm[k] += t; }}. */
  private static If logSumExpPass() {
    return new If(new Nested(new Binary(Binary.Op.NE, DS, Constant.ZERO), Type.BOOLEAN),
        new Block(List.of(backward(K, true,
            new Declare(T, new Binary(Binary.Op.MUL, new Nested(new Load(E, List.of(K)),
                Type.DOUBLE), DS)),
            new Accumulate(DM, List.of(K), T, false, null)))),
        new Block(List.of()), null);
  }

  /** {@code for (c ... down) { double g = dm[read]; dm[c] = 0; dw += g; ...more }}. */
  private static ReverseLoop components(Operand read, Stmt... more) {
    List<Stmt> body = new ArrayList<>(List.of(
        new Declare(G, new Load(DM, List.of(read))),
        new Store(DM, List.of(C), Constant.ZERO, null),
        new Accumulate(DW, G, false, null)));
    body.addAll(List.of(more));
    return backward(C, false, body.toArray(Stmt[]::new));
  }

  @Test
  void anIndependentPassRunsAtTheHeadOfADependentOne() {
    Block jammed = JammedLoops.of(new Block(List.of(logSumExpPass(), components(C))));
    assertThat(jammed.statements()).hasSize(1);
    ReverseLoop loop = (ReverseLoop) jammed.statements().get(0);
    assertThat(loop.inOrder()).isFalse(); // the dependent loop's order
    assertThat(loop.loop().counted().index()).isEqualTo(C);
    If head = (If) loop.body().statements().get(0);
    ReverseLoop inner = (ReverseLoop) logSumExpPass().then().statements().get(0);
    assertThat(head.then().statements()).containsExactly(
        BackStmts.renamed(inner.body().statements().get(0), K, C),
        BackStmts.renamed(inner.body().statements().get(1), K, C)).inOrder();
    assertThat(loop.body().statements().subList(1, 4))
        .containsExactlyElementsIn(components(C).body().statements()).inOrder();
  }

  /** Over statements it shares nothing with: the reset of ds stays after the loop. */
  @Test
  void theResetOfTheSeedBetweenThemStaysAfter() {
    Assign reset = new Assign(DS, new Copy(Constant.ZERO), null);
    Block jammed = JammedLoops.of(new Block(List.of(logSumExpPass(), reset, components(C))));
    assertThat(jammed.statements()).hasSize(2);
    assertThat(jammed.statements().get(0)).isInstanceOf(ReverseLoop.class);
    assertThat(jammed.statements().get(1)).isEqualTo(reset);
  }

  /** dm[c + 1], which the head of an earlier iteration writes: not jammed. */
  @Test
  void notWhereTheSecondReadsAnotherElement() {
    Operand next = new Nested(new Binary(Binary.Op.ADD, C, Constant.integer(1)), Type.INT);
    Block body = new Block(List.of(logSumExpPass(), components(next)));
    assertThat(JammedLoops.of(body)).isEqualTo(body);
  }

  /** The second assigns ds, which the first reads. */
  @Test
  void notWhereTheSecondAssignsWhatTheFirstReads() {
    Block body = new Block(List.of(logSumExpPass(),
        components(C, new Assign(DS, new Copy(G), null))));
    assertThat(JammedLoops.of(body)).isEqualTo(body);
  }

  /** Over other indices. */
  @Test
  void notOverOtherIndices() {
    ReverseLoop shorter = new ReverseLoop(components(C).loop(), Constant.integer(1), LAST, null,
        false, components(C).body(), null, false);
    Block body = new Block(List.of(logSumExpPass(), shorter));
    assertThat(JammedLoops.of(body)).isEqualTo(body);
  }
}
