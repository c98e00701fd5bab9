package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Compare.assertClose;
import static dev.adjoint.benchmarks.Compare.flatten;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.hipparchus.analysis.differentiation.Gradient;
import org.junit.jupiter.api.Test;

class TwoLayerNetTest {

  @Test
  void spiralHandEqualsGenerated() {
    handEqualsGenerated(TwoLayerData.spiral());
  }

  @Test
  void cifarHandEqualsGenerated() {
    handEqualsGenerated(TwoLayerData.cifar());
  }

  private static void handEqualsGenerated(TwoLayerData t) {
    var g = TwoLayerNetGrad.loss(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg());
    assertEquals(g.value(), TwoLayerNet.loss(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(),
        t.reg()), 0.0);
    double[][] dW1 = FiniteDifferences.zerosLike(t.W1());
    double[] db1 = new double[t.b1().length];
    double[][] dW2 = FiniteDifferences.zerosLike(t.W2());
    double[] db2 = new double[t.b2().length];
    double value = TwoLayerNetHand.lossPullback(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(),
        t.reg(), 1.0, dW1, db1, dW2, db2);
    assertClose("hand value", g.value(), value, 1e-14);
    double[] generated = flatten(g.dW1(), g.db1(), g.dW2(), g.db2());
    assertEquals(t.parameters(), generated.length);
    // the two differ only in rounding: the generated sweep also routes the (rounding-size)
    // adjoint of the max that the softmax subtracts
    assertClose("hand", generated, flatten(dW1, db1, dW2, db2), 1e-13);

    for (double[] row : dW1) {
      Arrays.fill(row, 0);
    }
    Arrays.fill(db1, 0);
    for (double[] row : dW2) {
      Arrays.fill(row, 0);
    }
    Arrays.fill(db2, 0);
    double pulled = TwoLayerNetGrad.lossPullback(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(),
        t.reg(), 1.0, dW1, db1, dW2, db2);
    assertEquals(g.value(), pulled, 0.0);
    assertClose("pullback", generated, flatten(dW1, db1, dW2, db2), 0);
  }

  /** The loss written as layers is the same function with the same gradient. */
  @Test
  void layeredEqualsTheSingleMethod() {
    TwoLayerData t = TwoLayerData.spiral();
    var g = TwoLayerNetGrad.loss(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg());
    double[][] dW1 = FiniteDifferences.zerosLike(t.W1());
    double[] db1 = new double[t.b1().length];
    double[][] dW2 = FiniteDifferences.zerosLike(t.W2());
    double[] db2 = new double[t.b2().length];
    double value = TwoLayerNetGrad.layeredPullback(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(),
        t.reg(), 1.0, dW1, db1, dW2, db2);
    assertClose("layered value", g.value(), value, 1e-14);
    assertClose("layered", flatten(g.dW1(), g.db1(), g.dW2(), g.db2()),
        flatten(dW1, db1, dW2, db2), 1e-12);
  }

  /** The loss as cs231n spells it is the same function with the same gradient as the hand's. */
  @Test
  void naturalSpellingEqualsTheHandWrittenGradient() {
    TwoLayerData t = TwoLayerData.spiral();
    double[][] dW1 = FiniteDifferences.zerosLike(t.W1());
    double[] db1 = new double[t.b1().length];
    double[][] dW2 = FiniteDifferences.zerosLike(t.W2());
    double[] db2 = new double[t.b2().length];
    double hand = TwoLayerNetHand.lossPullback(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(),
        t.reg(), 1.0, dW1, db1, dW2, db2);
    double[] expected = flatten(dW1, db1, dW2, db2);
    dW1 = FiniteDifferences.zerosLike(t.W1());
    db1 = new double[t.b1().length];
    dW2 = FiniteDifferences.zerosLike(t.W2());
    db2 = new double[t.b2().length];
    double value = TwoLayerNetGrad.naturalPullback(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(),
        t.reg(), 1.0, dW1, db1, dW2, db2);
    assertClose("natural value", hand, value, 1e-14);
    assertClose("natural", expected, flatten(dW1, db1, dW2, db2), 1e-12);
  }

  @Test
  void hipparchusAndFiniteDifferencesEqualGeneratedOnTheSpiral() {
    TwoLayerData t = TwoLayerData.spiral();
    var g = TwoLayerNetGrad.loss(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg());
    double[] generated = flatten(g.dW1(), g.db1(), g.dW2(), g.db2());
    Gradient forward =
        TwoLayerNetForward.loss(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg());
    assertClose("Hipparchus value", g.value(), forward.getValue(), 1e-14);
    assertClose("Hipparchus", generated, forward.getGradient(), 1e-13);

    double[][] rows = FiniteDifferences.rows(t.W1(), t.b1(), t.W2(), t.b2());
    double[][] fd = FiniteDifferences.zerosLike(rows);
    FiniteDifferences.gradient(
        () -> TwoLayerNet.loss(t.W1(), t.b1(), t.W2(), t.b2(), t.X(), t.y(), t.reg()), rows, fd);
    // loose: a few hidden units sit within h of the ReLU's kink for some point
    assertClose("finite differences", generated, flatten((Object) fd), 1e-3);
  }
}
