package dev.adjoint.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * ADBench's input files (shared/data/adbench, beside the repository): where they are and their
 * readers, as ADBench's {@code read_gmm_instance} and {@code read_lstm_instance} read them.
 */
public final class AdBench {
  private AdBench() {}

  /** The system property that names the ADBench data folder. */
  public static final String DIR_PROPERTY = "adjoint.adbench.dir";

  /**
   * The ADBench data folder: the system property {@value #DIR_PROPERTY} if set, else the first
   * {@code shared/data/adbench} or {@code ../shared/data/adbench} found from the working
   * directory upwards (so both the repository root and a module folder work).
   */
  public static Path dir() {
    String property = System.getProperty(DIR_PROPERTY);
    if (property != null && !property.isBlank()) {
      Path dir = Paths.get(property);
      if (!Files.isDirectory(dir)) {
        throw new IllegalStateException(DIR_PROPERTY + "=" + property + " is not a folder");
      }
      return dir.toAbsolutePath().normalize();
    }
    Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      for (Path candidate : new Path[] {p.resolve("shared/data/adbench"),
          p.resolve("../shared/data/adbench")}) {
        if (Files.isRegularFile(candidate.resolve("gmm/test.txt"))) {
          return candidate.normalize();
        }
      }
    }
    throw new IllegalStateException("ADBench data not found from " + start
        + " (looked for shared/data/adbench and ../shared/data/adbench upwards); set -D"
        + DIR_PROPERTY + "=FOLDER");
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

  /** Reads a GMM file relative to {@link #dir()}, e.g. {@code gmm/1k/gmm_d2_K5.txt}. */
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

  /** Reads an LSTM file relative to {@link #dir()}, e.g. {@code lstm/lstm_l2_c1024.txt}. */
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

  /** All numbers of a file relative to {@link #dir()} (for the golden values). */
  public static double[] readNumbers(String relative) {
    Tokens in = new Tokens(read(relative));
    return in.doubles(in.remaining());
  }

  private static String read(String relative) {
    Path file = dir().resolve(relative);
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
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
