package dev.adjoint.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdBenchTest {

  @Test
  void readsTheCopiesOnTheClassPath() {
    assertTrue(AdBench.source().startsWith("class path"), AdBench.source());
    assertEquals(1000, AdBench.readGmm("gmm/1k/gmm_d2_K5.txt").x().length);
    assertEquals(14, AdBench.readLstm("lstm/lstm_l2_c1024.txt").b());
  }

  @Test
  void aMissingFileNamesItselfAndTheWayOut() {
    var e = assertThrows(IllegalArgumentException.class, () -> AdBench.readNumbers("gmm/no.txt"));
    assertTrue(e.getMessage().contains("gmm/no.txt"), e.getMessage());
    assertTrue(e.getMessage().contains(AdBench.DIR_PROPERTY), e.getMessage());
  }

  @Test
  void thePropertyReadsAnotherFolder(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("golden"));
    Files.writeString(dir.resolve("golden/numbers.txt"), "1.5 -2\n3e-1\n");
    String old = System.getProperty(AdBench.DIR_PROPERTY);
    try {
      System.setProperty(AdBench.DIR_PROPERTY, dir.toString());
      assertEquals(dir.toAbsolutePath().normalize().toString(), AdBench.source());
      assertArrayEquals(new double[] {1.5, -2, 0.3}, AdBench.readNumbers("golden/numbers.txt"));
      System.setProperty(AdBench.DIR_PROPERTY, dir.resolve("no-such-folder").toString());
      assertThrows(IllegalStateException.class, AdBench::source);
    } finally {
      if (old == null) {
        System.clearProperty(AdBench.DIR_PROPERTY);
      } else {
        System.setProperty(AdBench.DIR_PROPERTY, old);
      }
    }
  }

  @Test
  void readsTheTestInstance() {
    var g = AdBench.readGmm("gmm/test.txt");
    assertEquals(3, g.alphas().length);
    assertEquals(2, g.means()[0].length);
    assertEquals(3, g.icf()[0].length);
    assertEquals(1, g.x().length);
    assertEquals(1.0, g.gamma());
    assertEquals(0, g.m());
    assertEquals(-0.649014, g.alphas()[0]);
    assertEquals(2.029160, g.x()[0][1]);
  }
}
