package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs {@link Demo#main} and reads what it printed. */
class DemoTest {

  @Test
  void reportsEveryExampleAsOk() {
    String out = runDemo(new String[0]);
    for (String example : new String[] {"circuit", "neuron", "maxCircuit", "staged"}) {
      assertTrue(out.contains(example + " "), () -> "no " + example + " in\n" + out);
    }
    long oks = out.lines().filter(l -> l.contains("gradcheck") && l.endsWith(": ok")).count();
    assertTrue(oks == 4, () -> "expected 4 passing gradchecks in\n" + out);
    assertFalse(out.contains("WARNING"), out);
    assertTrue(out.contains("f(-2, 5, -4) = -12"), out);
    assertTrue(out.contains("dw0 = -0.19661"), out);
  }

  @Test
  void ignoresPictureFolderArgument() {
    String out = runDemo(new String[] {"target/pictures"});
    assertTrue(out.contains("staged"), out);
    assertFalse(out.contains("WARNING"), out);
  }

  private static String runDemo(String[] args) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      Demo.main(args);
    } finally {
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
