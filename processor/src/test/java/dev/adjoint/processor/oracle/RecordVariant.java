package dev.adjoint.processor.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A random program rewritten to take its leading differentiated parameters in a record: {@code
 * f(double a, double[] v, double b, int n)} becomes {@code f(Rec p, int n)} with a nested
 * {@code record Rec(double a, Rest rest)}, {@code record Rest(double[] v, double b)}. The body
 * reads each packed parameter it never assigns through its accessors ({@code p.rest().v()[i]},
 * in place, also as a call's argument) and copies the others into locals first. Same function,
 * so the original program is the Hipparchus twin of the variant: its gradient, in the same order.
 *
 * @param source the rewritten program
 * @param original the program before, the oracle's twin
 * @param recordClass the binary name of the outer record ({@code fuzz.P1$Rec})
 * @param packed how many leading parameters the record holds
 * @param nested whether the record holds a nested record (of all but the first)
 */
public record RecordVariant(String source, String original, String recordClass, int packed,
    boolean nested) {
  private static final Pattern SIGNATURE =
      Pattern.compile("(@Differentiable\\s+public static double f)\\(([^)]*)\\) \\{\\n");

  /** The variant of {@code program}, or null if its method starts with no double parameter. */
  public static RecordVariant of(RandomPrograms.Program program) {
    String source = program.source();
    Matcher m = SIGNATURE.matcher(source);
    if (!m.find()) {
      return null; // wrt or order 2: keep the program as it is
    }
    List<String[]> params = new ArrayList<>();
    for (String p : m.group(2).split(",\\s*")) {
      params.add(p.trim().split("\\s+"));
    }
    int packed = 0;
    while (packed < params.size() && params.get(packed)[0].startsWith("double")) {
      packed++;
    }
    if (packed == 0) {
      return null;
    }
    boolean nested = packed >= 3;
    int bodyStart = m.end();
    int bodyEnd = endOfMethod(source, bodyStart);
    String body = source.substring(bodyStart, bodyEnd);
    StringBuilder prologue = new StringBuilder();
    for (int i = 0; i < packed; i++) {
      String type = params.get(i)[0];
      String name = params.get(i)[1];
      String read = "p." + (nested && i > 0 ? "rest()." : "") + name + "()";
      if (assigned(body, name)) {
        prologue.append("    ").append(type).append(' ').append(name).append(" = ")
            .append(read).append(";\n");
      } else {
        body = body.replaceAll("(?<![\\w.])" + Pattern.quote(name) + "(?!\\w)",
            Matcher.quoteReplacement(read));
      }
    }
    List<String> rest = new ArrayList<>();
    rest.add("Rec p");
    for (int i = packed; i < params.size(); i++) {
      rest.add(params.get(i)[0] + " " + params.get(i)[1]);
    }
    String records = nested
        ? "record Rec(" + component(params.get(0)) + ", Rest rest) {}\n\n  record Rest("
            + components(params.subList(1, packed)) + ") {}\n\n  "
        : "record Rec(" + components(params.subList(0, packed)) + ") {}\n\n  ";
    String rewritten = source.substring(0, m.start()) + records + m.group(1) + "("
        + String.join(", ", rest) + ") {\n" + prologue + body + source.substring(bodyEnd);
    return new RecordVariant(rewritten, source, program.className() + "$Rec", packed, nested);
  }

  private static String component(String[] param) {
    return param[0] + " " + param[1];
  }

  private static String components(List<String[]> params) {
    return String.join(", ", params.stream().map(RecordVariant::component).toList());
  }

  /** Whether the body assigns {@code name} ({@code =}, {@code op=}, {@code ++}, {@code --}). */
  private static boolean assigned(String body, String name) {
    String n = Pattern.quote(name);
    return Pattern.compile("(?<![\\w.])" + n + "\\s*([-+*/%&|^]|<<|>>>?)?=(?!=)").matcher(body)
        .find()
        || Pattern.compile("(\\+\\+|--)\\s*" + n + "(?!\\w)|(?<![\\w.])" + n + "\\s*(\\+\\+|--)")
            .matcher(body).find();
  }

  /** The index of the closing brace of the method whose body starts at {@code start}. */
  private static int endOfMethod(String source, int start) {
    int depth = 1;
    for (int i = start; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("unbalanced braces");
  }
}
