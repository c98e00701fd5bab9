package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Compare.assertClose;
import static dev.adjoint.benchmarks.Compare.flatten;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.benchmarks.AdBench.LstmInstance;
import org.hipparchus.analysis.differentiation.Gradient;
import org.junit.jupiter.api.Test;

class LstmTest {
  private static final String FILE = "lstm/lstm_l2_c1024.txt";

  @Test
  void generatedMatchesAdBenchGoldenNumbers() {
    LstmInstance s = AdBench.readLstm(FILE);
    assertEquals(266, s.parameters());
    double goldenF = AdBench.readNumbers("golden/lstm_l2_c1024_F.txt")[0];
    double[] goldenJ = AdBench.readNumbers("golden/lstm_l2_c1024_J.txt");
    double[] state = s.state().clone();

    double primal = Lstm.objective(s.l(), s.c(), s.b(), s.mainParams(), s.extraParams(),
        s.state(), s.sequence());
    assertClose("primal value", goldenF, primal, 1e-8);

    var g = LstmGrad.objective(s.l(), s.c(), s.b(), s.mainParams(), s.extraParams(), s.state(),
        s.sequence());
    assertClose("generated value", goldenF, g.value(), 1e-8);
    assertClose("generated gradient", goldenJ, flatten(g.dmainParams(), g.dextraParams()), 1e-8);
    assertArrayEquals(state, s.state(), "the state is an input, not modified");
  }

  @Test
  void handAndHipparchusEqualGeneratedAndGolden() {
    LstmInstance s = AdBench.readLstm(FILE);
    double[] goldenJ = AdBench.readNumbers("golden/lstm_l2_c1024_J.txt");
    var g = LstmGrad.objective(s.l(), s.c(), s.b(), s.mainParams(), s.extraParams(), s.state(),
        s.sequence());
    double[] generated = flatten(g.dmainParams(), g.dextraParams());

    double[] dmain = new double[s.mainParams().length];
    double[] dextra = new double[s.extraParams().length];
    double value = LstmHand.objectivePullback(s.l(), s.c(), s.b(), s.mainParams(),
        s.extraParams(), s.state(), s.sequence(), 1.0, dmain, dextra);
    assertEquals(g.value(), value, 0.0);
    assertClose("hand", generated, flatten(dmain, dextra), 1e-13);
    assertClose("hand vs golden", goldenJ, flatten(dmain, dextra), 1e-8);

    double[] pmain = new double[s.mainParams().length];
    double[] pextra = new double[s.extraParams().length];
    double pulled = LstmGrad.objectivePullback(s.l(), s.c(), s.b(), s.mainParams(),
        s.extraParams(), s.state(), s.sequence(), 1.0, pmain, pextra);
    assertEquals(g.value(), pulled, 0.0);
    assertClose("pullback", generated, flatten(pmain, pextra), 0);

    Gradient forward = LstmForward.objective(s.l(), s.c(), s.b(), s.mainParams(),
        s.extraParams(), s.state(), s.sequence());
    assertClose("Hipparchus value", g.value(), forward.getValue(), 1e-13);
    assertClose("Hipparchus", generated, forward.getGradient(), 1e-13);
  }

  @Test
  void finiteDifferencesEqualGeneratedOnAShortSequence() {
    LstmInstance s = AdBench.readLstm(FILE);
    int c = 64;
    var g = LstmGrad.objective(s.l(), c, s.b(), s.mainParams(), s.extraParams(), s.state(),
        s.sequence());
    double[][] rows = {s.mainParams(), s.extraParams()};
    double[][] fd = FiniteDifferences.zerosLike(rows);
    FiniteDifferences.gradient(() -> Lstm.objective(s.l(), c, s.b(), s.mainParams(),
        s.extraParams(), s.state(), s.sequence()), rows, fd);
    assertClose("finite differences", flatten(g.dmainParams(), g.dextraParams()),
        flatten((Object) fd), 1e-9);
  }
}
