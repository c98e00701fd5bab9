package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes the pictures and reads them back as PNG. */
class PicturesTest {

  @TempDir Path folder;

  @Test
  void decisionRegionsShowEveryClassAndThePoints() throws IOException {
    SpiralData data = SpiralTraining.data();
    Classifier model = SpiralTraining.linearClassifier();
    SpiralTraining.train(model, data, 200, p -> {});
    Path file = folder.resolve("sub/regions.png");
    Pictures.decisionRegions(model, data, "linear", file);

    BufferedImage image = read(file, Pictures.REGION_SIZE, Pictures.REGION_SIZE);
    Map<Integer, Integer> colors = histogram(image);
    assertTrue(colors.size() >= 7, () -> colors.size() + " colors"); // 3 regions, 3 classes, ink
    long large = colors.values().stream().filter(n -> n > image.getWidth() * 20).count();
    assertTrue(large >= 3, () -> "expected three large regions, got " + colors);
  }

  @Test
  void lossChartDrawsEveryCurve() throws IOException {
    double[] falling = new double[100];
    double[] flat = new double[100];
    for (int i = 0; i < 100; i++) {
      falling[i] = 1.1 * Math.exp(-i / 20.0);
      flat[i] = 0.75;
    }
    Path file = folder.resolve("loss.png");
    Pictures.lossCurves(
        List.of(new Pictures.Curve("falling", falling), new Pictures.Curve("flat", flat)), file);

    BufferedImage image = read(file, Pictures.CHART_WIDTH, Pictures.CHART_HEIGHT);
    Map<Integer, Integer> colors = histogram(image);
    assertTrue(colors.size() >= 4, () -> colors.size() + " colors");
    int white = 0xFFFFFF;
    assertTrue(colors.get(white) < image.getWidth() * image.getHeight(), "not blank");
    int[] curveColors = {0xD53E4F, 0x3288BD}; // the first two colors of the palette
    for (int rgb : curveColors) {
      assertTrue(colors.getOrDefault(rgb, 0) > 100, () -> Integer.toHexString(rgb) + " missing");
    }
  }

  private static BufferedImage read(Path file, int width, int height) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(width, image.getWidth());
    assertEquals(height, image.getHeight());
    return image;
  }

  private static Map<Integer, Integer> histogram(BufferedImage image) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        counts.merge(image.getRGB(x, y) & 0xFFFFFF, 1, Integer::sum);
      }
    }
    return counts;
  }
}
