package dev.adjoint.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * ADBench's input files and their readers, as ADBench's {@code read_gmm_instance} and
 * {@code read_lstm_instance} read them. The files this project uses are copied into the module's
 * resources ({@code src/main/resources/adbench}, with ADBench's licence) and read from the class
 * path, so a clone of the repository needs nothing beside it; the system property
 * {@value #DIR_PROPERTY} reads a folder of the same layout instead.
 */
public final class AdBench {
  private AdBench() {}

  /** The system property that names another ADBench data folder. */
  public static final String DIR_PROPERTY = "adjoint.adbench.dir";

  private static final String RESOURCES = "/adbench/";

  /**
   * Where the data comes from, for reports: the folder named by {@value #DIR_PROPERTY}, else
   * {@code "class path /adbench/"}.
   */
  public static String source() {
    Path dir = dirOverride();
    return dir == null ? "class path " + RESOURCES : dir.toString();
  }

  /** The folder named by {@value #DIR_PROPERTY}, or null when the property is unset or blank. */
  static Path dirOverride() {
    String property = System.getProperty(DIR_PROPERTY);
    if (property == null || property.isBlank()) {
      return null;
    }
    Path dir = Paths.get(property);
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(DIR_PROPERTY + "=" + property + " is not a folder");
    }
    return dir.toAbsolutePath().normalize();
  }

  /** A GMM instance: {@code d k n}, alphas, means, icf, points, Wishart gamma and m. */
  public record GmmInstance(double[] alphas, double[][] means, double[][] icf, double[][] x,
      double gamma, int m) {
    /** The number of parameters, {@code k + k d + k d(d+1)/2}. */
    public int parameters() {
      return alphas.length + alphas.length * means[0].length + alphas.length * icf[0].length;
    }
  }

  /** An LSTM instance: {@code l c b}, main and extra parameters, state, sequence (flat). */
  public record LstmInstance(int l, int c, int b, double[] mainParams, double[] extraParams,
      double[] state, double[] sequence) {
    /** The number of parameters, {@code 2 l 4 b + 3 b}. */
    public int parameters() {
      return mainParams.length + extraParams.length;
    }
  }

  /** Reads a GMM file under the data folder, e.g. {@code gmm/1k/gmm_d2_K5.txt}. */
  public static GmmInstance readGmm(String relative) {
    Tokens in = new Tokens(read(relative));
    int d = in.nextInt();
    int k = in.nextInt();
    int n = in.nextInt();
    int icfSz = d * (d + 1) / 2;
    double[] alphas = in.doubles(k);
    double[][] means = new double[k][];
    for (int i = 0; i < k; i++) {
      means[i] = in.doubles(d);
    }
    double[][] icf = new double[k][];
    for (int i = 0; i < k; i++) {
      icf[i] = in.doubles(icfSz);
    }
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      x[i] = in.doubles(d);
    }
    double gamma = in.nextDouble();
    int m = in.nextInt();
    return new GmmInstance(alphas, means, icf, x, gamma, m);
  }

  /** Reads an LSTM file under the data folder, e.g. {@code lstm/lstm_l2_c1024.txt}. */
  public static LstmInstance readLstm(String relative) {
    Tokens in = new Tokens(read(relative));
    int l = in.nextInt();
    int c = in.nextInt();
    int b = in.nextInt();
    double[] main = in.doubles(2 * l * 4 * b);
    double[] extra = in.doubles(3 * b);
    double[] state = in.doubles(2 * l * b);
    double[] sequence = in.doubles(c * b);
    return new LstmInstance(l, c, b, main, extra, state, sequence);
  }

  /** All numbers of a file under the data folder (for the golden values). */
  public static double[] readNumbers(String relative) {
    Tokens in = new Tokens(read(relative));
    return in.doubles(in.remaining());
  }

  private static String read(String relative) {
    Path dir = dirOverride();
    if (dir != null) {
      Path file = dir.resolve(relative);
      try {
        return Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    try (InputStream in = AdBench.class.getResourceAsStream(RESOURCES + relative)) {
      if (in == null) {
        throw new IllegalArgumentException("no ADBench file " + relative + " on the class path"
            + " (benchmarks/src/main/resources" + RESOURCES + "); -D" + DIR_PROPERTY
            + "=FOLDER reads another folder");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCES + relative, e);
    }
  }

  private static final class Tokens {
    private final String[] tokens;
    private int next;

    Tokens(String text) {
      String trimmed = text.strip();
      tokens = trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
    }

    int remaining() {
      return tokens.length - next;
    }

    int nextInt() {
      return Integer.parseInt(tokens[next++]);
    }

    double nextDouble() {
      return Double.parseDouble(tokens[next++]);
    }

    double[] doubles(int count) {
      double[] out = new double[count];
      for (int i = 0; i < count; i++) {
        out[i] = nextDouble();
      }
      return out;
    }
  }
}
