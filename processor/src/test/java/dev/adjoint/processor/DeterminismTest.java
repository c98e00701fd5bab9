package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.processor.testing.Compiled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Two builds write the same bytes; generated code keeps no state, so threads may share it. */
class DeterminismTest {
  @Test
  void twoBuildsGiveIdenticalSources() throws Exception {
    String[] sources = {GoldenSourceTest.CIRCUITS, GoldenSourceTest.PIECEWISE,
        GoldenSourceTest.LAYERS, LoopsAndArraysTest.SOURCE};
    assertThat(generated(Compiled.compile(sources))).isEqualTo(
        generated(Compiled.compile(sources)));
  }

  @Test
  void threadsCallingAtOnceGetIdenticalResults() throws Exception {
    Compiled compiled = Compiled.compile(LoopsAndArraysTest.SOURCE);
    double[][] batch = {{0.3, -0.2, 0.5, 0.1}, {0.7, 0.4, -0.6, 0.9}, {-0.1, 0.2, 0.3, -0.4}};
    double[] w = {1.1, 0.4, -0.7, 0.2};
    var expected = compiled.gradient("demo.Loops", "perIteration", batch, w);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<double[]>> calls = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        calls.add(() -> compiled.gradient("demo.Loops", "perIteration", batch, w).partials());
      }
      for (Future<double[]> result : pool.invokeAll(calls)) {
        assertThat(result.get()).isEqualTo(expected.partials());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> generated(Compiled compiled) throws Exception {
    List<String> texts = new ArrayList<>();
    for (JavaFileObject file : compiled.compilation().generatedSourceFiles()) {
      texts.add(file.getName() + "\n" + file.getCharContent(true));
    }
    return texts;
  }
}
