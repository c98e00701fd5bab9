package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the demo once, with a temporary pictures folder, and reads what it printed. It calls
 * {@link Demo#report} rather than {@link Demo#main}, which would end the test JVM through
 * {@code System.exit} if a check failed.
 */
class DemoTest {

  @TempDir static Path pictures;

  private static String out;
  private static boolean passed;

  @BeforeAll
  static void runDemo() throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      passed = Demo.report(capture, pictures);
    }
    out = buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void reportsEveryExampleAsOk() {
    assertTrue(passed, out);
    for (String example :
        List.of("circuit", "neuron", "maxCircuit", "staged", "squaredNorm", "softmaxLoss",
            "svmLoss")) {
      assertTrue(out.contains(example + " "), () -> "no " + example + " in\n" + out);
    }
    long oks = out.lines().filter(l -> l.contains("gradcheck") && l.endsWith(": ok")).count();
    assertEquals(8, oks, () -> "expected 8 passing gradchecks in\n" + out);
    assertFalse(out.contains("WARNING"), out);
    assertFalse(out.contains("Coming with array support"), out);
    assertTrue(out.contains("f(-2, 5, -4) = -12"), out);
    assertTrue(out.contains("dw0 = -0.19661"), out);
    // forward mode: the neuron's derivative along w0 in one pass equals the gradient's dw0
    assertTrue(out.contains("Lecture4Grad.neuronJvp(w..., x..., 1, 0, 0, 0, 0) = -0.19661"),
        out);
    assertTrue(out.contains("grad f . v = -0.19661: ok"), out);
    // second order: the greeks (gamma from the generated Hessian) and Newton-CG with HVPs
    for (String greek : List.of("delta", "vega", "rho", "gamma")) {
      assertTrue(out.lines().anyMatch(l -> l.strip().startsWith(greek) && l.endsWith(": ok")),
          () -> "no passing " + greek + " in\n" + out);
    }
    assertTrue(out.contains("price 12.346869"), out);
    assertTrue(Pattern.compile("Newton-CG: \\|grad f\\| = \\S+ after \\d+ iterations .*: ok")
        .matcher(out).find(), out);
    assertTrue(out.contains("gradient descent: f = "), out);
    // vector outputs: a Jacobian, an RK4 integration, a network written as layers
    assertTrue(out.contains("dq/dx = [[0.1, 0.5], [-0.3, 0.8]] (VectorizedGrad.productJacobian):"
        + " equals W: ok"), out);
    assertTrue(out.lines().anyMatch(l -> l.contains("dmisfit/dk") && l.endsWith(": ok")), out);
    assertTrue(out.contains("k = 2.000000 (measured with k = 2)"), out);
    assertTrue(out.contains("double[]): training accuracy 99.0%, final loss 0.2490"), out);
    assertTrue(out.contains("Adam on mini-batches of 32, 4000 steps): training accuracy 99.0%"),
        out);
    assertTrue(out.contains("dw = [-0.19661, -0.39322, 0.19661], dx = [0.39322, -0.58984]"), out);
    assertTrue(out.contains("dW = [[0.088, 0.176], [0.104, 0.208]], dx = [-0.112, 0.636]"), out);
  }

  @Test
  void checksEveryParameterBlockOfBothModels() {
    for (String block : List.of(" W ", " b ", " W1 ", " b1 ", " W2 ", " b2 ")) {
      assertTrue(
          out.lines().anyMatch(l -> l.contains(block) && l.endsWith(": ok")),
          () -> "no passing check of" + block + "in\n" + out);
    }
  }

  @Test
  void reportsTrainingProgressAccuracyAndTime() {
    assertTrue(out.contains("iteration  9000  loss "), out);
    Matcher linear =
        Pattern.compile("(?m)^linear classifier: training accuracy (\\d+\\.\\d)%$").matcher(out);
    assertTrue(linear.find(), out);
    assertTrue(Double.parseDouble(linear.group(1)) > 45, out);
    Matcher net =
        Pattern.compile(
                "(?m)^two-layer net: training accuracy (\\d+\\.\\d)%, final loss (\\d\\.\\d{4})$")
            .matcher(out);
    assertTrue(net.find(), out);
    assertTrue(Double.parseDouble(net.group(1)) >= 97, out);
    assertEquals(0.245, Double.parseDouble(net.group(2)), 0.01, "the case study's final loss");
    assertTrue(out.contains("training time: "), out);
  }

  @Test
  void writesThePicturesItPrints() {
    for (String name :
        List.of("spiral-linear-classifier.png", "spiral-two-layer-net.png", "spiral-loss.png")) {
      Path file = pictures.resolve(name);
      assertTrue(Files.isRegularFile(file), file::toString);
      assertTrue(out.contains(file.toAbsolutePath().normalize().toString()), out);
    }
  }
}
