package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Compare.assertClose;
import static dev.adjoint.benchmarks.Compare.flatten;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.benchmarks.AdBench.GmmInstance;
import org.hipparchus.analysis.differentiation.Gradient;
import org.junit.jupiter.api.Test;

class GmmTest {

  @Test
  void generatedMatchesAdBenchGoldenNumbers() {
    GmmInstance g = AdBench.readGmm("gmm/test.txt");
    double goldenF = AdBench.readNumbers("golden/gmm_test_F.txt")[0];
    double[] goldenJ = AdBench.readNumbers("golden/gmm_test_J.txt");

    double primal = Gmm.objective(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(), g.m());
    assertClose("primal value", goldenF, primal, 1e-8);

    var grad = GmmGrad.objective(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(), g.m());
    assertClose("generated value", goldenF, grad.value(), 1e-8);
    assertClose("generated gradient", goldenJ, flatten(grad.dalphas(), grad.dmeans(),
        grad.dicf()), 1e-8);
  }

  @Test
  void handAndHipparchusMatchAdBenchGoldenNumbers() {
    GmmInstance g = AdBench.readGmm("gmm/test.txt");
    double goldenF = AdBench.readNumbers("golden/gmm_test_F.txt")[0];
    double[] goldenJ = AdBench.readNumbers("golden/gmm_test_J.txt");
    Buffers b = new Buffers(g);
    double value = GmmHand.objectivePullback(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(),
        g.m(), 1.0, b.dalphas, b.dmeans, b.dicf);
    assertClose("hand value", goldenF, value, 1e-8);
    assertClose("hand gradient", goldenJ, b.flat(), 1e-8);

    Gradient forward = GmmForward.objective(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(),
        g.m());
    assertClose("Hipparchus value", goldenF, forward.getValue(), 1e-8);
    assertClose("Hipparchus gradient", goldenJ, forward.getGradient(), 1e-8);
  }

  @Test
  void onTheBenchmarkInstanceHandHipparchusAndFiniteDifferencesEqualGenerated() {
    GmmInstance g = AdBench.readGmm("gmm/1k/gmm_d2_K5.txt");
    assertEquals(1000, g.x().length);
    assertEquals(30, g.parameters());
    var grad = GmmGrad.objective(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(), g.m());
    double[] generated = flatten(grad.dalphas(), grad.dmeans(), grad.dicf());

    Buffers b = new Buffers(g);
    double value = GmmHand.objectivePullback(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(),
        g.m(), 1.0, b.dalphas, b.dmeans, b.dicf);
    assertEquals(grad.value(), value, 0.0);
    assertClose("hand", generated, b.flat(), 1e-12);

    Buffers p = new Buffers(g);
    double pulled = GmmGrad.objectivePullback(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(),
        g.m(), 1.0, p.dalphas, p.dmeans, p.dicf);
    assertEquals(grad.value(), pulled, 0.0);
    assertClose("pullback", generated, p.flat(), 0);

    Gradient forward = GmmForward.objective(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(),
        g.m());
    assertClose("Hipparchus value", grad.value(), forward.getValue(), 1e-13);
    assertClose("Hipparchus", generated, forward.getGradient(), 1e-12);

    double[][] rows = FiniteDifferences.rows(g.alphas(), g.means(), g.icf());
    double[][] fd = FiniteDifferences.zerosLike(rows);
    FiniteDifferences.gradient(
        () -> Gmm.objective(g.alphas(), g.means(), g.icf(), g.x(), g.gamma(), g.m()), rows, fd);
    assertClose("finite differences", generated, flatten((Object) fd), 1e-7);
  }

  private static final class Buffers {
    final double[] dalphas;
    final double[][] dmeans;
    final double[][] dicf;

    Buffers(GmmInstance g) {
      dalphas = new double[g.alphas().length];
      dmeans = FiniteDifferences.zerosLike(g.means());
      dicf = FiniteDifferences.zerosLike(g.icf());
    }

    double[] flat() {
      return flatten(dalphas, dmeans, dicf);
    }
  }
}
