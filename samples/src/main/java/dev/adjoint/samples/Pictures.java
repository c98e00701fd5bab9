package dev.adjoint.samples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The pictures of the spiral case study, drawn with the JDK alone ({@code java.awt} in memory,
 * {@code javax.imageio} for PNG): the decision regions of a classifier over the spiral points,
 * and loss curves.
 */
public final class Pictures {

  /** Width and height of a decision-region picture, in pixels. */
  public static final int REGION_SIZE = 480;

  /** Width of the loss chart, in pixels. */
  public static final int CHART_WIDTH = 720;

  /** Height of the loss chart, in pixels. */
  public static final int CHART_HEIGHT = 440;

  /** Spacing of the loss chart's horizontal lines. */
  private static final double LOSS_STEP = 0.2;

  /** Half the side of the square of the plane shown by a decision-region picture. */
  private static final double EXTENT = 1.25;

  /** One color per class, then per curve; regions use a lighter tint. */
  private static final Color[] PALETTE = {
    new Color(213, 62, 79), new Color(50, 136, 189), new Color(102, 166, 30),
    new Color(117, 112, 179), new Color(230, 171, 2)
  };

  private static final Color INK = new Color(40, 40, 40);
  private static final Color GRID = new Color(225, 225, 225);

  private Pictures() {}

  /**
   * A named series of values, drawn as one curve.
   *
   * @param label the legend
   * @param values the value at each iteration
   */
  public record Curve(String label, double[] values) {}

  /**
   * Writes the decision regions of a classifier: every pixel of the square
   * {@code [-1.25, 1.25]^2} is colored by the class predicted at its center, and the points are
   * drawn on top in their own class's color.
   *
   * @param model the classifier
   * @param data the points
   * @param title drawn at the top
   * @param file the PNG file, created with its parent folders
   * @throws IOException if the file cannot be written
   */
  public static void decisionRegions(Classifier model, SpiralData data, String title, Path file)
      throws IOException {
    BufferedImage image = new BufferedImage(REGION_SIZE, REGION_SIZE, BufferedImage.TYPE_INT_RGB);
    double[] point = new double[2];
    for (int py = 0; py < REGION_SIZE; py++) {
      point[1] = toPlane(REGION_SIZE - 1 - py);
      for (int px = 0; px < REGION_SIZE; px++) {
        point[0] = toPlane(px);
        image.setRGB(px, py, tint(color(model.predict(point))).getRGB());
      }
    }
    Graphics2D g = graphics(image);
    for (int i = 0; i < data.size(); i++) {
      double[] p = data.points()[i];
      Ellipse2D dot = new Ellipse2D.Double(toPixel(p[0]) - 4, toPixel(-p[1]) - 4, 8, 8);
      g.setColor(color(data.labels()[i]));
      g.fill(dot);
      g.setColor(INK);
      g.draw(dot);
    }
    g.setColor(INK);
    g.drawString(title, 10, 10 + g.getFontMetrics().getAscent());
    g.dispose();
    write(image, file);
  }

  /**
   * Writes a chart of loss curves against the iteration, all on one pair of axes starting at
   * 0, with a legend. Value {@code i} of a curve is drawn at iteration {@code i}.
   *
   * @param curves the curves, at least one, each with at least one value
   * @param file the PNG file, created with its parent folders
   * @throws IOException if the file cannot be written
   */
  public static void lossCurves(List<Curve> curves, Path file) throws IOException {
    int iterations = 0;
    double maxLoss = 0;
    for (Curve c : curves) {
      iterations = Math.max(iterations, c.values().length);
      for (double v : c.values()) {
        maxLoss = Math.max(maxLoss, v);
      }
    }
    int steps = (int) Math.ceil(maxLoss / LOSS_STEP); // horizontal lines every 0.2
    double top = steps * LOSS_STEP;
    BufferedImage image = new BufferedImage(CHART_WIDTH, CHART_HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(image);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, CHART_WIDTH, CHART_HEIGHT);
    int left = 70;
    int right = CHART_WIDTH - 20;
    int upper = 40;
    int lower = CHART_HEIGHT - 50;
    FontMetrics fm = g.getFontMetrics();

    for (int k = 0; k <= steps; k++) { // horizontal grid lines and loss labels
      double loss = k * LOSS_STEP;
      int y = (int) Math.round(lower - (lower - upper) * loss / top);
      g.setColor(GRID);
      g.drawLine(left, y, right, y);
      String label = String.format(Locale.ROOT, "%.2f", loss);
      g.setColor(INK);
      g.drawString(label, left - 8 - fm.stringWidth(label), y + fm.getAscent() / 2);
    }
    for (int k = 0; k <= 5; k++) { // iteration labels
      int iteration = (int) Math.round((double) iterations * k / 5);
      int x = left + (int) Math.round((right - left) * (double) k / 5);
      String label = Integer.toString(iteration);
      g.drawLine(x, lower, x, lower + 4);
      g.drawString(label, x - fm.stringWidth(label) / 2, lower + 6 + fm.getAscent());
    }
    g.drawLine(left, upper, left, lower);
    g.drawLine(left, lower, right, lower);
    g.drawString("iteration", (left + right) / 2 - fm.stringWidth("iteration") / 2,
        CHART_HEIGHT - 10);
    g.drawString("loss", 10, upper - 14);

    g.setStroke(new BasicStroke(2f));
    for (int c = 0; c < curves.size(); c++) {
      double[] values = curves.get(c).values();
      Path2D line = new Path2D.Double();
      for (int i = 0; i < values.length; i++) {
        double x = left + (right - left) * (double) i / iterations;
        double y = lower - (lower - upper) * values[i] / top;
        if (i == 0) {
          line.moveTo(x, y);
        } else {
          line.lineTo(x, y);
        }
      }
      g.setColor(color(c));
      g.draw(line);
      int legendY = upper + 10 + c * (fm.getHeight() + 6);
      g.drawLine(right - 200, legendY, right - 170, legendY);
      g.setColor(INK);
      g.drawString(curves.get(c).label(), right - 160, legendY + fm.getAscent() / 2);
    }
    g.dispose();
    write(image, file);
  }

  private static Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    return g;
  }

  private static void write(BufferedImage image, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer in this JDK");
    }
  }

  /** The plane coordinate at the center of a pixel column (or of a flipped row). */
  private static double toPlane(int pixel) {
    return -EXTENT + 2 * EXTENT * (pixel + 0.5) / REGION_SIZE;
  }

  /** The pixel of a plane coordinate; pass {@code -y} for rows, which grow downwards. */
  private static double toPixel(double coordinate) {
    return (coordinate + EXTENT) / (2 * EXTENT) * REGION_SIZE;
  }

  private static Color color(int index) {
    return PALETTE[index % PALETTE.length];
  }

  /** The color mixed with three parts of white, for the background of its region. */
  private static Color tint(Color c) {
    return new Color(
        (c.getRed() + 3 * 255) / 4, (c.getGreen() + 3 * 255) / 4, (c.getBlue() + 3 * 255) / 4);
  }
}
