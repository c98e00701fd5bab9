package dev.adjoint.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AdBenchTest {

  @Test
  void findsTheDataFromTheWorkingDirectory() {
    Path dir = AdBench.dir();
    assertTrue(Files.isRegularFile(dir.resolve("gmm/1k/gmm_d2_K5.txt")), dir.toString());
  }

  @Test
  void thePropertyWins() {
    Path found = AdBench.dir();
    String old = System.getProperty(AdBench.DIR_PROPERTY);
    try {
      System.setProperty(AdBench.DIR_PROPERTY, found.resolve("gmm").toString());
      assertEquals(found.resolve("gmm"), AdBench.dir());
      System.setProperty(AdBench.DIR_PROPERTY, found.resolve("no-such-folder").toString());
      assertThrows(IllegalStateException.class, AdBench::dir);
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
