package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Compare.assertClose;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The generated gradients of {@link Spellings}' objectives equal the hand-written ones the
 * benchmarks compare them with, and central finite differences.
 */
class SpellingsTest {

  /** An RNN objective's signature, and its pullback's, generated or hand-written. */
  interface RnnLoss {
    double value(double[][] Wh, double[][] Wx, double[] b, double[][] xs, double[] target);
  }

  interface RnnPullback {
    double value(double[][] Wh, double[][] Wx, double[] b, double[][] xs, double[] target,
        double seed, double[][] dWh, double[][] dWx, double[] db);
  }

  @Test
  void rnn() {
    assertRnn(Spellings::rnn, SpellingsGrad::rnnPullback);
  }

  @Test
  void rnnBuffers() {
    assertRnn(Spellings::rnnBuffers, SpellingsGrad::rnnBuffersPullback);
  }

  private static void assertRnn(RnnLoss loss, RnnPullback generated) {
    SpellingsBenchmark.RnnInputs r = new SpellingsBenchmark.Rnn();
    r.setup();
    double[][][] gradients = new double[2][][];
    double[] values = new double[2];
    RnnPullback[] pullbacks = {generated, SpellingsHand::rnnPullback};
    for (int v = 0; v < 2; v++) {
      double[][] dWh = new double[r.Wh.length][r.Wh[0].length];
      double[][] dWx = new double[r.Wx.length][r.Wx[0].length];
      double[] db = new double[r.b.length];
      values[v] = pullbacks[v].value(r.Wh, r.Wx, r.b, r.xs, r.target, 1.0, dWh, dWx, db);
      gradients[v] = new double[][] {Compare.flatten(dWh, dWx, db), db};
    }
    assertClose("value", values[0], loss.value(r.Wh, r.Wx, r.b, r.xs, r.target), 0);
    assertClose("value", values[0], values[1], 1e-14);
    assertClose("hand", gradients[0][0], gradients[1][0], 1e-12);
    double[][] rows = {r.b};
    double[][] fd = FiniteDifferences.zerosLike(rows);
    FiniteDifferences.gradient(() -> loss.value(r.Wh, r.Wx, r.b, r.xs, r.target), rows, fd);
    assertClose("finite differences", gradients[0][1], fd[0], 1e-7);
  }

  @Test
  void horner() {
    SpellingsBenchmark.Horner h = new SpellingsBenchmark.Horner();
    h.setup();
    var g = SpellingsGrad.horner(h.c, h.xs, h.ys);
    double[] dc = new double[h.c.length];
    double value = SpellingsHand.hornerPullback(h.c, h.xs, h.ys, 1.0, dc, h.errors);
    assertClose("value", g.value(), value, 1e-14);
    assertClose("hand", g.dc(), dc, 1e-12);
    double[][] rows = {h.c};
    double[][] fd = FiniteDifferences.zerosLike(rows);
    FiniteDifferences.gradient(() -> Spellings.horner(h.c, h.xs, h.ys), rows, fd);
    assertClose("finite differences", g.dc(), fd[0], 1e-7);
  }

  @Test
  void conv() {
    SpellingsBenchmark.Conv c = new SpellingsBenchmark.Conv();
    c.setup();
    var g = SpellingsGrad.conv(c.kernel, c.signal, c.target);
    double[] dkernel = new double[c.kernel.length];
    double value = SpellingsHand.convPullback(c.kernel, c.signal, c.target, 1.0, dkernel);
    assertClose("value", g.value(), value, 1e-14);
    assertClose("hand", g.dkernel(), dkernel, 1e-12);
    double[][] rows = {c.kernel};
    double[][] fd = FiniteDifferences.zerosLike(rows);
    FiniteDifferences.gradient(() -> Spellings.conv(c.kernel, c.signal, c.target), rows, fd);
    assertClose("finite differences", g.dkernel(), fd[0], 1e-6);
  }

  @Test
  void kmeans() {
    SpellingsBenchmark.Kmeans k = new SpellingsBenchmark.Kmeans();
    k.setup();
    var g = SpellingsGrad.kmeans(k.centres, k.points);
    double[][] dcentres = FiniteDifferences.zerosLike(k.centres);
    double value = SpellingsHand.kmeansPullback(k.centres, k.points, 1.0, dcentres);
    assertClose("value", g.value(), value, 1e-14);
    assertClose("hand", Compare.flatten(g.dcentres()), Compare.flatten(dcentres), 1e-12);
    double[][] fd = FiniteDifferences.zerosLike(k.centres);
    FiniteDifferences.gradient(() -> Spellings.kmeans(k.centres, k.points), k.centres, fd);
    assertClose("finite differences", Compare.flatten(g.dcentres()), Compare.flatten(fd), 1e-6);
  }

  @Test
  void repulsion() {
    SpellingsBenchmark.Repulsion r = new SpellingsBenchmark.Repulsion();
    r.setup();
    var g = SpellingsGrad.repulsion(r.x, r.y);
    double[] dx = new double[r.x.length];
    double[] dy = new double[r.y.length];
    double value = SpellingsHand.repulsionPullback(r.x, r.y, 1.0, dx, dy);
    assertClose("value", g.value(), value, 1e-14);
    assertClose("hand", Compare.flatten(new double[][] {g.dx(), g.dy()}),
        Compare.flatten(new double[][] {dx, dy}), 1e-12);
    double[][] rows = {r.x, r.y};
    double[][] fd = FiniteDifferences.zerosLike(rows);
    FiniteDifferences.gradient(() -> Spellings.repulsion(r.x, r.y), rows, fd);
    // the energy sums 79,800 pairs: its central differences carry ~1e-6 of rounding
    assertClose("finite differences", Compare.flatten(new double[][] {g.dx(), g.dy()}),
        Compare.flatten(fd), 1e-5);
  }

  @Test
  void path() {
    SpellingsBenchmark.Path p = new SpellingsBenchmark.Path();
    p.setup();
    var g = SpellingsGrad.path(p.x, p.y);
    double[] dx = new double[p.x.length];
    double[] dy = new double[p.y.length];
    double value = SpellingsHand.pathPullback(p.x, p.y, 1.0, dx, dy);
    assertClose("value", g.value(), value, 1e-14);
    assertClose("hand", Compare.flatten(new double[][] {g.dx(), g.dy()}),
        Compare.flatten(new double[][] {dx, dy}), 1e-12);
    // central differences of a sum of 9,999 lengths are all rounding: check the first 50
    double[][] rows = {Arrays.copyOf(p.x, 50), Arrays.copyOf(p.y, 50)};
    var prefix = SpellingsGrad.path(rows[0], rows[1]);
    double[][] fd = FiniteDifferences.zerosLike(rows);
    FiniteDifferences.gradient(() -> Spellings.path(rows[0], rows[1]), rows, fd);
    assertClose("finite differences", Compare.flatten(new double[][] {prefix.dx(),
        prefix.dy()}), Compare.flatten(fd), 1e-6);
  }

  @Test
  void factorise() {
    SpellingsBenchmark.Factorise m = new SpellingsBenchmark.Factorise();
    m.setup();
    var g = SpellingsGrad.factorise(m.u, m.v, m.users, m.items, m.ratings, m.lambda);
    double value = SpellingsHand.factorisePullback(m.u, m.v, m.users, m.items, m.ratings,
        m.lambda, 1.0, m.du, m.dv);
    assertClose("value", g.value(), value, 1e-14);
    assertClose("hand", Compare.flatten(g.du(), g.dv()), Compare.flatten(m.du, m.dv), 1e-12);
    // central differences at the factors of two users and an item (each perturbed in place);
    // the loss sums 20,000 squared errors of about 10 each, so its differences carry ~1e-6 of
    // rounding
    double[][] rows = {m.u[m.users[0]], m.u[m.users[1]], m.v[m.items[0]]};
    double[][] fd = FiniteDifferences.zerosLike(rows);
    FiniteDifferences.gradient(
        () -> Spellings.factorise(m.u, m.v, m.users, m.items, m.ratings, m.lambda), rows, fd);
    assertClose("finite differences", Compare.flatten(g.du()[m.users[0]], g.du()[m.users[1]],
        g.dv()[m.items[0]]), Compare.flatten(fd), 1e-5);
  }

  @Test
  void heat() {
    SpellingsBenchmark.Heat h = new SpellingsBenchmark.Heat();
    h.setup();
    int steps = SpellingsBenchmark.Heat.STEPS;
    double k = SpellingsBenchmark.Heat.K;
    var g = SpellingsGrad.heat(h.u0, k, steps);
    double[] du0 = new double[h.u0.length];
    double[] dScalars = new double[1];
    double value = SpellingsHand.heatPullback(h.u0, k, steps, 1.0, du0, dScalars);
    assertClose("value", g.value(), value, 1e-14);
    assertClose("hand", g.du0(), du0, 1e-12);
    assertClose("hand dk", g.dk(), dScalars[0], 1e-12);
    double[][] rows = {h.u0};
    double[][] fd = FiniteDifferences.zerosLike(rows);
    FiniteDifferences.gradient(() -> Spellings.heat(h.u0, k, steps), rows, fd);
    assertClose("finite differences", g.du0(), fd[0], 1e-6);
  }

  @Test
  void holt() {
    SpellingsBenchmark.Holt h = new SpellingsBenchmark.Holt();
    h.setup();
    var g = SpellingsGrad.holt(h.x, h.alpha, h.beta);
    double[] dScalars = new double[2];
    double value = SpellingsHand.holtPullback(h.x, h.alpha, h.beta, 1.0, dScalars, h.level,
        h.trend);
    assertClose("value", g.value(), value, 1e-12);
    assertClose("hand dalpha", g.dalpha(), dScalars[0], 1e-10);
    assertClose("hand dbeta", g.dbeta(), dScalars[1], 1e-10);
    double step = 1e-6;
    double fdAlpha = (Spellings.holt(h.x, h.alpha + step, h.beta)
        - Spellings.holt(h.x, h.alpha - step, h.beta)) / (2 * step);
    double fdBeta = (Spellings.holt(h.x, h.alpha, h.beta + step)
        - Spellings.holt(h.x, h.alpha, h.beta - step)) / (2 * step);
    assertClose("finite differences dalpha", g.dalpha(), fdAlpha, 1e-6);
    assertClose("finite differences dbeta", g.dbeta(), fdBeta, 1e-6);
  }

  @Test
  void book() {
    SpellingsBenchmark.Book b = new SpellingsBenchmark.Book();
    b.setup();
    var g = SpellingsGrad.book(b.spot, 0.25, 0.03, b.strike, b.maturity, b.weight);
    double[] dSpot = new double[b.spot.length];
    double[] dScalars = new double[2];
    double value = SpellingsHand.bookPullback(b.spot, 0.25, 0.03, b.strike, b.maturity,
        b.weight, 1.0, dSpot, dScalars);
    assertClose("value", g.value(), value, 1e-14);
    assertClose("hand", Compare.flatten(g.dspot(), g.dsigma(), g.drate()),
        Compare.flatten(dSpot, dScalars[0], dScalars[1]), 1e-12);
    double[][] rows = {b.spot};
    double[][] fd = FiniteDifferences.zerosLike(rows);
    FiniteDifferences.gradient(() -> Spellings.book(b.spot, 0.25, 0.03, b.strike, b.maturity,
        b.weight), rows, fd);
    assertClose("finite differences", g.dspot(), fd[0], 1e-7);
  }

  @Test
  void logistic() {
    SpellingsBenchmark.Logistic l = new SpellingsBenchmark.Logistic();
    l.setup();
    var g = SpellingsGrad.logistic(l.w, l.b, l.X, l.y, 0.01);
    double[] dw = new double[l.w.length];
    double[] dScalars = new double[1];
    double value = SpellingsHand.logisticPullback(l.w, l.b, l.X, l.y, 0.01, 1.0, dw, dScalars);
    assertClose("value", g.value(), value, 1e-14);
    assertClose("hand", Compare.flatten(g.dw(), g.db()), Compare.flatten(dw, dScalars[0]),
        1e-12);
    double[][] rows = {l.w};
    double[][] fd = FiniteDifferences.zerosLike(rows);
    FiniteDifferences.gradient(() -> Spellings.logistic(l.w, l.b, l.X, l.y, 0.01), rows, fd);
    assertClose("finite differences", g.dw(), fd[0], 1e-7);
  }
}
