package dev.adjoint.processor.oracle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;

/**
 * Generator of random, compilable {@code @Differentiable} Java methods over the subset that
 * {@link HipparchusOracle} interprets: locals, (compound) assignment, ++/--, if / else if /
 * else, switch over an int (arrow and colon forms, fall-through), early returns, {@code ?:},
 * {@code && ||}, int/double mixing, casts and Math calls.
 *
 * <p>The generator runs each program while writing it, in plain Java arithmetic that mirrors
 * the source, on the live path only and at several points at once: the arguments, and each
 * double argument moved by {@code ±}{@link #PROBE}. An expression is drawn again when a live
 * value leaves {@code [-BOUND, BOUND]}, when its slope or curvature estimated from the probes is
 * large, or when one of its decisions (comparison, max/min, abs, signum, floor, ceil, rint,
 * round, (int) cast, %, atan2's branch cut) is within {@link #MARGIN} of its threshold or
 * differs between the probes. So derivatives are finite, and finite differences with steps well
 * below {@code PROBE} take the same branches as the exact derivative. Returned values and values
 * assigned to variables depend on the arguments. The same seed always gives the same program;
 * its description ends with the value the generator computed.
 */
public final class RandomPrograms {

  /** A generated program: compile {@code source}, then call {@code className.methodName(args)}. */
  public record Program(
      String source, String className, String methodName, Object[] args, String description) {}

  /** Minimum distance between a live decision and its threshold, at the arguments. */
  static final double MARGIN = 0.01;
  /** Live decisions are identical with any one double argument moved by this much. */
  static final double PROBE = 1e-3;
  /** Maximum magnitude of any live intermediate value. */
  static final double BOUND = 1e3;
  /** Maximum estimated slope of a live intermediate value along any double argument. */
  static final double SLOPE = 100;
  /** Maximum estimated second derivative of a live intermediate value along any double argument. */
  static final double CURVATURE = 1e3;

  private RandomPrograms() {}

  /** The program for {@code seed}; deterministic. */
  public static Program generate(long seed) {
    return new Generator(seed).program();
  }

  /**
   * The program with loops and arrays for {@code seed}; deterministic. Its parameters are
   * doubles, {@code double[]} (length 2 to 5), {@code double[][]} (2-3 x 2-3, at least one
   * array in all) and maybe a small positive {@code int n}; its body has counted, reverse,
   * nested, enhanced-for (over elements and over matrix rows), while (with value-dependent trip
   * counts) and do-while loops, accumulations, matrix-vector products, local arrays written and
   * read back ({@code new double[n]}, {@code new double[m][n]}, initializers, {@code clone()}),
   * scratch buffers filled and read again at each iteration of a loop (GMM's shape),
   * element-wise updates, recurrences, if/else, break, continue and returns inside loops. It
   * never writes into a parameter array, and every loop body runs at most about 50 times.
   */
  public static Program generateWithLoops(long seed) {
    return new LoopGenerator(seed).program();
  }

  /**
   * The program with calls for {@code seed}; deterministic. Its class holds one to three
   * helpers before the method {@code f}, which is drawn as in {@link #generateWithLoops}: scalar
   * helpers {@code static double h(double a, double b)}, array helpers taking {@code double[]}
   * and {@code double[][]} of the program's shapes, maybe a double and an int, all generated the
   * same way (smaller), annotated {@code @Differentiable}, sometimes with {@code wrt} a subset
   * (calls then pass constants, ints or {@code Gates.stopGradient} to the other parameters);
   * sometimes a fixed formula with a hand-written {@code @CustomGradient}, or a plain static
   * method called with constants only. A helper may call the helpers before it. Expressions call
   * helpers (in loops too, nested, with parameters, local arrays and rows {@code m[i]} as array
   * arguments, sometimes with constants only) and the gates {@code Gates.sigmoid}, relu,
   * leakyRelu, softplus, logSumExp and stopGradient. A helper's model is run at each call, with
   * the same checks, on the caller's probe points. A helper never writes into a parameter array.
   */
  public static Program generateWithCalls(long seed) {
    return new LoopGenerator(seed, true).program();
  }

  // ------------------------------------------------------------------ internals

  /** Thrown (without a stack trace) when a live value breaks a bound or margin: draw again. */
  private static final class Reject extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Reject() {
      super(null, null, false, false);
    }
  }

  private static final Reject REJECT = new Reject();

  /** Java int addition and subtraction on int values held in doubles. */
  private static double intPlus(double x, double y) {
    return (int) x + (int) y;
  }

  private static double intMinus(double x, double y) {
    return (int) x - (int) y;
  }

  /**
   * An expression: source, static type ('D' double, 'I' int, 'B' boolean, 1/0) and its value at
   * every probe point (index 0: the arguments). Values are meaningless in dead code.
   */
  private record Ex(String src, char type, double[] v) {
    boolean yes() {
      return v[0] != 0;
    }
  }

  /**
   * Names a person may well give a local that a careless processor takes for its own or for
   * Java's: the adjoint of {@code o} would be {@code do}, of {@code ouble} {@code double}; the
   * rules write {@code Math.cos} and {@code Math.exp}; {@code seed}, {@code value},
   * {@code dScalars}, {@code doubleTape}, {@code g1}, {@code dArgs1}, {@code trips1} are names of
   * the generated pullback.
   */
  private static final List<String> AWKWARD_NAMES = List.of("o", "ouble", "efault", "nt", "f",
      "cos", "exp", "sin", "seed", "value", "dScalars", "doubleTape", "intTape", "g1", "dArgs1",
      "trips1");

  /** {@code usual}, or now and then an awkward name not yet used in the program. */
  private static String localName(Random rnd, String usual, Set<String> used) {
    if (rnd.nextInt(8) != 0) {
      return usual;
    }
    String name = AWKWARD_NAMES.get(rnd.nextInt(AWKWARD_NAMES.size()));
    return used.add(name) ? name : usual;
  }

  private static final class Var {
    final String name;
    final char type;
    double[] v;

    Var(String name, char type, double[] v) {
      this.name = name;
      this.type = type;
      this.v = v;
    }
  }

  private static final class Generator {
    private final long seed;
    private final Random rnd;
    private final StringBuilder body = new StringBuilder();
    private final Deque<List<Var>> scopes = new ArrayDeque<>();
    private final List<Var> constants = new ArrayList<>();
    private int points;
    private int counter;
    private final Set<String> awkwardUsed = new HashSet<>();
    private int statements;
    private int budget;
    /** Whether the code being written executes for the program's arguments. */
    private boolean live = true;
    private boolean returned;
    private double result = Double.NaN;

    Generator(long seed) {
      this.seed = seed;
      this.rnd = new Random(seed);
      rnd.nextLong(); // the first draws of nearby seeds are nearly equal: skip them
    }

    Program program() {
      int doubles = 1 + rnd.nextInt(4);
      boolean hasInt = rnd.nextInt(2) == 0;
      int intPosition = hasInt ? rnd.nextInt(doubles + 1) : -1;
      points = 1 + 2 * doubles;
      List<Object> args = new ArrayList<>();
      List<String> params = new ArrayList<>();
      List<Var> frame = new ArrayList<>();
      for (int i = 0, d = 0; i < doubles + (hasInt ? 1 : 0); i++) {
        if (i == intPosition) {
          int n = 1 + rnd.nextInt(4);
          args.add(n);
          params.add("int n");
          frame.add(new Var("n", 'I', filled(n)));
        } else {
          double x = rnd.nextDouble() * 4 - 2;
          double[] v = filled(x);
          v[1 + 2 * d] = x + PROBE;
          v[2 + 2 * d] = x - PROBE;
          String name = String.valueOf((char) ('a' + d++));
          args.add(x);
          params.add("double " + name);
          frame.add(new Var(name, 'D', v));
        }
      }

      StringBuilder fields = new StringBuilder();
      int doubleConstants = 1 + rnd.nextInt(3);
      for (int i = 0; i < doubleConstants; i++) {
        Ex init = i > 0 && rnd.nextBoolean()
            ? attempt(this::constantExpr, this::literal) : literal();
        constants.add(new Var("C" + i, 'D', init.v));
        fields.append("  static final double C" + i + " = " + init.src + ";\n");
      }
      if (rnd.nextInt(3) == 0) {
        int k = 1 + rnd.nextInt(5);
        constants.add(new Var("K", 'I', filled(k)));
        fields.append("  static final int K = ").append(k).append(";\n");
      }

      scopes.push(frame);
      budget = 3 + rnd.nextInt(10);
      while (statements < budget - 1) {
        statement(4, 0);
      }
      returnStatement(4);

      String className = "P" + Long.toUnsignedString(seed);
      String source = "package fuzz;\n\n"
          + "import dev.adjoint.Differentiable;\n\n"
          + "public final class " + className + " {\n"
          + fields + "\n"
          + "  @Differentiable\n"
          + "  public static double f(" + String.join(", ", params) + ") {\n"
          + body
          + "  }\n"
          + "}\n";
      String description = "seed=" + seed + " params=" + params.size() + " statements=" + statements
          + " lines=" + (source.split("\n").length) + " value=" + result;
      return new Program(source, "fuzz." + className, "f", args.toArray(), description);
    }

    // ------------------------------------------------------------ statements

    private void line(int indent, String text) {
      body.append(" ".repeat(indent)).append(text).append('\n');
    }

    private void statement(int indent, int nesting) {
      statements++;
      int kind = rnd.nextInt(nesting < 2 && statements < budget - 1 ? 12 : 10);
      switch (kind) {
        case 0, 1 -> declareDouble(indent);
        case 2 -> declareInt(indent);
        case 3, 4 -> assignDouble(indent);
        case 5, 6 -> compoundDouble(indent);
        case 7 -> compoundInt(indent);
        case 8 -> increment(indent);
        case 9 -> splitDeclaration(indent);
        default -> {
          if (rnd.nextInt(3) == 0) {
            switchStatement(indent, nesting);
          } else {
            ifChain(indent, nesting);
          }
        }
      }
    }

    private Var declare(String prefix, char type, double[] v) {
      Var var = new Var(localName(rnd, prefix + counter++, awkwardUsed), type, v);
      scopes.peek().add(var);
      return var;
    }

    private void declareDouble(int indent) {
      Ex e = rnd.nextInt(5) == 0 ? attempt(() -> genI(2, live), () -> leafI(live))
          : attempt(() -> genD(3, live), () -> leafD(live));
      Var v = declare("t", 'D', e.v);
      line(indent, "double " + v.name + " = " + e.src + ";");
    }

    private void declareInt(int indent) {
      Ex e = attempt(() -> genI(2, live), () -> leafI(live));
      Var v = declare("k", 'I', e.v);
      line(indent, "int " + v.name + " = " + e.src + ";");
    }

    /** {@code double t; t = e;}: a declaration without initializer. */
    private void splitDeclaration(int indent) {
      Ex e = attempt(() -> genD(3, live), () -> leafD(live));
      Var v = declare("t", 'D', e.v);
      line(indent, "double " + v.name + ";");
      line(indent, v.name + " = " + e.src + ";");
    }

    private void assignDouble(int indent) {
      Var target = pick('D', false);
      Ex e = attempt(() -> varying(genD(3, live)), () -> leafD(live));
      line(indent, target.name + " = " + e.src + ";");
      set(target, e.v);
    }

    private void compoundDouble(int indent) {
      Var target = pick('D', false);
      int op = rnd.nextInt(4);
      DoubleBinaryOperator[] f = {
        (x, y) -> x + y, (x, y) -> x - y, (x, y) -> x * y, (x, y) -> x / y
      };
      String[] ops = {" += ", " -= ", " *= ", " /= "};
      Ex e = attempt(() -> {
        Ex rhs = op == 3 ? safeDenominator(2, live) : genD(2, live);
        double[] nv = zip(target.v, rhs.v, f[op]);
        check(nv, live);
        return new Ex(rhs.src, 'D', nv);
      }, () -> null);
      if (e == null) {
        declareDouble(indent);
        return;
      }
      line(indent, target.name + ops[op] + e.src + ";");
      set(target, e.v);
    }

    private void compoundInt(int indent) {
      Var target = pick('I', false);
      if (target == null) {
        declareInt(indent);
        return;
      }
      int op = rnd.nextInt(5);
      Ex e = attempt(() -> {
        switch (op) {
          case 0: {
            Ex rhs = genI(2, live);
            return num(" += " + rhs.src, 'I', zip(target.v, rhs.v, RandomPrograms::intPlus), live);
          }
          case 1: {
            Ex rhs = genI(2, live);
            return num(" -= " + rhs.src, 'I', zip(target.v, rhs.v, RandomPrograms::intMinus), live);
          }
          case 2: {
            int m = 2 + rnd.nextInt(2);
            return num(" *= " + m, 'I', map(target.v, k -> (int) k * m), live);
          }
          case 3: {
            int m = 2 + rnd.nextInt(2);
            return num(" /= " + m, 'I', map(target.v, k -> (int) k / m), live);
          }
          default: {
            // k += double is k = (int) (k + d): a narrowing cast, discontinuous at integers.
            Ex rhs = genD(2, live);
            double[] sum = zip(target.v, rhs.v, (k, r) -> (int) k + r);
            margin(live, distanceToInteger(sum[0]));
            double[] nv = map(sum, s -> (int) s);
            same(live, nv);
            return num(" += " + rhs.src, 'I', nv, live);
          }
        }
      }, () -> null);
      if (e == null) {
        declareInt(indent);
        return;
      }
      line(indent, target.name + e.src + ";");
      set(target, e.v);
    }

    private void increment(int indent) {
      Var target = rnd.nextInt(4) == 0 ? null : pick('I', false);
      if (target == null) {
        target = pick('D', false);
      }
      boolean up = rnd.nextBoolean();
      String text = rnd.nextBoolean() ? target.name + (up ? "++" : "--")
          : (up ? "++" : "--") + target.name;
      double[] nv = map(target.v, x -> x + (up ? 1 : -1));
      if (live && !inBounds(nv)) {
        declareDouble(indent);
        return;
      }
      line(indent, text + ";");
      set(target, nv);
    }

    private void set(Var target, double[] v) {
      if (live) {
        target.v = v;
      }
    }

    /**
     * if / else if / else. When there is a final else, one branch ({@code open}) never returns,
     * so the chain can complete normally and the statements after it stay reachable.
     */
    private void ifChain(int indent, int nesting) {
      int conditions = 1 + rnd.nextInt(3);
      boolean hasElse = rnd.nextBoolean();
      int branches = conditions + (hasElse ? 1 : 0);
      int open = hasElse ? rnd.nextInt(branches) : -1;
      boolean outer = live;
      int taken = -1; // the branch that runs for the program's arguments
      List<String> conds = new ArrayList<>();
      for (int i = 0; i < conditions; i++) {
        boolean condLive = outer && taken == -1;
        Ex c = attempt(() -> genB(2, condLive), () -> leafB(condLive));
        conds.add(c.src);
        if (condLive && c.yes()) {
          taken = i;
        }
      }
      if (outer && taken == -1 && hasElse) {
        taken = conditions;
      }
      for (int i = 0; i < branches; i++) {
        line(indent, i == 0 ? "if (" + conds.get(0) + ") {"
            : i < conditions ? "} else if (" + conds.get(i) + ") {" : "} else {");
        live = outer && i == taken;
        block(indent + 2, nesting + 1, i != open && rnd.nextInt(5) < 2);
      }
      line(indent, "}");
      live = outer && !returned;
    }

    /**
     * A switch over an int expression, arrow or colon form: one to three groups of one or two
     * labels near the selector's value, maybe a default anywhere; colon groups end with break,
     * or fall through into the next group now and then, or return.
     */
    private void switchStatement(int indent, int nesting) {
      boolean outer = live;
      Ex selector = attempt(() -> genI(2, live), () -> leafI(live));
      int value = (int) selector.v[0];
      boolean arrow = rnd.nextBoolean();
      int groups = 1 + rnd.nextInt(3);
      int defaultAt = rnd.nextBoolean() ? rnd.nextInt(groups + 1) : -1;
      List<Integer> pool = new ArrayList<>();
      for (int k = value - 3; k <= value + 3; k++) { // enough for three groups of two
        pool.add(k);
      }
      java.util.Collections.shuffle(pool, rnd);
      List<List<Integer>> labels = new ArrayList<>();
      for (int i = 0; i < groups; i++) {
        int count = 1 + (rnd.nextInt(3) == 0 ? 1 : 0);
        labels.add(new ArrayList<>(pool.subList(0, count)));
        pool.subList(0, count).clear();
      }
      if (defaultAt >= 0) {
        labels.add(defaultAt, null);
      }
      int taken = -1; // the group the selector picks for the program's arguments
      for (int i = 0; i < labels.size() && outer; i++) {
        if (labels.get(i) != null && labels.get(i).contains(value)) {
          taken = i;
        }
      }
      if (outer && taken == -1) {
        taken = defaultAt;
      }
      int open = rnd.nextInt(labels.size()); // never returns: the code after stays reachable
      line(indent, "switch (" + selector.src + ") {");
      boolean running = false; // live code fell through from the group before
      for (int i = 0; i < labels.size(); i++) {
        List<Integer> group = labels.get(i);
        String head = group == null ? "default" : "case " + String.join(", ",
            group.stream().map(String::valueOf).toList());
        live = outer && !returned && (i == taken || running);
        boolean returns = i != open && rnd.nextInt(5) == 0;
        if (arrow) {
          line(indent + 2, head + " -> {");
          block(indent + 4, nesting + 1, returns);
          line(indent + 2, "}");
          running = false;
        } else {
          line(indent + 2, head + ":");
          block(indent + 4, nesting + 1, returns);
          // the open group ends with break (or the switch): falling into a group that returns
          // would make the code after the switch unreachable
          boolean fallsThrough = !returns && i != open && rnd.nextInt(4) == 0;
          if (!returns && !fallsThrough && (i < labels.size() - 1 || rnd.nextBoolean())) {
            line(indent + 4, "break;");
          }
          running = fallsThrough && live;
        }
      }
      line(indent, "}");
      live = outer && !returned;
    }

    private void block(int indent, int nesting, boolean returns) {
      scopes.push(new ArrayList<>());
      int count = returns ? rnd.nextInt(3) : 1 + rnd.nextInt(2);
      for (int s = 0; s < count && (s == 0 || statements < budget - 1); s++) {
        statement(indent, nesting);
      }
      if (returns) {
        returnStatement(indent);
      }
      scopes.pop();
    }

    private void returnStatement(int indent) {
      Ex e = attempt(() -> varying(genD(3, live)), () -> leafD(live));
      line(indent, "return " + e.src + ";");
      if (live) {
        result = e.v[0];
        returned = true;
        live = false;
      }
    }

    // ------------------------------------------------------------ values and checks

    private <R> R attempt(Supplier<R> generator, Supplier<R> fallback) {
      for (int i = 0; i < 40; i++) {
        try {
          return generator.get();
        } catch (Reject r) {
          // draw again
        }
      }
      return fallback.get();
    }

    private double[] filled(double x) {
      double[] v = new double[points];
      Arrays.fill(v, x);
      return v;
    }

    private static double[] map(double[] a, DoubleUnaryOperator f) {
      double[] r = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        r[i] = f.applyAsDouble(a[i]);
      }
      return r;
    }

    private static double[] zip(double[] a, double[] b, DoubleBinaryOperator f) {
      double[] r = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        r[i] = f.applyAsDouble(a[i], b[i]);
      }
      return r;
    }

    /**
     * Whether every probe value is within {@link #BOUND}, and the slopes and curvatures that the
     * probes estimate stay moderate (steep or wiggly code makes finite differences inaccurate).
     */
    private static boolean inBounds(double[] v) {
      for (double x : v) {
        if (!(Math.abs(x) <= BOUND)) {
          return false;
        }
      }
      for (int i = 1; i + 1 < v.length; i += 2) {
        double slope = Math.abs(v[i] - v[i + 1]) / (2 * PROBE);
        double curvature = Math.abs(v[i] - 2 * v[0] + v[i + 1]) / (PROBE * PROBE);
        if (!(slope <= SLOPE && curvature <= CURVATURE)) {
          return false;
        }
      }
      return true;
    }

    private static void check(double[] v, boolean live) {
      if (live && !inBounds(v)) {
        throw REJECT;
      }
    }

    /** Rejects a live expression that does not depend on the double arguments (locally). */
    private Ex varying(Ex e) {
      if (live) {
        for (double x : e.v) {
          if (x != e.v[0]) {
            return e;
          }
        }
        throw REJECT;
      }
      return e;
    }

    private static void margin(boolean live, double distance) {
      if (live && !(distance >= MARGIN)) {
        throw REJECT;
      }
    }

    /** Rejects a live decision whose outcome ({@code region}) differs between probe points. */
    private static void same(boolean live, double[] region) {
      if (live) {
        for (double r : region) {
          if (r != region[0]) {
            throw REJECT;
          }
        }
      }
    }

    private static Ex dbl(String src, double[] v, boolean live) {
      check(v, live);
      return new Ex(src, 'D', v);
    }

    private static Ex num(String src, char type, double[] v, boolean live) {
      check(v, live);
      return new Ex(src, type, v);
    }

    private static char promote(Ex a, Ex b) {
      return a.type == 'D' || b.type == 'D' ? 'D' : 'I';
    }

    private static double distanceToInteger(double x) {
      return Math.abs(x - Math.rint(x));
    }

    private static double distanceToHalf(double x) {
      return Math.abs(x - (Math.floor(x) + 0.5));
    }

    /** Promotes an int expression with an explicit cast (keeps Math's float overloads away). */
    private static Ex asDouble(Ex e) {
      return e.type == 'D' ? e : new Ex("(double) " + e.src, 'D', e.v);
    }

    // ------------------------------------------------------------ leaves

    private Ex literal() {
      double v = (1 + rnd.nextInt(300)) / 100.0;
      return new Ex(Double.toString(v), 'D', filled(v));
    }

    private Ex constantExpr() {
      Var c = constants.get(rnd.nextInt(constants.size()));
      double x = c.v[0];
      Ex lit = literal();
      double y = lit.v[0];
      switch (rnd.nextInt(3)) {
        case 0:
          return dbl(c.name + " * " + lit.src + " + 0.25", filled(x * y + 0.25), true);
        case 1: {
          int k = 1 + rnd.nextInt(5);
          return dbl("1.0 / (" + k + " + " + c.name + ")", filled(1.0 / (k + x)), true);
        }
        default:
          return dbl("Math.sqrt(" + lit.src + ") - " + c.name, filled(Math.sqrt(y) - x), true);
      }
    }

    /** A visible variable of {@code type}, or also a constant if {@code constants}; else null. */
    private Var pick(char type, boolean withConstants) {
      List<Var> all = new ArrayList<>();
      for (List<Var> scope : scopes) {
        for (Var v : scope) {
          if (v.type == type) {
            all.add(v);
          }
        }
      }
      if (withConstants) {
        for (Var v : constants) {
          if (v.type == type) {
            all.add(v);
          }
        }
      }
      return all.isEmpty() ? null : all.get(rnd.nextInt(all.size()));
    }

    private Ex leafD(boolean live) {
      int k = rnd.nextInt(20);
      if (k < 15) {
        Var v = pick('D', false);
        return new Ex(v.name, 'D', v.v);
      }
      if (k < 17) {
        Var v = pick('D', true);
        return new Ex(v.name, 'D', v.v);
      }
      if (k < 19) {
        return literal();
      }
      return rnd.nextBoolean() ? leafI(live) : new Ex("Math.PI", 'D', filled(Math.PI));
    }

    private Ex leafI(boolean live) {
      Var v = rnd.nextInt(3) == 0 ? null : pick('I', true);
      if (v != null) {
        return new Ex(v.name, 'I', v.v);
      }
      int k = rnd.nextInt(6);
      return new Ex(Integer.toString(k), 'I', filled(k));
    }

    /** A comparison that cannot fail: {@code x < L} with L at least 0.25 away from x. */
    private Ex leafB(boolean live) {
      Var v = pick('D', false);
      double offset = (25 + rnd.nextInt(75)) / 100.0 * (rnd.nextBoolean() ? 1 : -1);
      double bound = live ? Math.rint((v.v[0] + offset) * 100) / 100 : offset;
      double[] decision = map(v.v, x -> x < bound ? 1 : 0);
      for (double d : decision) {
        if (live && d != decision[0]) { // steep variable: compare a constant instead
          Var c = constants.get(0);
          double above = Math.rint((c.v[0] + 0.5) * 100) / 100;
          return new Ex("(" + c.name + " < " + above + ")", 'B', filled(1));
        }
      }
      String lit = bound < 0 ? "(" + bound + ")" : Double.toString(bound);
      return new Ex("(" + v.name + " < " + lit + ")", 'B', decision);
    }

    // ------------------------------------------------------------ expressions

    private Ex genD(int depth, boolean live) {
      if (depth <= 0 || rnd.nextInt(5) == 0) {
        return leafD(live);
      }
      int d = depth - 1;
      switch (rnd.nextInt(22)) {
        case 0, 1, 2, 3: { // + and -, sometimes mixing in an int
          Ex a = genD(d, live);
          Ex b = rnd.nextInt(4) == 0 ? genI(d, live) : genD(d, live);
          boolean plus = rnd.nextBoolean();
          char t = promote(a, b);
          double[] v = t == 'I'
              ? zip(a.v, b.v, plus ? RandomPrograms::intPlus : RandomPrograms::intMinus)
              : zip(a.v, b.v, plus ? (x, y) -> x + y : (x, y) -> x - y);
          return num("(" + a.src + (plus ? " + " : " - ") + b.src + ")", t, v, live);
        }
        case 4, 5, 6, 7: {
          Ex a = genD(d, live);
          Ex b = rnd.nextInt(4) == 0 ? genI(d, live) : genD(d, live);
          char t = promote(a, b);
          double[] v = zip(a.v, b.v, t == 'I' ? (x, y) -> (int) x * (int) y : (x, y) -> x * y);
          return num("(" + a.src + " * " + b.src + ")", t, v, live);
        }
        case 8, 9: {
          Ex a = genD(d, live);
          Ex b = safeDenominator(d, live);
          return dbl("(" + a.src + " / " + b.src + ")", zip(a.v, b.v, (x, y) -> x / y), live);
        }
        case 10: {
          Ex a = genD(d, live);
          double[] v = a.type == 'I' ? map(a.v, x -> -(int) x) : map(a.v, x -> -x);
          return num("(-" + a.src + ")", a.type, v, live);
        }
        case 11, 12, 13, 14:
          return mathCall(d, live);
        case 15: {
          Ex a = genD(d, live);
          Ex b = genD(d, live);
          boolean max = rnd.nextBoolean();
          char t = promote(a, b);
          if (t == 'D') {
            margin(live, Math.abs(a.v[0] - b.v[0]));
            same(live, zip(a.v, b.v, (x, y) -> x >= y ? 1 : 0));
          }
          return num("Math." + (max ? "max(" : "min(") + a.src + ", " + b.src + ")", t,
              zip(a.v, b.v, max ? Math::max : Math::min), live);
        }
        case 16: {
          Ex a = genD(d, live);
          if (a.type == 'D') {
            margin(live, Math.abs(a.v[0]));
            same(live, map(a.v, Math::signum));
          }
          return num("Math.abs(" + a.src + ")", a.type, map(a.v, Math::abs), live);
        }
        case 17:
          return rnd.nextBoolean() ? stepCall(d, live) : mathCall(d, live);
        case 18, 19: {
          Ex c = genB(d, live);
          Ex a = genD(d, live && c.yes());
          Ex b = genD(d, live && !c.yes());
          return num("(" + c.src + " ? " + a.src + " : " + b.src + ")", promote(a, b),
              c.yes() ? a.v : b.v, live);
        }
        case 20: {
          Ex a = genI(d, live);
          return dbl("(double) " + a.src, a.v, live);
        }
        default: {
          Ex a = genD(d, live);
          double m = rnd.nextBoolean() ? 1.5 : 2.0;
          if (a.type == 'D') { // x % m jumps where x / m crosses a nonzero integer
            margin(live, distanceToInteger(a.v[0] / m) * m);
            same(live, map(a.v, x -> Math.rint((x - x % m) / m)));
          }
          return dbl("(" + a.src + " % " + m + ")", map(a.v, x -> x % m), live);
        }
      }
    }

    /** floor, ceil, rint, signum and round: derivative 0 away from their jumps. */
    private Ex stepCall(int d, boolean live) {
      Ex a0 = genD(d, live);
      Ex a = asDouble(a0);
      boolean varies = live && a0.type == 'D'; // an int operand is locally constant
      DoubleUnaryOperator f;
      String src;
      double distance;
      switch (rnd.nextInt(5)) {
        case 0:
          f = Math::floor;
          src = "Math.floor(" + a.src + ")";
          distance = distanceToInteger(a.v[0]);
          break;
        case 1:
          f = Math::ceil;
          src = "Math.ceil(" + a.src + ")";
          distance = distanceToInteger(a.v[0]);
          break;
        case 2:
          f = Math::rint;
          src = "Math.rint(" + a.src + ")";
          distance = distanceToHalf(a.v[0]);
          break;
        case 3:
          f = Math::signum;
          src = "Math.signum(" + a.src + ")";
          distance = Math.abs(a.v[0]);
          break;
        default:
          f = x -> (double) Math.round(x);
          src = "(double) Math.round(" + a.src + ")";
          distance = distanceToHalf(a.v[0]);
          break;
      }
      margin(varies, distance);
      double[] v = map(a.v, f);
      same(varies, v);
      return dbl(src, v, live);
    }

    /** A double expression bounded away from zero. */
    private Ex safeDenominator(int depth, boolean live) {
      Ex x = genD(depth, live);
      String s = x.src;
      switch (rnd.nextInt(5)) {
        case 0:
          return dbl("(1.0 + " + s + " * " + s + ")", map(x.v, v -> 1.0 + v * v), live);
        case 1:
          return dbl("(2.0 + Math.sin(" + s + "))", map(x.v, v -> 2.0 + Math.sin(v)), live);
        case 2:
          if (x.type == 'D') {
            margin(live, Math.abs(x.v[0]));
            same(live, map(x.v, Math::signum));
          }
          return dbl("(Math.abs(" + s + ") + 0.5)", map(x.v, v -> Math.abs(v) + 0.5), live);
        case 3:
          return dbl("(1.5 + Math.cos(" + s + "))", map(x.v, v -> 1.5 + Math.cos(v)), live);
        default: {
          Ex den = asDouble(x);
          for (double v : den.v) {
            if (live && !(Math.abs(v) >= 0.25)) {
              throw REJECT;
            }
          }
          return den;
        }
      }
    }

    /** {@code template} with each {@code #} replaced by {@code x}, valued {@code f(x)}. */
    private static Ex call(String template, Ex x, DoubleUnaryOperator f, boolean live) {
      return dbl(template.replace("#", x.src), map(x.v, f), live);
    }

    /** Math calls, wrapped so that live arguments stay inside each function's domain. */
    private Ex mathCall(int d, boolean live) {
      Ex x = genD(d, live);
      double[] v = x.v;
      switch (rnd.nextInt(26)) {
        case 0: return call("Math.sin(#)", x, Math::sin, live);
        case 1: return call("Math.cos(#)", x, Math::cos, live);
        case 2: return call("Math.atan(#)", x, Math::atan, live);
        case 3: return call("Math.tanh(#)", x, Math::tanh, live);
        case 4:
          for (double e : v) {
            if (live && e > 5) {
              throw REJECT;
            }
          }
          return call("Math.exp(#)", x, Math::exp, live);
        case 5: return call("Math.exp(Math.tanh(#))", x, e -> Math.exp(Math.tanh(e)), live);
        case 6: return call("Math.log(1.0 + # * #)", x, e -> Math.log(1.0 + e * e), live);
        case 7:
          if (x.type == 'D') {
            margin(live, Math.abs(v[0]));
            same(live, map(v, Math::signum));
          }
          return call("Math.log(Math.abs(#) + 0.5)", x, e -> Math.log(Math.abs(e) + 0.5), live);
        case 8:
          return call("Math.log10(2.0 + Math.sin(#))", x, e -> Math.log10(2.0 + Math.sin(e)), live);
        case 9: return call("Math.log1p(# * #)", x, e -> Math.log1p(e * e), live);
        case 10: return call("Math.expm1(Math.sin(#))", x, e -> Math.expm1(Math.sin(e)), live);
        case 11: return call("Math.sqrt(1.0 + # * #)", x, e -> Math.sqrt(1.0 + e * e), live);
        case 12:
          for (double e : v) {
            if (live && !(Math.abs(e) >= 0.1)) {
              throw REJECT;
            }
          }
          return call("Math.cbrt(#)", x, Math::cbrt, live);
        case 13:
          return call("Math.asin(Math.tanh(#) * 0.9)", x, e -> Math.asin(Math.tanh(e) * 0.9), live);
        case 14:
          return call("Math.acos(Math.tanh(#) * 0.9)", x, e -> Math.acos(Math.tanh(e) * 0.9), live);
        case 15: return call("Math.sinh(Math.sin(#))", x, e -> Math.sinh(Math.sin(e)), live);
        case 16: return call("Math.cosh(Math.tanh(#))", x, e -> Math.cosh(Math.tanh(e)), live);
        case 17:
          return call("Math.tan(0.5 * Math.tanh(#))", x, e -> Math.tan(0.5 * Math.tanh(e)), live);
        case 18: return call("Math.toRadians(#)", x, Math::toRadians, live);
        case 19:
          return call("Math.toDegrees(Math.sin(#))", x, e -> Math.toDegrees(Math.sin(e)), live);
        case 20: {
          Ex y = genD(d, live);
          // atan2(x, y): away from the origin and from the branch cut (x = 0, y < 0).
          for (int i = 0; i < points; i++) {
            if (live && Math.hypot(v[i], y.v[i]) < 0.1) {
              throw REJECT;
            }
          }
          if (y.v[0] < 0) {
            margin(live, Math.abs(v[0]));
          }
          same(live, zip(v, y.v, (p, q) -> q < 0 ? Math.signum(p) : 2));
          return dbl("Math.atan2(" + x.src + ", " + y.src + ")", zip(v, y.v, Math::atan2), live);
        }
        case 21: {
          Ex y = genD(d, live);
          for (int i = 0; i < points; i++) {
            if (live && Math.hypot(v[i], y.v[i]) < 0.1) {
              throw REJECT;
            }
          }
          return dbl("Math.hypot(" + x.src + ", " + y.src + ")", zip(v, y.v, Math::hypot), live);
        }
        case 22: { // positive base, any exponent
          Ex y = genD(d, live);
          return dbl("Math.pow(1.0 + " + x.src + " * " + x.src + ", Math.sin(" + y.src + "))",
              zip(v, y.v, (p, q) -> Math.pow(1.0 + p * p, Math.sin(q))), live);
        }
        case 23: { // integer exponent, any base
          int p = 2 + rnd.nextInt(2);
          return call("Math.pow(#, " + p + ")", x, e -> Math.pow(e, p), live);
        }
        case 24: {
          if (x.type == 'D') {
            margin(live, Math.abs(v[0]));
            same(live, map(v, Math::signum));
          }
          double p = literal().v[0];
          return call("Math.pow(Math.abs(#) + 0.5, " + p + ")", x,
              e -> Math.pow(Math.abs(e) + 0.5, p), live);
        }
        default:
          return call("StrictMath.sin(#)", x, StrictMath::sin, live);
      }
    }

    private Ex genI(int depth, boolean live) {
      if (depth <= 0 || rnd.nextInt(4) == 0) {
        return leafI(live);
      }
      int d = depth - 1;
      switch (rnd.nextInt(10)) {
        case 0, 1: {
          Ex a = genI(d, live);
          Ex b = genI(d, live);
          boolean plus = rnd.nextBoolean();
          return num("(" + a.src + (plus ? " + " : " - ") + b.src + ")", 'I',
              zip(a.v, b.v, plus ? RandomPrograms::intPlus : RandomPrograms::intMinus), live);
        }
        case 2: {
          Ex a = genI(d, live);
          int k = 2 + rnd.nextInt(3);
          return num("(" + a.src + " * " + k + ")", 'I', map(a.v, x -> (int) x * k), live);
        }
        case 3: {
          Ex a = genI(d, live);
          int k = 2 + rnd.nextInt(3);
          return num("(" + a.src + " / " + k + ")", 'I', map(a.v, x -> (int) x / k), live);
        }
        case 4: {
          Ex a = genI(d, live);
          int k = 2 + rnd.nextInt(3);
          return num("(" + a.src + " % " + k + ")", 'I', map(a.v, x -> (int) x % k), live);
        }
        case 5: {
          Ex a = genI(d, live);
          return num("Math.abs(" + a.src + ")", 'I', map(a.v, x -> Math.abs((int) x)), live);
        }
        case 6: {
          Ex a = genI(d, live);
          Ex b = genI(d, live);
          boolean max = rnd.nextBoolean();
          return num("Math." + (max ? "max(" : "min(") + a.src + ", " + b.src + ")", 'I',
              zip(a.v, b.v, max ? Math::max : Math::min), live); // exact on small ints
        }
        case 7: {
          Ex a0 = genD(d, live);
          Ex a = asDouble(a0);
          boolean varies = live && a0.type == 'D';
          double[] v;
          String src;
          if (rnd.nextBoolean()) {
            margin(varies, distanceToInteger(a.v[0]));
            v = map(a.v, x -> (int) x);
            src = "(int) " + a.src;
          } else {
            margin(varies, distanceToHalf(a.v[0]));
            v = map(a.v, x -> (int) Math.round(x));
            src = "(int) Math.round(" + a.src + ")";
          }
          same(varies, v);
          return num(src, 'I', v, live);
        }
        case 8: {
          Ex c = genB(d, live);
          Ex a = genI(d, live && c.yes());
          Ex b = genI(d, live && !c.yes());
          return num("(" + c.src + " ? " + a.src + " : " + b.src + ")", 'I',
              c.yes() ? a.v : b.v, live);
        }
        default:
          return leafI(live);
      }
    }

    private Ex genB(int depth, boolean live) {
      int d = Math.max(depth - 1, 0);
      switch (depth <= 0 ? 0 : rnd.nextInt(10)) {
        case 6: {
          Ex a = genB(d, live);
          return new Ex("!" + a.src, 'B', map(a.v, x -> x != 0 ? 0 : 1));
        }
        case 7, 8: {
          boolean and = rnd.nextBoolean();
          Ex a = genB(d, live);
          Ex b = genB(d, live && (and == a.yes())); // short circuit: b runs only if needed
          double[] v = zip(a.v, b.v, and ? (x, y) -> x != 0 && y != 0 ? 1 : 0
              : (x, y) -> x != 0 || y != 0 ? 1 : 0);
          return new Ex("(" + a.src + (and ? " && " : " || ") + b.src + ")", 'B', v);
        }
        case 9: { // integer comparison
          Ex a = genI(d, live);
          Ex b = leafI(live);
          String[] ops = {" == ", " != ", " < ", " >= "};
          int op = rnd.nextInt(ops.length);
          DoubleBinaryOperator[] f = {
            (x, y) -> (int) x == (int) y ? 1 : 0, (x, y) -> (int) x != (int) y ? 1 : 0,
            (x, y) -> (int) x < (int) y ? 1 : 0, (x, y) -> (int) x >= (int) y ? 1 : 0
          };
          return new Ex("(" + a.src + ops[op] + b.src + ")", 'B', zip(a.v, b.v, f[op]));
        }
        default: {
          Ex a = genD(Math.min(d, 2), live);
          Ex b = rnd.nextInt(3) == 0 ? literal() : genD(Math.min(d, 1), live);
          String[] ops = {" < ", " <= ", " > ", " >= ", " != "};
          int op = rnd.nextInt(ops.length);
          DoubleBinaryOperator[] f = {
            (x, y) -> x < y ? 1 : 0, (x, y) -> x <= y ? 1 : 0, (x, y) -> x > y ? 1 : 0,
            (x, y) -> x >= y ? 1 : 0, (x, y) -> x != y ? 1 : 0
          };
          double[] v = zip(a.v, b.v, f[op]);
          if (promote(a, b) == 'D') {
            margin(live, Math.abs(a.v[0] - b.v[0]));
            same(live, v);
          }
          return new Ex("(" + a.src + ops[op] + b.src + ")", 'B', v);
        }
      }
    }
  }

  // ------------------------------------------------------------------ loops and arrays

  /**
   * Generator of programs with loops and arrays ({@link #generateWithLoops}). A statement
   * outside loops runs once, but a loop body runs many times with changing values, so values
   * cannot be computed while the source is written as {@link Generator} does. Instead every
   * statement is built as source text plus a model of it (closures over an {@link Env} that
   * holds every variable at every probe point), and each statement outside loops, a loop with
   * all its iterations included, is run on a copy of the current state as soon as it is drawn.
   * The same checks as in {@link Generator} (bounds, slopes, curvatures, margins of decisions,
   * same decisions at all probe points) run whenever the model evaluates a live value, at every
   * iteration; a failure rejects the statement, which is drawn again.
   */
  private static final class LoopGenerator {
    /** Most loop-body executions (all loops together) of one statement outside loops. */
    private static final int RUNS = 50;
    /** Names of counted-loop variables by loop depth. */
    private static final String[] INDEX = {"i", "j", "h"};

    private enum Flow { NORMAL, BREAK, CONTINUE, RETURN }

    /** A {@code double[]} at every probe point: {@code v[point][index]}. */
    private static final class Arr {
      final double[][] v;

      Arr(double[][] v) {
        this.v = v;
      }

      int length() {
        return v[0].length;
      }
    }

    /** A {@code double[][]}: an array of row references, shared as in Java. */
    private static final class Mat {
      final Arr[] rows;

      Mat(Arr[] rows) {
        this.rows = rows;
      }
    }

    /**
     * Runtime state: scalars (double and int) as {@code double[points]} (never mutated, so
     * shared freely), arrays as {@link Arr} and {@link Mat} (mutable, aliased by reference).
     */
    private static final class Env {
      final Map<String, Object> vars;
      final int points;
      double[] returned;
      int runs;
      /**
       * A helper's frame at a call site: its arguments there may be constants, so its returned
       * and assigned values need not vary, and its while loops need not run.
       */
      boolean relaxed;

      Env(Map<String, Object> vars, int points) {
        this.vars = vars;
        this.points = points;
      }

      int points() {
        return points;
      }

      /** A deep copy that preserves aliasing between arrays and rows. */
      Env copy() {
        IdentityHashMap<Object, Object> copies = new IdentityHashMap<>();
        Map<String, Object> m = new HashMap<>();
        for (Map.Entry<String, Object> e : vars.entrySet()) {
          m.put(e.getKey(), copy(e.getValue(), copies));
        }
        return new Env(m, points);
      }

      private static Object copy(Object value, IdentityHashMap<Object, Object> copies) {
        if (value instanceof double[]) {
          return value;
        }
        Object done = copies.get(value);
        if (done != null) {
          return done;
        }
        if (value instanceof Arr a) {
          double[][] v = new double[a.v.length][];
          for (int p = 0; p < v.length; p++) {
            v[p] = a.v[p].clone();
          }
          Arr c = new Arr(v);
          copies.put(value, c);
          return c;
        }
        Mat m = (Mat) value;
        Mat c = new Mat(new Arr[m.rows.length]);
        copies.put(value, c);
        for (int r = 0; r < m.rows.length; r++) {
          c.rows[r] = (Arr) copy(m.rows[r], copies);
        }
        return c;
      }

      double[] scalar(String name) {
        return (double[]) vars.get(name);
      }

      Arr arr(String name) {
        return (Arr) vars.get(name);
      }

      Mat mat(String name) {
        return (Mat) vars.get(name);
      }
    }

    /** A value at every probe point, evaluated in the model. */
    private interface Fn {
      double[] at(Env env);
    }

    /** An array value in the model. */
    private interface ArrFn {
      Arr at(Env env);
    }

    /** A statement in the model. */
    private interface Run {
      Flow exec(Env env);
    }

    /** An expression: source, type ('D' double, 'I' int, 'B' boolean as 1/0) and model. */
    private record X(String src, char type, Fn f) {}

    /** A statement: its source lines (indented, newline-terminated) and model. */
    private record St(String text, Run run) {}

    /**
     * A one-dimensional array expression ({@code u}, {@code m[i]}, {@code row}): source, source
     * of its length, its length, whether the program may write its elements, and model.
     */
    private record Ref(String src, String lengthSrc, int len, boolean writable, ArrFn f) {}

    /** An int loop variable with values in [0, hi) inside the loop body. */
    private record Counter(String name, int hi) {}

    /**
     * Where code is generated: the loop counters in scope, how many times the code can run per
     * statement outside loops, whether {@code continue} is allowed, and the loop depth.
     */
    private record Ctx(List<Counter> counters, int runs, boolean canContinue, int depth) {
      static final Ctx TOP = new Ctx(List.of(), 1, false, 0);

      boolean inLoop() {
        return depth > 0;
      }

      Ctx enter(Counter counter, int trips, boolean continues) {
        List<Counter> c = new ArrayList<>(counters);
        if (counter != null) {
          c.add(counter);
        }
        return new Ctx(c, runs * trips, continues, depth + 1);
      }
    }

    /**
     * A variable as the generator sees it: kind 'D' (double), 'I' (int), 'A' (double[]) or 'M'
     * (double[][]); len is the length (rows for 'M'), cols the row length of 'M'.
     */
    private static final class SVar {
      final String name;
      final char kind;
      final int len;
      final int cols;
      final boolean writable;
      final boolean assignable;

      SVar(String name, char kind, int len, int cols, boolean writable, boolean assignable) {
        this.name = name;
        this.kind = kind;
        this.len = len;
        this.cols = cols;
        this.writable = writable;
        this.assignable = assignable;
      }

      static SVar scalar(String name, boolean assignable) {
        return new SVar(name, 'D', 0, 0, false, assignable);
      }
    }

    private final long seed;
    private final Random rnd;
    private final StringBuilder body = new StringBuilder();
    private final Deque<List<SVar>> scopes = new ArrayDeque<>();
    private final List<SVar> constants = new ArrayList<>();
    private int points;
    private int counter;
    private final Set<String> awkwardUsed = new HashSet<>();
    private int statements;
    private int budget;
    private Env env;
    /** Whether the code being written executes for the program's arguments. */
    private boolean live = true;
    private boolean returned;
    private double result = Double.NaN;
    /** The accumulator just declared for the loop being built, preferred as a target. */
    private SVar focus;
    /** The array the last element-wise loop updated, or null. */
    private SVar lastElementwise;
    /**
     * Int counters declared before the loop being built that its body moves ({@code w++},
     * {@code w += 2}, {@code if (c) w++}, {@code y[w++]}) and uses as indices: a packed walk.
     */
    private final List<String> walkers = new ArrayList<>();
    /**
     * The {@code double[]} names of matrix rows ({@code for (double[] row : m)}): Adjoint reads
     * them as the matrix's row, so no other array name may be pointed at them.
     */
    private final Set<SVar> rowNames = new HashSet<>();
    /** While true, {@link #index} picks no walker (an expression beside {@code y[w++]}). */
    private boolean walkersHidden;
    /** Most loop-body executions per statement outside loops (smaller in helpers). */
    private int maxRuns = RUNS;
    /** Whether expressions may call helpers and gates ({@link #generateWithCalls}). */
    private boolean calls;
    /** The helpers that the code being written may call, declared before it. */
    private List<Helper> helpers = List.of();
    /** The statements outside loops committed so far, in order: a helper's model. */
    private final List<Run> model = new ArrayList<>();

    LoopGenerator(long seed) {
      this.seed = seed;
      this.rnd = new Random(seed);
      rnd.nextLong(); // as in Generator: the first draws of nearby seeds are nearly equal
    }

    LoopGenerator(long seed, boolean calls) {
      this(seed);
      this.calls = calls;
    }

    Program program() {
      // Parameters: 0-2 doubles (a, b), 0-2 double[] (u, v), 0-1 double[][] (m), at least one
      // array, and maybe int n.
      int scalars = rnd.nextInt(3);
      int vectors = rnd.nextInt(3);
      boolean matrix = rnd.nextInt(3) != 0;
      if (vectors == 0 && !matrix) {
        vectors = 1 + rnd.nextInt(2);
      }
      boolean hasInt = rnd.nextBoolean();
      int rows = 2 + rnd.nextInt(2);
      int cols = 2 + rnd.nextInt(2);
      List<String> kinds = new ArrayList<>();
      for (int i = 0; i < scalars; i++) {
        kinds.add("D" + (char) ('a' + i));
      }
      for (int i = 0; i < vectors; i++) {
        kinds.add("A" + (char) ('u' + i));
      }
      if (matrix) {
        kinds.add("Mm");
      }
      if (hasInt) {
        kinds.add("In");
      }
      Collections.shuffle(kinds, rnd);

      List<Object> args = new ArrayList<>();
      List<String> params = new ArrayList<>();
      List<SVar> frame = new ArrayList<>();
      List<double[]> entries = new ArrayList<>(); // per argument: its differentiated values
      for (String k : kinds) {
        String name = k.substring(1);
        switch (k.charAt(0)) {
          case 'D': {
            double x = rnd.nextDouble() * 4 - 2;
            args.add(x);
            entries.add(new double[] {x});
            params.add("double " + name);
            frame.add(SVar.scalar(name, true));
            break;
          }
          case 'A': {
            int len = matrix && name.equals("u") && rnd.nextBoolean() ? cols : 2 + rnd.nextInt(4);
            double[] a = new double[len];
            for (int i = 0; i < len; i++) {
              a[i] = rnd.nextDouble() * 3 - 1.5;
            }
            args.add(a);
            entries.add(a);
            params.add("double[] " + name);
            frame.add(new SVar(name, 'A', len, 0, false, false));
            break;
          }
          case 'M': {
            double[][] m = new double[rows][cols];
            double[] flat = new double[rows * cols];
            for (int r = 0; r < rows; r++) {
              for (int c = 0; c < cols; c++) {
                m[r][c] = rnd.nextDouble() * 3 - 1.5;
                flat[r * cols + c] = m[r][c];
              }
            }
            args.add(m);
            entries.add(flat);
            params.add("double[][] " + name);
            frame.add(new SVar(name, 'M', rows, cols, false, false));
            break;
          }
          default: {
            int n = 1 + rnd.nextInt(4);
            args.add(n);
            entries.add(null);
            params.add("int n");
            frame.add(new SVar("n", 'I', 0, 0, false, false));
            break;
          }
        }
      }
      int total = 0;
      for (double[] e : entries) {
        total += e == null ? 0 : e.length;
      }
      points = 1 + 2 * total;

      // The model's initial state: entry e moved by +PROBE at point 1 + 2e, -PROBE at 2 + 2e.
      Map<String, Object> vars = new HashMap<>();
      int entry = 0;
      for (int i = 0; i < kinds.size(); i++) {
        SVar p = frame.get(i);
        double[] values = entries.get(i);
        switch (p.kind) {
          case 'D':
            vars.put(p.name, probed(values[0], entry++));
            break;
          case 'A':
            vars.put(p.name, probedArr(values, entry));
            entry += values.length;
            break;
          case 'M': {
            Arr[] rowArrs = new Arr[p.len];
            for (int r = 0; r < p.len; r++) {
              rowArrs[r] = probedArr(Arrays.copyOfRange(values, r * p.cols, (r + 1) * p.cols),
                  entry);
              entry += p.cols;
            }
            vars.put(p.name, new Mat(rowArrs));
            break;
          }
          default:
            vars.put(p.name, filled((Integer) args.get(i)));
            break;
        }
      }
      env = new Env(vars, points);

      StringBuilder fields = new StringBuilder();
      if (rnd.nextBoolean()) {
        double c = (1 + rnd.nextInt(300)) / 100.0;
        constants.add(SVar.scalar("C0", false));
        env.vars.put("C0", filled(c));
        fields.append("  static final double C0 = ").append(c).append(";\n\n");
      }

      StringBuilder helperText = new StringBuilder();
      if (calls) {
        List<Helper> made = new ArrayList<>();
        int count = 1 + rnd.nextInt(3);
        for (int k = 0; k < count; k++) {
          Helper h = makeHelper("h" + k, frame, made);
          made.add(h);
          helperText.append(h.text()).append('\n');
        }
        helpers = made;
      }

      scopes.push(frame);
      scopes.push(new ArrayList<>()); // the method body's locals
      budget = 3 + rnd.nextInt(6);
      while (statements < budget) {
        straight(4, 0);
      }
      finalReturn(4);

      String className = (calls ? "K" : "L") + Long.toUnsignedString(seed);
      String source = "package fuzz;\n\n"
          + (calls ? "import dev.adjoint.CustomGradient;\n" : "")
          + "import dev.adjoint.Differentiable;\n"
          + (calls ? "import dev.adjoint.Gates;\n" : "") + "\n"
          + "public final class " + className + " {\n"
          + fields
          + helperText
          + "  @Differentiable\n"
          + "  public static double f(" + String.join(", ", params) + ") {\n"
          + body
          + "  }\n"
          + "}\n";
      int loops = source.split("for \\(|while \\(", -1).length - 1;
      String description = "seed=" + seed + " params=" + params.size() + " statements="
          + statements + " loops=" + loops
          + (calls ? " helpers=" + helpers.size() + " calls=" + callSites : "")
          + " lines=" + source.split("\n").length + " value=" + result;
      return new Program(source, "fuzz." + className, "f", args.toArray(), description);
    }

    private double[] probed(double x, int entry) {
      double[] v = filled(x);
      int slot = entry % ((points - 1) / 2); // a helper may have more entries than points
      v[1 + 2 * slot] = x + PROBE;
      v[2 + 2 * slot] = x - PROBE;
      return v;
    }

    private Arr probedArr(double[] values, int firstEntry) {
      double[][] v = new double[points][];
      for (int p = 0; p < points; p++) {
        v[p] = values.clone();
      }
      for (int k = 0; k < values.length; k++) {
        int slot = (firstEntry + k) % ((points - 1) / 2);
        v[1 + 2 * slot][k] = values[k] + PROBE;
        v[2 + 2 * slot][k] = values[k] - PROBE;
      }
      return new Arr(v);
    }

    private double[] filled(double x) {
      double[] v = new double[points];
      Arrays.fill(v, x);
      return v;
    }

    private String fresh(String prefix) {
      return localName(rnd, prefix + counter++, awkwardUsed);
    }

    private static String pad(int indent) {
      return " ".repeat(indent);
    }

    private <R> R pick(List<R> list) {
      return list.get(rnd.nextInt(list.size()));
    }

    // ------------------------------------------------------------ helpers and calls

    /**
     * A method of the program's class that code may call: its parameters (kind and shape: an
     * array of length -1 takes any length), the value its int parameter was generated for (its
     * loops and local lengths depend on it), which parameters are differentiated (a call passes
     * constants to the others), whether calls pass constants only (a plain static method), its
     * model (evaluated in a frame holding the parameters) and its source.
     */
    private record Helper(String name, List<SVar> params, int n, boolean[] wrt,
        boolean constantsOnly, Fn fn, String text, String element) {
      /** A helper returning a double. */
      Helper(String name, List<SVar> params, int n, boolean[] wrt, boolean constantsOnly, Fn fn,
          String text) {
        this(name, params, n, wrt, constantsOnly, fn, text, "");
      }
    }

    /** Whether this generator writes a helper returning {@code double[]}: no early returns. */
    private boolean vectorResult;

    /** Calls and gates drawn in this program (or helper) so far, kept or not. */
    private int callSites;

    /**
     * A helper for the program whose parameters are {@code frame}: usually generated like a
     * program (smaller), with double parameters a, b, arrays u, v of the lengths the program's
     * arrays have, a matrix m shaped like the program's, maybe an int n, sometimes {@code wrt}
     * a subset; a third of those with arrays return a new {@code double[]} instead (a layer,
     * its element 0 read by the calls); sometimes a fixed formula with a hand-written {@code
     * @CustomGradient}, or a plain static method that calls pass constants only.
     */
    private Helper makeHelper(String name, List<SVar> frame, List<Helper> earlier) {
      int kind = rnd.nextInt(10);
      if (kind >= 8) {
        return fixedHelper(name, rnd.nextInt(6));
      }
      List<Integer> lengths = new ArrayList<>();
      SVar matrix = null;
      for (SVar p : frame) {
        if (p.kind == 'A') {
          lengths.add(p.len);
        } else if (p.kind == 'M') {
          lengths.add(p.cols);
          matrix = p;
        }
      }
      List<SVar> params = new ArrayList<>();
      if (kind < 4) { // static double h(double a, double b), maybe with an int
        params.add(SVar.scalar("a", false));
        params.add(SVar.scalar("b", false));
      } else {
        int arrays = 1 + rnd.nextInt(2);
        for (int i = 0; i < arrays; i++) {
          if (matrix != null && i == 0 && rnd.nextInt(3) == 0) {
            params.add(new SVar("m", 'M', matrix.len, matrix.cols, false, false));
          } else {
            params.add(new SVar(i == 0 ? "u" : "v", 'A', pick(lengths), 0, false, false));
          }
        }
        if (rnd.nextBoolean()) {
          params.add(SVar.scalar("a", false));
        }
      }
      int n = 1 + rnd.nextInt(4);
      if (rnd.nextInt(4) == 0) {
        params.add(new SVar("n", 'I', 0, 0, false, false));
      }
      Collections.shuffle(params, rnd);
      boolean[] wrt = new boolean[params.size()];
      List<String> wrtNames = new ArrayList<>();
      List<Integer> doubles = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        char k = params.get(i).kind;
        wrt[i] = k != 'I';
        if (k == 'D') {
          doubles.add(i);
        }
      }
      // wrt a subset: one double parameter left out, if something differentiated remains.
      boolean subset = !doubles.isEmpty() && rnd.nextInt(4) == 0
          && params.stream().filter(p -> p.kind != 'I').count() > 1;
      if (subset) {
        wrt[pick(doubles)] = false;
        for (int i = 0; i < params.size(); i++) {
          if (wrt[i]) {
            wrtNames.add("\"" + params.get(i).name + "\"");
          }
        }
      }
      LoopGenerator g = new LoopGenerator(seed * 1_000_003L + name.hashCode());
      g.points = points;
      g.calls = true;
      g.helpers = earlier;
      g.maxRuns = 12;
      // now and then a layer: the same body, its result one element of a double[] it returns
      boolean vector = kind >= 4 && rnd.nextInt(3) == 0;
      return g.generatedHelper(name, params, n, wrt,
          subset ? "@Differentiable(wrt = {" + String.join(", ", wrtNames) + "})"
              : "@Differentiable", vector);
    }

    /** Generates a helper's body in this (fresh) generator, from random sample arguments. */
    private Helper generatedHelper(String name, List<SVar> params, int n, boolean[] wrt,
        String annotation, boolean vector) {
      Map<String, Object> vars = new HashMap<>();
      int entry = 0;
      List<String> decls = new ArrayList<>();
      for (SVar p : params) {
        switch (p.kind) {
          case 'D':
            vars.put(p.name, probed(rnd.nextDouble() * 4 - 2, entry++));
            decls.add("double " + p.name);
            break;
          case 'A': {
            double[] a = new double[p.len];
            for (int k = 0; k < a.length; k++) {
              a[k] = rnd.nextDouble() * 3 - 1.5;
            }
            vars.put(p.name, probedArr(a, entry));
            entry += a.length;
            decls.add("double[] " + p.name);
            break;
          }
          case 'M': {
            Arr[] rowArrs = new Arr[p.len];
            for (int r = 0; r < p.len; r++) {
              double[] a = new double[p.cols];
              for (int k = 0; k < a.length; k++) {
                a[k] = rnd.nextDouble() * 3 - 1.5;
              }
              rowArrs[r] = probedArr(a, entry);
              entry += p.cols;
            }
            vars.put(p.name, new Mat(rowArrs));
            decls.add("double[][] " + p.name);
            break;
          }
          default:
            vars.put(p.name, filled(n));
            decls.add("int " + p.name);
            break;
        }
      }
      env = new Env(vars, points);
      scopes.push(new ArrayList<>(params));
      scopes.push(new ArrayList<>());
      vectorResult = vector;
      budget = 1 + rnd.nextInt(4);
      while (statements < budget) {
        helperStatement(4);
      }
      if (vector) {
        vectorReturn(4);
      } else {
        finalReturn(4);
      }
      Run[] runs = model.toArray(new Run[0]);
      Fn fn = frame -> {
        for (Run r : runs) {
          if (r.exec(frame) == Flow.RETURN) {
            return frame.returned;
          }
        }
        throw new IllegalStateException(name + " completed without a return");
      };
      String text = "  " + annotation + "\n  static double" + (vector ? "[] " : " ") + name
          + "(" + String.join(", ", decls) + ") {\n" + body + "  }\n";
      return new Helper(name, params, n, wrt, false, fn, text, vector ? "[0]" : "");
    }

    /** A statement of a helper: as outside loops in a program, with no if chain that returns. */
    private void helperStatement(int indent) {
      statements++;
      Supplier<St> fallback = () -> fallbackDeclaration(indent);
      switch (rnd.nextInt(11)) {
        case 0, 1, 2 -> unit(() -> declareDouble(indent), fallback);
        case 3 -> unit(() -> assignScalar(indent), fallback);
        case 4 -> unit(() -> declareArray(indent), fallback);
        case 5, 6 -> unit(() -> loopUnit(indent, () -> loop(indent, Ctx.TOP)), fallback);
        case 7 -> unit(() -> rnd.nextBoolean() ? matVec(indent, rnd.nextInt(3) == 0)
            : elementwise(indent), fallback);
        case 8 -> unit(() -> loopUnit(indent, () -> whileUnit(indent, Ctx.TOP)), fallback);
        default -> unit(() -> ifUpdate(indent), fallback);
      }
    }

    /** {@code if (c) { update } [else { update }]} outside loops, as one statement. */
    private St ifUpdate(int indent) {
      X c = genB(2, Ctx.TOP);
      scopes.push(new ArrayList<>());
      St then = effect(indent + 2, Ctx.TOP);
      scopes.pop();
      St otherwise = null;
      if (rnd.nextBoolean()) {
        scopes.push(new ArrayList<>());
        otherwise = effect(indent + 2, Ctx.TOP);
        scopes.pop();
      }
      String text = pad(indent) + "if (" + c.src() + ") {\n" + then.text()
          + (otherwise == null ? "" : pad(indent) + "} else {\n" + otherwise.text())
          + pad(indent) + "}\n";
      Fn cond = c.f();
      Run a = then.run();
      Run b = otherwise == null ? null : otherwise.run();
      return new St(text, en -> {
        if (cond.at(en)[0] != 0) {
          return a.exec(en);
        }
        return b == null ? Flow.NORMAL : b.exec(en);
      });
    }

    /**
     * A helper with a fixed formula: {@code a * a * b}, {@code a * sin(a)} or {@code b} times
     * the sum of squares of {@code u} (any length), each with a hand-written
     * {@code @CustomGradient} pullback (exact derivative), or a plain static method of a double
     * and an int that calls pass constants only.
     */
    private Helper fixedHelper(String name, int kind) {
      String p = name + "Pullback";
      switch (kind) {
        case 0:
          return new Helper(name, List.of(SVar.scalar("a", false), SVar.scalar("b", false)), 0,
              new boolean[] {true, true}, false,
              en -> check(Generator.zip(en.scalar("a"), en.scalar("b"), (a, b) -> a * a * b)),
              "  static double " + name + "(double a, double b) {\n"
              + "    return a * a * b;\n"
              + "  }\n\n"
              + "  @CustomGradient(\"" + name + "\")\n"
              + "  static double " + p + "(double a, double b, double seed, double[] dScalars) {\n"
              + "    dScalars[0] += seed * 2 * a * b;\n"
              + "    dScalars[1] += seed * a * a;\n"
              + "    return a * a * b;\n"
              + "  }\n");
        case 1:
          return new Helper(name, List.of(SVar.scalar("a", false)), 0, new boolean[] {true},
              false, en -> check(Generator.map(en.scalar("a"), a -> a * Math.sin(a))),
              "  static double " + name + "(double a) {\n"
              + "    return a * Math.sin(a);\n"
              + "  }\n\n"
              + "  @CustomGradient(\"" + name + "\")\n"
              + "  static double " + p + "(double a, double seed, double[] dScalars) {\n"
              + "    dScalars[0] += seed * (Math.sin(a) + a * Math.cos(a));\n"
              + "    return " + name + "(a);\n"
              + "  }\n");
        case 2:
          return new Helper(name, List.of(new SVar("u", 'A', -1, 0, false, false),
              SVar.scalar("b", false)), 0, new boolean[] {true, true}, false, en -> {
                Arr u = en.arr("u");
                double[] b = en.scalar("b");
                double[] v = new double[b.length];
                for (int q = 0; q < v.length; q++) {
                  double s = 0;
                  for (double x : u.v[q]) {
                    s += x * x;
                  }
                  v[q] = s * b[q];
                }
                return check(v);
              },
              "  static double " + name + "(double[] u, double b) {\n"
              + "    double s = 0;\n"
              + "    for (double x : u) {\n"
              + "      s += x * x;\n"
              + "    }\n"
              + "    return s * b;\n"
              + "  }\n\n"
              + "  @CustomGradient(\"" + name + "\")\n"
              + "  static double " + p + "(double[] u, double b, double seed, double[] du,\n"
              + "      double[] dScalars) {\n"
              + "    double s = 0;\n"
              + "    for (int i = 0; i < u.length; i++) {\n"
              + "      s += u[i] * u[i];\n"
              + "      du[i] += seed * 2 * u[i] * b;\n"
              + "    }\n"
              + "    dScalars[0] += seed * s;\n"
              + "    return s * b;\n"
              + "  }\n");
        case 4:
          // a vector output, differentiated from its body; calls read its element 0
          return new Helper(name, List.of(new SVar("u", 'A', -1, 0, false, false),
              SVar.scalar("b", false)), 0, new boolean[] {true, true}, false,
              en -> vectorFirst(en, (u0, u1, b) -> Math.sin(u0) * b + u0 * u1),
              "  @Differentiable\n"
              + "  static double[] " + name + "(double[] u, double b) {\n"
              + "    double[] r = new double[u.length];\n"
              + "    for (int i = 0; i < u.length; i++) {\n"
              + "      r[i] = Math.sin(u[i]) * b + u[i] * u[(i + 1) % u.length];\n"
              + "    }\n"
              + "    return r;\n"
              + "  }\n", "[0]");
        case 5:
          // a vector output with a hand-written pullback (a vector seed) and JVP
          return new Helper(name, List.of(new SVar("u", 'A', -1, 0, false, false),
              SVar.scalar("b", false)), 0, new boolean[] {true, true}, false,
              en -> vectorFirst(en, (u0, u1, b) -> u0 * u0 * b),
              "  static double[] " + name + "(double[] u, double b) {\n"
              + "    double[] r = new double[u.length];\n"
              + "    for (int i = 0; i < u.length; i++) {\n"
              + "      r[i] = u[i] * u[i] * b;\n"
              + "    }\n"
              + "    return r;\n"
              + "  }\n\n"
              + "  @CustomGradient(\"" + name + "\")\n"
              + "  static double[] " + p + "(double[] u, double b, double[] seed, double[] du,\n"
              + "      double[] dScalars) {\n"
              + "    for (int i = 0; i < u.length; i++) {\n"
              + "      du[i] += seed[i] * 2 * u[i] * b;\n"
              + "      dScalars[0] += seed[i] * u[i] * u[i];\n"
              + "    }\n"
              + "    return " + name + "(u, b);\n"
              + "  }\n\n"
              + "  @dev.adjoint.CustomJvp(\"" + name + "\")\n"
              + "  static double[] " + name + "Jvp(double[] u, double b, double[] du, double db,\n"
              + "      double[][] tangentOut) {\n"
              + "    double[] t = new double[u.length];\n"
              + "    for (int i = 0; i < u.length; i++) {\n"
              + "      t[i] = 2 * u[i] * b * du[i] + u[i] * u[i] * db;\n"
              + "    }\n"
              + "    tangentOut[0] = t;\n"
              + "    return " + name + "(u, b);\n"
              + "  }\n", "[0]");
        default: {
          int n = 1 + rnd.nextInt(3);
          return new Helper(name, List.of(SVar.scalar("a", false),
              new SVar("n", 'I', 0, 0, false, false)), n, new boolean[] {false, false}, true,
              en -> Generator.map(en.scalar("a"),
                  a -> Math.floor(a * n) + Math.sqrt(Math.abs(a) + 1.0)),
              "  static double " + name + "(double a, int n) {\n"
              + "    return Math.floor(a * n) + Math.sqrt(Math.abs(a) + 1.0);\n"
              + "  }\n");
        }
      }
    }

    /** Element 0 of a vector helper of (u, b), per point: {@code f(u[0], u[1 % n], b)}. */
    private static double[] vectorFirst(Env en, Formula f) {
      Arr u = en.arr("u");
      double[] b = en.scalar("b");
      double[] v = new double[b.length];
      for (int q = 0; q < v.length; q++) {
        double[] row = u.v[q];
        v[q] = f.at(row[0], row[1 % row.length], b[q]);
      }
      return check(v);
    }

    /** A helper's formula of {@code u[0]}, {@code u[1]} and {@code b}. */
    private interface Formula {
      double at(double u0, double u1, double b);
    }

    /** A call of a helper or a gate, its arguments drawn at {@code depth}. */
    private X callOrGate(int depth, Ctx ctx) {
      callSites++;
      if (helpers.isEmpty() || rnd.nextInt(4) == 0) {
        return gate(depth, ctx);
      }
      Helper h = pick(helpers);
      boolean constantsOnly = h.constantsOnly() || rnd.nextInt(8) == 0
          && h.params().stream().allMatch(p -> p.kind == 'D' || p.kind == 'I');
      List<String> sources = new ArrayList<>();
      List<java.util.function.Function<Env, Object>> values = new ArrayList<>();
      for (int i = 0; i < h.params().size(); i++) {
        SVar p = h.params().get(i);
        switch (p.kind) {
          case 'D': {
            X a = constantsOnly ? constantArgument(false, depth, ctx)
                : h.wrt()[i] ? genD(depth, ctx) : constantArgument(true, depth, ctx);
            Fn f = a.f();
            sources.add(a.src());
            values.add(f::at);
            break;
          }
          case 'I': {
            X a = intEqualTo(h.n());
            Fn f = a.f();
            sources.add(a.src());
            values.add(f::at);
            break;
          }
          case 'A': {
            Ref r = refOfLength(p.len, ctx);
            ArrFn f = r.f();
            sources.add(r.src());
            values.add(f::at);
            break;
          }
          default: {
            List<SVar> fits = new ArrayList<>();
            for (SVar m : variables('M', false)) {
              if (m.len == p.len && m.cols == p.cols) {
                fits.add(m);
              }
            }
            if (fits.isEmpty()) {
              throw REJECT;
            }
            String m = pick(fits).name;
            sources.add(m);
            values.add(en -> en.mat(m));
            break;
          }
        }
      }
      List<SVar> params = h.params();
      Fn fn = h.fn();
      return dbl(h.name() + "(" + String.join(", ", sources) + ")" + h.element(), en -> {
        Env frame = new Env(new HashMap<>(), en.points());
        frame.relaxed = true;
        for (int i = 0; i < params.size(); i++) {
          frame.vars.put(params.get(i).name, values.get(i).apply(en));
        }
        return fn.at(frame);
      });
    }

    /**
     * An argument the processor sees as a constant: a literal, an int, {@code C0}, or (when
     * {@code stop}) now and then {@code Gates.stopGradient} of any expression.
     */
    private X constantArgument(boolean stop, int depth, Ctx ctx) {
      int k = rnd.nextInt(10);
      if (stop && k == 0) {
        X x = genD(depth, ctx);
        Fn f = x.f();
        return new X("Gates.stopGradient(" + x.src() + ")", 'D', f);
      }
      if (k < 3 && !constants.isEmpty()) {
        return new X("C0", 'D', scalarFn("C0"));
      }
      if (k < 5) {
        int i = rnd.nextInt(4);
        double[] v = filled(i);
        return new X(Integer.toString(i), 'I', en -> v);
      }
      return literal();
    }

    /** An int expression whose value is {@code n}: a literal, n itself or a length. */
    private X intEqualTo(int n) {
      List<String> sources = new ArrayList<>();
      for (SVar v : visible()) {
        if (v.kind == 'I' && v.name.equals("n") && env.scalar("n") != null
            && (int) env.scalar("n")[0] == n) {
          sources.add("n");
        }
        if ((v.kind == 'A' || v.kind == 'M') && v.len == n) {
          sources.add(v.name + ".length");
        }
      }
      String src = sources.isEmpty() || rnd.nextInt(3) == 0 ? Integer.toString(n)
          : pick(sources);
      double[] value = filled(n);
      return new X(src, 'I', en -> value);
    }

    /** A 1-D array expression of length {@code len} (any if negative): a variable or a row. */
    private Ref refOfLength(int len, Ctx ctx) {
      List<SVar> fits = new ArrayList<>();
      for (SVar v : visible()) {
        if (v.kind == 'A' && (len < 0 || v.len == len)
            || v.kind == 'M' && (len < 0 || v.cols == len)) {
          fits.add(v);
        }
      }
      if (fits.isEmpty()) {
        throw REJECT;
      }
      return pickRefOf(pick(fits), ctx);
    }

    /** {@code Gates.sigmoid}, relu, leakyRelu, softplus, logSumExp or (rarely) stopGradient. */
    private X gate(int depth, Ctx ctx) {
      int k = rnd.nextInt(12);
      if (k >= 8 && k < 11) {
        Ref r = pickRef(ctx, false);
        if (r != null) {
          ArrFn array = r.f();
          return dbl("Gates.logSumExp(" + r.src() + ")", en -> {
            Arr a = array.at(en);
            double[] v = new double[a.v.length];
            for (int q = 0; q < v.length; q++) {
              double m = Double.NEGATIVE_INFINITY;
              for (double x : a.v[q]) {
                m = Math.max(m, x);
              }
              double s = 0;
              for (double x : a.v[q]) {
                s += Math.exp(x - m);
              }
              v[q] = m + Math.log(s);
            }
            return v;
          });
        }
      }
      X x = genD(depth, ctx);
      switch (k) {
        case 0, 1, 2:
          return call("Gates.sigmoid(#)", x, v -> 1.0 / (1.0 + Math.exp(-v)));
        case 3, 4:
          return call("Gates.relu(#)", x.type() == 'D' ? absSafe(x) : x, v -> v > 0 ? v : 0);
        case 5: {
          double slope = (1 + rnd.nextInt(3)) / 10.0;
          return call("Gates.leakyRelu(#, " + slope + ")", x.type() == 'D' ? absSafe(x) : x,
              v -> v > 0 ? v : slope * v);
        }
        case 11: {
          Fn f = x.f();
          return new X("Gates.stopGradient(" + x.src() + ")", 'D', f);
        }
        default:
          return call("Gates.softplus(#)", x,
              v -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
      }
    }

    // ------------------------------------------------------------ statements outside loops

    /**
     * Draws statements until one runs cleanly on a copy of the state (or falls back to a
     * trivial one), then commits its text and state. Declarations of rejected drafts are undone.
     */
    private void unit(Supplier<St> build, Supplier<St> fallback) {
      int depth = scopes.size();
      int size = scopes.peek().size();
      for (int attempt = 0; attempt < 40; attempt++) {
        try {
          St st = build.get();
          execute(st);
          body.append(st.text());
          model.add(st.run());
          focus = null;
          return;
        } catch (Reject r) {
          while (scopes.size() > depth) {
            scopes.pop();
          }
          List<SVar> top = scopes.peek();
          while (top.size() > size) {
            top.remove(top.size() - 1);
          }
          focus = null;
        }
      }
      St st = fallback.get();
      execute(st);
      body.append(st.text());
      model.add(st.run());
    }

    private void execute(St st) {
      if (!live) {
        return;
      }
      Env trial = env.copy();
      Flow flow = st.run().exec(trial);
      env = trial;
      if (flow == Flow.RETURN) {
        result = trial.returned[0];
        returned = true;
        live = false;
      }
    }

    private void straight(int indent, int nesting) {
      statements++;
      int kind = rnd.nextInt(nesting < 1 && statements < budget ? 17 : 15);
      if (kind == 10 && variables('M', false).isEmpty()
          || kind == 11 && variables('A', true).isEmpty()) {
        kind = 5; // no matrix for a product, no local array to update: another loop
      }
      if (nesting < 1 && kind == 9 && rnd.nextInt(2) == 0) {
        kind = 17; // now and then, at the top, a scratch buffer filled per iteration (GMM)
      }
      if (kind == 4 && !variables('A', true).isEmpty() && rnd.nextInt(2) == 0) {
        unit(() -> jdkWrite(indent, Ctx.TOP), () -> fallbackDeclaration(indent));
        return;
      }
      Supplier<St> fallback = () -> fallbackDeclaration(indent);
      switch (kind) {
        case 0, 1 -> unit(() -> declareDouble(indent), fallback);
        case 2 -> unit(() -> assignScalar(indent), fallback);
        case 3, 4 -> unit(() -> declareArray(indent), fallback);
        case 5, 6, 7, 8, 9 -> unit(() -> loopUnit(indent, () -> loop(indent, Ctx.TOP)), fallback);
        case 10 -> unit(() -> matVec(indent, rnd.nextInt(3) == 0), fallback);
        case 11 -> {
          lastElementwise = null;
          unit(() -> elementwise(indent), fallback);
          if (lastElementwise != null && rnd.nextBoolean()) {
            unit(() -> elementwise(indent), fallback); // two loops over the same indices
          }
        }
        case 12, 13 -> unit(() -> loopUnit(indent, () -> whileUnit(indent, Ctx.TOP)), fallback);
        case 14 -> unit(() -> loopUnit(indent, () -> doWhileUnit(indent, Ctx.TOP)), fallback);
        case 17 -> unit(() -> scratchUnit(indent), fallback);
        default -> ifChain(indent, nesting);
      }
    }

    /** {@code double t = <scalar or array parameter element>;}: cannot fail. */
    private St fallbackDeclaration(int indent) {
      X e = parameterElement();
      SVar t = declare(SVar.scalar(fresh("t"), true));
      Fn f = e.f();
      String name = t.name;
      return new St(pad(indent) + "double " + name + " = " + e.src() + ";\n", en -> {
        en.vars.put(name, f.at(en));
        return Flow.NORMAL;
      });
    }

    /** The first element of the first array parameter: it is never written, and it varies. */
    private X parameterElement() {
      for (SVar p : scopes.peekLast()) {
        if (p.kind == 'A') {
          String name = p.name;
          return new X(name + "[0]", 'D', en -> column(en.arr(name), 0));
        }
        if (p.kind == 'M') {
          String name = p.name;
          return new X(name + "[0][0]", 'D', en -> column(en.mat(name).rows[0], 0));
        }
      }
      for (SVar p : scopes.peekLast()) {
        if (p.kind == 'D') { // a helper without arrays: its scalar parameters are never written
          String name = p.name;
          return new X(name, 'D', scalarFn(name));
        }
      }
      throw new IllegalStateException("no array parameter");
    }

    private SVar declare(SVar v) {
      scopes.peek().add(v);
      return v;
    }

    private St declareDouble(int indent) {
      X e = genD(3, Ctx.TOP);
      SVar t = declare(SVar.scalar(fresh("t"), true));
      return assignment(pad(indent) + "double ", t.name, e);
    }

    private St assignScalar(int indent) {
      SVar target = pickScalar(true);
      if (target == null) {
        return declareDouble(indent);
      }
      X e = genD(3, Ctx.TOP);
      switch (rnd.nextInt(3)) {
        case 0: {
          String name = target.name;
          Fn f = e.f();
          return new St(pad(indent) + name + " += " + e.src() + ";\n", en -> {
            en.vars.put(name, check(Generator.zip(en.scalar(name), f.at(en), Double::sum)));
            return Flow.NORMAL;
          });
        }
        default:
          return assignment(pad(indent), target.name, varying(e));
      }
    }

    /** {@code prefix name = e;} */
    private St assignment(String prefix, String name, X e) {
      Fn f = e.f();
      return new St(prefix + name + " = " + e.src() + ";\n", en -> {
        en.vars.put(name, f.at(en));
        return Flow.NORMAL;
      });
    }

    /** Rejects (when run) a value that does not depend on the arguments. */
    private static X varying(X e) {
      Fn f = e.f();
      return new X(e.src(), e.type(), en -> {
        double[] v = f.at(en);
        for (double x : v) {
          if (x != v[0]) {
            return v;
          }
        }
        if (en.relaxed) {
          return v;
        }
        throw REJECT;
      });
    }

    /**
     * A local array: {@code new double[n]} (then often filled by a loop), a clone, an
     * initializer, or a local matrix.
     */
    private St declareArray(int indent) {
      String p = pad(indent);
      switch (rnd.nextInt(10)) {
        case 0, 1, 2: {
          int[] len = new int[1];
          String lenSrc = lengthExpression(len);
          SVar y = declare(new SVar(fresh("y"), 'A', len[0], 0, true, false));
          String name = y.name;
          int n = len[0];
          St decl = new St(p + "double[] " + name + " = new double[" + lenSrc + "];\n", en -> {
            en.vars.put(name, new Arr(new double[points][n]));
            return Flow.NORMAL;
          });
          return rnd.nextInt(4) == 0 ? decl : concat(decl, fill(indent, y));
        }
        case 3: {
          List<SVar> arrays = variables('A', false);
          if (arrays.isEmpty()) {
            throw REJECT;
          }
          SVar source = pick(arrays);
          SVar y = declare(new SVar(fresh("y"), 'A', source.len, 0, true, false));
          String name = y.name;
          String from = source.name;
          return new St(p + "double[] " + name + " = " + from + ".clone();\n", en -> {
            Arr a = en.arr(from);
            double[][] v = new double[points][];
            for (int q = 0; q < points; q++) {
              v[q] = a.v[q].clone();
            }
            en.vars.put(name, new Arr(v));
            return Flow.NORMAL;
          });
        }
        case 7, 8: {
          // another name for an array, which loops may then point elsewhere (rebind)
          List<SVar> arrays = variables('A', false).stream()
              .filter(v -> !rowNames.contains(v)).toList();
          if (arrays.isEmpty()) {
            throw REJECT;
          }
          // an array that has another of its length, if any: the name can then move to it
          List<SVar> paired = arrays.stream().filter(v -> arrays.stream()
              .anyMatch(w -> w != v && w.len == v.len)).toList();
          SVar source = pick(paired.isEmpty() ? arrays : paired);
          SVar y = declare(new SVar(fresh("y"), 'A', source.len, 0, source.writable, true));
          String name = y.name;
          String from = source.name;
          return new St(p + "double[] " + name + " = " + from + ";\n", en -> {
            en.vars.put(name, en.arr(from));
            return Flow.NORMAL;
          });
        }
        case 4, 5: {
          int n = 2 + rnd.nextInt(3);
          List<X> elements = new ArrayList<>();
          for (int k = 0; k < n; k++) {
            elements.add(genD(2, Ctx.TOP));
          }
          SVar y = declare(new SVar(fresh("y"), 'A', n, 0, true, false));
          String name = y.name;
          String init = rnd.nextBoolean() ? "{" : "new double[] {";
          return new St(p + "double[] " + name + " = " + init + joinSrc(elements) + "};\n",
              en -> {
                en.vars.put(name, arrOf(elements, en));
                return Flow.NORMAL;
              });
        }
        case 6: {
          int[] r = new int[1];
          int[] c = new int[1];
          String rSrc = lengthExpression(r);
          String cSrc = lengthExpression(c);
          if (r[0] * c[0] > 16) {
            throw REJECT;
          }
          SVar q = declare(new SVar(fresh("q"), 'M', r[0], c[0], true, false));
          String name = q.name;
          int rows = r[0];
          int cols = c[0];
          St decl = new St(p + "double[][] " + name + " = new double[" + rSrc + "][" + cSrc
              + "];\n", en -> {
                Arr[] rowArrs = new Arr[rows];
                for (int k = 0; k < rows; k++) {
                  rowArrs[k] = new Arr(new double[points][cols]);
                }
                en.vars.put(name, new Mat(rowArrs));
                return Flow.NORMAL;
              });
          return concat(decl, fillMatrix(indent, q));
        }
        default: {
          // Adjoint reads a shallow clone of a parameter matrix (never written) as that matrix,
          // and rejects clones of local matrices, whose rows are written.
          List<SVar> matrices = variables('M', false).stream().filter(m -> !m.writable).toList();
          if (!matrices.isEmpty() && rnd.nextBoolean()) {
            SVar source = pick(matrices);
            SVar q = declare(new SVar(fresh("q"), 'M', source.len, source.cols, false, false));
            String name = q.name;
            String from = source.name;
            return new St(p + "double[][] " + name + " = " + from + ".clone();\n", en -> {
              en.vars.put(name, new Mat(en.mat(from).rows.clone()));
              return Flow.NORMAL;
            });
          }
          List<List<X>> rowsX = new ArrayList<>();
          for (int k = 0; k < 2; k++) {
            rowsX.add(List.of(genD(2, Ctx.TOP), genD(1, Ctx.TOP)));
          }
          SVar q = declare(new SVar(fresh("q"), 'M', 2, 2, true, false));
          String name = q.name;
          return new St(p + "double[][] " + name + " = {{" + joinSrc(rowsX.get(0)) + "}, {"
              + joinSrc(rowsX.get(1)) + "}};\n", en -> {
                en.vars.put(name, new Mat(new Arr[] {
                    arrOf(rowsX.get(0), en), arrOf(rowsX.get(1), en)}));
                return Flow.NORMAL;
              });
        }
      }
    }

    /**
     * Adds {@code v.length} for an array or matrix, and {@code v[0].length} for a matrix when
     * {@code rows}, with their values.
     */
    private static void addLengths(SVar v, boolean rows, List<String> sources,
        List<Integer> values) {
      if (v.kind == 'A' || v.kind == 'M') {
        sources.add(v.name + ".length");
        values.add(v.len);
      }
      if (v.kind == 'M' && rows) {
        sources.add(v.name + "[0].length");
        values.add(v.cols);
      }
    }

    /** The source of an array length 2..5 (stored in {@code len[0]}). */
    private String lengthExpression(int[] len) {
      List<String> sources = new ArrayList<>();
      List<Integer> values = new ArrayList<>();
      for (SVar v : visible()) {
        addLengths(v, true, sources, values);
        if (v.name.equals("n")) {
          int n = (int) env.scalar("n")[0];
          int plus = rnd.nextInt(2);
          sources.add(plus == 0 ? "n" : "n + 1");
          values.add(n + plus);
        }
      }
      if (sources.isEmpty() || rnd.nextInt(4) == 0) {
        len[0] = 2 + rnd.nextInt(3);
        return Integer.toString(len[0]);
      }
      int k = rnd.nextInt(sources.size());
      len[0] = values.get(k);
      return sources.get(k);
    }

    private static String joinSrc(List<X> xs) {
      StringBuilder s = new StringBuilder();
      for (X x : xs) {
        s.append(s.length() == 0 ? "" : ", ").append(x.src());
      }
      return s.toString();
    }

    private Arr arrOf(List<X> elements, Env en) {
      double[][] v = new double[points][elements.size()];
      for (int k = 0; k < elements.size(); k++) {
        double[] e = elements.get(k).f().at(en);
        for (int q = 0; q < points; q++) {
          v[q][k] = e[q];
        }
      }
      return new Arr(v);
    }

    private static St concat(St a, St b) {
      Run ra = a.run();
      Run rb = b.run();
      return new St(a.text() + b.text(), en -> {
        Flow f = ra.exec(en);
        return f != Flow.NORMAL ? f : rb.exec(en);
      });
    }

    /** {@code for (int i = 0; i < y.length; i++) { y[i] = e(i); ... }} */
    private St fill(int indent, SVar y) {
      Ref ref = ref(y);
      Ctx inner = Ctx.TOP.enter(new Counter(INDEX[0], y.len), y.len, true);
      String i = INDEX[0];
      X index = new X(i, 'I', en -> en.scalar(i));
      scopes.push(new ArrayList<>());
      List<St> parts = new ArrayList<>();
      X value = genD(3, inner);
      if (rnd.nextInt(4) == 0) { // values no argument reaches: an inactive array
        double scale = (1 + rnd.nextInt(9)) / 4.0;
        double shift = (rnd.nextInt(9) - 4) / 4.0;
        value = new X("(" + scale + " * " + i + " + " + shift + ")", 'D',
            en -> Generator.map(en.scalar(i), x -> scale * x + shift));
      }
      parts.add(store(indent + 2, ref, index, "=", value));
      if (rnd.nextInt(3) == 0) {
        parts.add(bodyStatement(indent + 2, inner));
      }
      scopes.pop();
      return counted(indent, i, "0", i + " < " + y.name + ".length", y.len, false, parts);
    }

    /** Nested loops writing every element of a new local matrix. */
    private St fillMatrix(int indent, SVar q) {
      String i = INDEX[0];
      String j = INDEX[1];
      Ctx outer = Ctx.TOP.enter(new Counter(i, q.len), q.len, true);
      Ctx inner = outer.enter(new Counter(j, q.cols), q.cols, true);
      String name = q.name;
      Ref row = new Ref(name + "[" + i + "]", name + "[" + i + "].length", q.cols, true,
          en -> en.mat(name).rows[(int) en.scalar(i)[0]]);
      scopes.push(new ArrayList<>());
      scopes.push(new ArrayList<>());
      St store = store(indent + 4, row, new X(j, 'I', en -> en.scalar(j)), "=",
          genD(3, inner));
      scopes.pop();
      St innerLoop = counted(indent + 2, j, "0", j + " < " + name + "[" + i + "].length",
          q.cols, false, List.of(store));
      scopes.pop();
      return counted(indent, i, "0", i + " < " + name + ".length", q.len, false,
          List.of(innerLoop));
    }

    /** A loop, often after a fresh accumulator that its body updates. */
    private St loopUnit(int indent, Supplier<St> loop) {
      St decl = null;
      if (rnd.nextInt(10) < 7) {
        X init = rnd.nextInt(3) == 0 ? genD(2, Ctx.TOP)
            : literalOf(rnd.nextInt(4) == 0 ? 1.0 : 0.0);
        SVar s = declare(SVar.scalar(fresh("s"), true));
        decl = assignment(pad(indent) + "double ", s.name, init);
        focus = s;
      }
      St walk = null;
      if (rnd.nextInt(4) == 0) {
        String w = fresh("w");
        int start = rnd.nextInt(2);
        walk = new St(pad(indent) + "int " + w + " = " + start + ";\n", en -> {
          en.vars.put(w, filledLike(en, start));
          return Flow.NORMAL;
        });
        walkers.add(w);
      }
      St st;
      try {
        st = loop.get();
      } finally {
        if (walk != null) {
          walkers.remove(walkers.size() - 1);
        }
      }
      if (st == null) {
        throw REJECT;
      }
      st = walk == null ? st : concat(walk, st);
      return decl == null ? st : concat(decl, st);
    }

    /**
     * {@code double[] y = new double[m.length];} and nested loops computing {@code y = m x},
     * sometimes through a row sum, sometimes squashed.
     */
    /**
     * {@code y = m x} by rows ({@code y[i] += m[i][j] * x[j]}), or, {@code transposed}, by
     * columns as cs231n writes a layer ({@code y[i] += m[j][i] * x[j]}, {@code i} over columns).
     */
    private St matVec(int indent, boolean transposed) {
      List<SVar> matrices = variables('M', false);
      if (matrices.isEmpty()) {
        throw REJECT;
      }
      SVar m = pick(matrices);
      String p = pad(indent);
      int outputs = transposed ? m.cols : m.len;
      int inputs = transposed ? m.len : m.cols;
      SVar y = declare(new SVar(fresh("y"), 'A', outputs, 0, true, false));
      String yName = y.name;
      String mName = m.name;
      St decl = new St(p + "double[] " + yName + " = new double[" + mName
          + (transposed ? "[0]" : "") + ".length];\n", en -> {
            en.vars.put(yName, new Arr(new double[points][outputs]));
            return Flow.NORMAL;
          });
      String i = INDEX[0];
      String j = INDEX[1];
      Ctx outer = Ctx.TOP.enter(new Counter(i, outputs), outputs, true);
      Ctx inner = outer.enter(new Counter(j, inputs), inputs, true);
      String r = transposed ? j : i;
      String c = transposed ? i : j;
      Ref row = new Ref(mName + "[" + r + "]", mName + "[" + r + "].length", m.cols, m.writable,
          en -> en.mat(mName).rows[(int) en.scalar(r)[0]]);
      X mij = element(row, new X(c, 'I', en -> en.scalar(c)));
      X factor = vectorFactor(inputs, j, inner);
      String innerTest = j + " < " + mName + (transposed ? "" : "[" + i + "]") + ".length";
      String outerTest = i + " < " + mName + (transposed ? "[0]" : "") + ".length";
      X product = mul(mij, factor);
      X yi = new X(i, 'I', en -> en.scalar(i));
      Ref yRef = ref(y);
      scopes.push(new ArrayList<>());
      List<St> outerBody = new ArrayList<>();
      if (rnd.nextBoolean()) {
        scopes.push(new ArrayList<>());
        St acc = store(indent + 4, yRef, yi, "+=", product);
        scopes.pop();
        outerBody.add(counted(indent + 2, j, "0", innerTest, inputs, false, List.of(acc)));
        if (rnd.nextBoolean()) {
          outerBody.add(store(indent + 2, yRef, yi, "=", squash(element(yRef, yi))));
        }
      } else {
        SVar sum = declare(SVar.scalar(fresh("r"), true));
        outerBody.add(assignment(pad(indent + 2) + "double ", sum.name, literalOf(0.0)));
        scopes.push(new ArrayList<>());
        St acc = accumulate(indent + 4, sum, "+=", product);
        scopes.pop();
        outerBody.add(counted(indent + 2, j, "0", innerTest, inputs, false, List.of(acc)));
        X s = new X(sum.name, 'D', scalarFn(sum.name));
        outerBody.add(store(indent + 2, yRef, yi, "=", rnd.nextBoolean() ? s : squash(s)));
      }
      scopes.pop();
      return concat(decl, counted(indent, i, "0", outerTest, outputs, false, outerBody));
    }

    /** {@code x[j]} for a vector long enough, else {@code x[j % x.length]} or an expression. */
    private X vectorFactor(int cols, String j, Ctx inner) {
      List<SVar> vectors = variables('A', false);
      List<SVar> fitting = new ArrayList<>();
      for (SVar v : vectors) {
        if (v.len >= cols) {
          fitting.add(v);
        }
      }
      X index = new X(j, 'I', en -> en.scalar(j));
      if (!fitting.isEmpty() && rnd.nextInt(4) != 0) {
        return element(ref(pick(fitting)), index);
      }
      if (!vectors.isEmpty() && rnd.nextBoolean()) {
        SVar v = pick(vectors);
        int len = v.len;
        return element(ref(v), new X(j + " % " + v.name + ".length", 'I',
            en -> filled((int) en.scalar(j)[0] % len)));
      }
      return genD(2, inner);
    }

    /** A bounded smooth function of {@code x}: tanh, sin, atan or a logistic-like ratio. */
    private X squash(X x) {
      switch (rnd.nextInt(4)) {
        case 0: return call("Math.tanh(#)", x, Math::tanh);
        case 1: return call("Math.sin(#)", x, Math::sin);
        case 2: return call("Math.atan(#)", x, Math::atan);
        default: return call("(# / (1.0 + Math.abs(#)))", absSafe(x), v -> v / (1.0 + Math.abs(v)));
      }
    }

    /** {@code x} with a check that it stays away from 0 (where |x| has its kink). */
    private static X absSafe(X x) {
      Fn f = x.f();
      return new X(x.src(), x.type(), en -> {
        double[] v = f.at(en);
        Generator.margin(true, Math.abs(v[0]));
        Generator.same(true, Generator.map(v, Math::signum));
        return v;
      });
    }

    /**
     * An element-wise update of a writable local array: {@code y[i] = Math.tanh(y[i])}...; right
     * after another ({@link #lastElementwise}), as often of the same array (a loop over the same
     * indices, which the pullback may run as one loop with the first).
     */
    private St elementwise(int indent) {
      List<SVar> locals = variables('A', true);
      if (locals.isEmpty()) {
        throw REJECT;
      }
      SVar y = lastElementwise != null && locals.contains(lastElementwise) && rnd.nextBoolean()
          ? lastElementwise : pick(locals);
      lastElementwise = y;
      Ref ref = ref(y);
      String i = INDEX[0];
      Ctx inner = Ctx.TOP.enter(new Counter(i, y.len), y.len, true);
      X index = new X(i, 'I', en -> en.scalar(i));
      X yi = element(ref, index);
      scopes.push(new ArrayList<>());
      St update;
      switch (rnd.nextInt(4)) {
        case 0:
          update = store(indent + 2, ref, index, "=", squash(yi));
          break;
        case 1:
          update = store(indent + 2, ref, index, "*=", genD(2, inner));
          break;
        case 2:
          update = store(indent + 2, ref, index, "=",
              add(mul(yi, literalOf(0.5)), genD(2, inner)));
          break;
        default:
          update = store(indent + 2, ref, index, "+=", genD(2, inner));
          break;
      }
      List<St> parts = new ArrayList<>(List.of(update));
      if (rnd.nextInt(3) == 0) {
        parts.add(bodyStatement(indent + 2, inner));
      }
      scopes.pop();
      return counted(indent, i, "0", i + " < " + y.name + ".length", y.len, false, parts);
    }

    /**
     * GMM's scratch buffer: a {@code double[]} made once before the loops, filled element by
     * element at each iteration of a component loop (often inside an outer loop over points)
     * before anything reads it, maybe updated (GMM's triangle), then read back into a sum per
     * component that feeds an accumulator declared before the loops:
     *
     * <pre>
     * int d = u.length;
     * double[] xc = new double[d];
     * double s = 0.0;
     * for (int i = 0; i &lt; m.length; i++) {
     *   for (int c = 0; c &lt; 3; c++) {
     *     for (int j = 0; j &lt; d; j++) { xc[j] = e(i, c, j); }
     *     for (int h = 0; h &lt; d; h++) {
     *       for (int j = h + 1; j &lt; d; j++) { xc[j] += e * xc[h]; }
     *     }
     *     double sq = 0.0;
     *     for (int j = 0; j &lt; d; j++) { sq += xc[j] * xc[j]; }
     *     s += Math.exp(-0.5 * sq);
     *   }
     * }
     * </pre>
     *
     * <p>Now and then: no outer loop; a second buffer filled from the first ({@code qx[j] = e *
     * xc[j]}, GMM's subtract then Qtimesx, the triangle reading {@code xc[h]}); an update of the
     * row instead of the triangle, or neither; the fill's bound {@code j < xc.length}; the buffer
     * read again after the component loop, or left visible to the statements that follow (then
     * it is not a scratch row per component: the processor must keep one array). The expressions
     * that fill and update the buffers do not read them; each body runs at most {@code maxRuns}
     * times in all.
     */
    private St scratchUnit(int indent) {
      String p = pad(indent);
      boolean around = rnd.nextInt(4) != 0;
      boolean two = rnd.nextInt(4) == 0;
      int middle = rnd.nextInt(5); // 0, 1: nothing; 2: an update of the row; 3, 4: the triangle
      List<St> before = new ArrayList<>();
      int[] len = new int[1];
      String width = lengthExpression(len);
      int n = len[0];
      if (rnd.nextBoolean()) { // GMM's int d = ...
        SVar d = declare(new SVar(fresh("d"), 'I', 0, 0, false, false));
        String dName = d.name;
        String src = width;
        before.add(new St(p + "int " + dName + " = " + src + ";\n", en -> {
          en.vars.put(dName, filledLike(en, n));
          return Flow.NORMAL;
        }));
        width = dName;
      }
      int per = middle >= 3 ? Math.max(n, n * (n - 1) / 2) : n;
      int[] hi = new int[1];
      String compBound = smallBound(maxRuns / per, hi);
      if (compBound == null) {
        throw REJECT;
      }
      int comps = hi[0];
      String outerBound = around ? smallBound(maxRuns / (per * comps), hi) : null;
      around = outerBound != null;
      int rounds = around ? hi[0] : 1;
      String i = "i";
      String c = "c";
      String j = "j";
      String h = "h";
      Ctx outer = around ? Ctx.TOP.enter(new Counter(i, rounds), rounds, true) : Ctx.TOP;
      Ctx comp = outer.enter(new Counter(c, comps), comps, true);
      Ctx elem = comp.enter(new Counter(j, n), n, true);
      X jx = new X(j, 'I', en -> en.scalar(j));

      // The buffers and the accumulator are declared before the loops but not yet in scope:
      // the expressions drawn below read neither.
      SVar first = new SVar(fresh(two ? "xc" : "buf"), 'A', n, 0, true, false);
      SVar second = two ? new SVar(fresh("qx"), 'A', n, 0, true, false) : null;
      SVar read = two ? second : first; // the buffer the sum reads
      List<SVar> buffers = two ? List.of(first, second) : List.of(first);
      for (SVar b : buffers) {
        String name = b.name;
        before.add(new St(p + "double[] " + name + " = new double[" + width + "];\n", en -> {
          en.vars.put(name, new Arr(new double[en.points()][n]));
          return Flow.NORMAL;
        }));
      }
      SVar acc = SVar.scalar(fresh("s"), true);
      before.add(assignment(p + "double ", acc.name,
          rnd.nextInt(4) == 0 ? genD(2, Ctx.TOP) : literalOf(0.0)));

      int ci = around ? indent + 2 : indent; // the component loop
      int bi = ci + 2; // its body
      scopes.push(new ArrayList<>());
      List<St> body = new ArrayList<>();
      // the fill: every element written first (its bound now and then buf.length, which the
      // processor takes for a use of the whole array)
      scopes.push(new ArrayList<>());
      String fillBound = j + " < " + (rnd.nextInt(5) == 0 ? first.name + ".length" : width);
      body.add(upward(bi, j, 0, null, fillBound, n,
          List.of(store(bi + 2, ref(first), jx, "=", fillValue(elem)))));
      if (two) { // the second buffer, filled from the first
        X factor = genD(2, elem);
        body.add(upward(bi, j, 0, null, j + " < " + width, n,
            List.of(store(bi + 2, ref(second), jx, "=", mul(factor, element(ref(first), jx))))));
      }
      scopes.pop();
      if (middle == 2) { // an update of the row, from element 0 or 1
        scopes.push(new ArrayList<>());
        Ref r = ref(read);
        X rj = element(r, jx);
        St update;
        switch (rnd.nextInt(4)) {
          case 0:
            update = store(bi + 2, r, jx, "=", add(mul(rj, literalOf(0.5)), genD(2, elem)));
            break;
          case 1:
            update = store(bi + 2, r, jx, "*=", genD(2, elem));
            break;
          case 2:
            update = store(bi + 2, r, jx, "=", squash(rj));
            break;
          default:
            update = store(bi + 2, r, jx, "+=", genD(2, elem));
            break;
        }
        scopes.pop();
        body.add(upward(bi, j, rnd.nextInt(2), null, j + " < " + width, n,
            List.of(update)));
      } else if (middle >= 3) { // GMM's triangle: read[j] += e * first[h] for h < j
        Ctx row = comp.enter(new Counter(h, n), n, true);
        Ctx tri = row.enter(new Counter(j, n), n, true);
        scopes.push(new ArrayList<>());
        scopes.push(new ArrayList<>());
        X term = mul(genD(2, tri), element(ref(first), new X(h, 'I', en -> en.scalar(h))));
        Ref r = ref(read);
        St update = rnd.nextBoolean() ? store(bi + 4, r, jx, "+=", term)
            : store(bi + 4, r, jx, "=", add(element(r, jx), term));
        scopes.pop();
        St inner = upward(bi + 2, j, 0, h, j + " < " + width, n, List.of(update));
        scopes.pop();
        body.add(upward(bi, h, 0, null, h + " < " + width, n, List.of(inner)));
      }
      // the read: a nonlinear sum over the row, then into the accumulator
      SVar sq = declare(SVar.scalar(fresh("sq"), true));
      body.add(assignment(pad(bi) + "double ", sq.name, literalOf(0.0)));
      X sqx = new X(sq.name, 'D', scalarFn(sq.name));
      scopes.push(new ArrayList<>());
      X rj = element(ref(read), jx);
      boolean nonNegative = true;
      X term;
      switch (rnd.nextInt(6)) {
        case 0:
          term = call("Math.log(1.0 + # * #)", rj, v -> Math.log(1.0 + v * v));
          break;
        case 1:
          term = call("(Math.tanh(#) * #)", rj, v -> Math.tanh(v) * v);
          break;
        case 2:
          term = mul(mul(rj, rj), genD(1, elem));
          nonNegative = false;
          break;
        default:
          term = mul(rj, rj);
          break;
      }
      St sum = rnd.nextInt(3) == 0 ? assignTo(bi + 2, sq, add(sqx, term))
          : accumulate(bi + 2, sq, "+=", term);
      scopes.pop();
      body.add(upward(bi, j, 0, null, j + " < " + width, n, List.of(sum)));
      X gain;
      switch (rnd.nextInt(7)) {
        case 0:
          gain = mul(sqx, genD(1, comp));
          break;
        case 1:
          gain = mul(call("Math.sin(#)", sqx, Math::sin), element(ref(first),
              index(n, width.contains(" ") ? "(" + width + ")" : width, comp)));
          break;
        case 2:
          gain = nonNegative ? call("Math.log(1.0 + #)", sqx, v -> Math.log(1.0 + v))
              : call("Math.sqrt(1.0 + # * #)", sqx, v -> Math.sqrt(1.0 + v * v));
          break;
        case 3:
          gain = sqx;
          break;
        default:
          gain = call("Math.exp(-0.5 * #)", sqx, v -> Math.exp(-0.5 * v));
          break;
      }
      body.add(intoAccumulator(bi, acc, gain));
      scopes.pop();
      St loops = upward(ci, c, 0, null, c + " < " + compBound, comps, body);
      // now and then the buffer read again after the component loop: one array, not rows
      St after = null;
      if (rnd.nextInt(5) == 0) {
        Ref r = ref(rnd.nextBoolean() ? first : read);
        after = intoAccumulator(ci, acc, mul(element(r, index(n, r.lengthSrc(), outer)),
            element(r, index(n, r.lengthSrc(), outer))));
      }
      if (around) {
        List<St> parts = after == null ? List.of(loops) : List.of(loops, after);
        loops = upward(indent, i, 0, null, i + " < " + outerBound, rounds, parts);
      } else if (after != null) {
        loops = concat(loops, after);
      }
      // in scope from here on: the accumulator, and now and then the buffers
      if (rnd.nextInt(4) == 0) {
        buffers.forEach(this::declare);
      }
      declare(acc);
      St st = loops;
      for (int k = before.size() - 1; k >= 0; k--) {
        st = concat(before.get(k), st);
      }
      return st;
    }

    /**
     * The value of a buffer's element {@code j}: any expression, or GMM's centring of a point
     * by a mean, {@code x[i][j] - mu[c][j]}, maybe scaled ({@code w[j] * (x[i][j] - mu[c][j])}).
     */
    private X fillValue(Ctx elem) {
      switch (rnd.nextInt(3)) {
        case 0:
          return arithmetic("-", elementOrScalar(elem), elementOrScalar(elem));
        case 1:
          return mul(genD(1, elem), arithmetic("-", elementOrScalar(elem), genD(1, elem)));
        default:
          return genD(3, elem);
      }
    }

    /** {@code s += e}, {@code s -= e} or {@code s = s + e}: a sum, as fused loops need. */
    private St intoAccumulator(int indent, SVar s, X e) {
      switch (rnd.nextInt(5)) {
        case 0:
          return accumulate(indent, s, "-=", e);
        case 1:
          return assignTo(indent, s, add(new X(s.name, 'D', scalarFn(s.name)), e));
        default:
          return accumulate(indent, s, "+=", e);
      }
    }

    /**
     * A small loop bound at most {@code max}: an array's length, a matrix's row length,
     * {@code n} or a literal 2 or 3 (its value in {@code hi[0]}); null if none fits.
     */
    private String smallBound(int max, int[] hi) {
      List<String> sources = new ArrayList<>();
      List<Integer> values = new ArrayList<>();
      for (SVar v : visible()) {
        // a row's length now and then: not a count ScratchRows knows
        addLengths(v, v.kind != 'M' || rnd.nextInt(3) == 0, sources, values);
        if (v.kind == 'I' && v.name.equals("n")) {
          sources.add("n");
          values.add((int) env.scalar("n")[0]);
        }
      }
      if (sources.isEmpty() || rnd.nextInt(3) == 0) {
        int literal = 2 + rnd.nextInt(2);
        sources.add(Integer.toString(literal));
        values.add(literal);
      }
      List<Integer> ok = new ArrayList<>();
      for (int k = 0; k < values.size(); k++) {
        if (values.get(k) <= max) {
          ok.add(k);
        }
      }
      if (ok.isEmpty()) {
        return null;
      }
      int k = pick(ok);
      hi[0] = values.get(k);
      return sources.get(k);
    }

    /**
     * {@code for (int j = from; bound; j++)}, or from {@code after + 1} if {@code after} is not
     * null, running j up to {@code hi - 1}; uncounted by {@link #tick} (its caller bounds it).
     */
    private static St upward(int indent, String j, int from, String after, String bound, int hi,
        List<St> parts) {
      Run body = seq(parts);
      String start = after == null ? Integer.toString(from) : after + " + 1";
      String header = "for (int " + j + " = " + start + "; " + bound + "; " + j + "++)";
      return new St(loopText(indent, header, parts), en -> {
        for (int k = after == null ? from : (int) en.scalar(after)[0] + 1; k < hi; k++) {
          en.vars.put(j, filledLike(en, k));
          Flow flow = body.exec(en);
          if (flow != Flow.NORMAL) {
            return flow;
          }
        }
        return Flow.NORMAL;
      });
    }

    /**
     * if / else if / else outside loops, with conditions drawn against the current values; as
     * in {@link Generator}, one branch of a chain with a final else never returns.
     */
    private void ifChain(int indent, int nesting) {
      int conditions = 1 + rnd.nextInt(2);
      boolean hasElse = rnd.nextBoolean();
      int branches = conditions + (hasElse ? 1 : 0);
      int open = hasElse ? rnd.nextInt(branches) : -1;
      boolean outer = live;
      int taken = -1;
      List<String> conds = new ArrayList<>();
      for (int i = 0; i < conditions; i++) {
        boolean condLive = outer && taken == -1;
        X c = null;
        for (int attempt = 0; attempt < 40 && c == null; attempt++) {
          X draft = genB(2, Ctx.TOP);
          try {
            if (condLive) {
              draft.f().at(env);
            }
            c = draft;
          } catch (Reject r) {
            // draw again
          }
        }
        if (c == null) {
          c = constantCondition();
        }
        conds.add(c.src());
        if (condLive && c.f().at(env)[0] != 0) {
          taken = i;
        }
      }
      if (outer && taken == -1 && hasElse) {
        taken = conditions;
      }
      for (int i = 0; i < branches; i++) {
        body.append(pad(indent)).append(i == 0 ? "if (" + conds.get(0) + ") {"
            : i < conditions ? "} else if (" + conds.get(i) + ") {" : "} else {").append('\n');
        live = outer && i == taken;
        scopes.push(new ArrayList<>());
        boolean returns = i != open && rnd.nextInt(5) < 2;
        int count = returns ? rnd.nextInt(2) : 1 + rnd.nextInt(2);
        for (int s = 0; s < count && (s == 0 || statements < budget); s++) {
          straight(indent + 2, nesting + 1);
        }
        if (returns) {
          returnStatement(indent + 2);
        }
        scopes.pop();
      }
      body.append(pad(indent)).append("}\n");
      live = outer && !returned;
    }

    /** {@code (C0 < c)} or {@code (1 < 2)}-like: a condition that cannot fail its checks. */
    private X constantCondition() {
      return new X("(0.5 < 1.0)", 'B', en -> filled(1));
    }

    private void returnStatement(int indent) {
      unit(() -> returnOf(indent, genD(3, Ctx.TOP)),
          () -> returnOf(indent, parameterElement()));
    }

    /**
     * The final return, usually combining what the loops computed (local scalars and elements
     * of local arrays) with more.
     */
    private void finalReturn(int indent) {
      unit(() -> {
        List<X> results = new ArrayList<>();
        for (SVar v : visible()) {
          if (scopes.peekLast().contains(v)) {
            continue; // a parameter
          }
          if (v.kind == 'D' && v.assignable) {
            results.add(new X(v.name, 'D', scalarFn(v.name)));
          } else if ((v.kind == 'A' || v.kind == 'M') && v.writable) {
            Ref r = pickRefOf(v, Ctx.TOP);
            results.add(element(r, index(r.len(), r.lengthSrc(), Ctx.TOP)));
          }
        }
        X e;
        if (!results.isEmpty() && rnd.nextInt(4) != 0) {
          e = pick(results);
          if (results.size() > 1 && rnd.nextBoolean()) {
            e = add(e, mul(pick(results), literal()));
          }
          if (rnd.nextBoolean()) {
            e = add(e, genD(2, Ctx.TOP));
          }
        } else {
          e = genD(3, Ctx.TOP);
        }
        return returnOf(indent, e);
      }, () -> returnOf(indent, parameterElement()));
    }

    /**
     * The end of a vector helper: a new {@code double[]} of two values, returned; calls read
     * element 0 (the value the model follows), element 1 is checked and unused.
     */
    private void vectorReturn(int indent) {
      unit(() -> {
        X first = genD(3, Ctx.TOP);
        X second = genD(2, Ctx.TOP);
        String out = fresh("out");
        Fn f = varying(first).f();
        Fn g = second.f();
        return new St(pad(indent) + "double[] " + out + " = new double[2];\n"
            + pad(indent) + out + "[0] = " + first.src() + ";\n"
            + pad(indent) + out + "[1] = " + second.src() + ";\n"
            + pad(indent) + "return " + out + ";\n", en -> {
              g.at(en);
              en.returned = f.at(en);
              return Flow.RETURN;
            });
      }, () -> {
        X e = parameterElement();
        Fn f = varying(e).f();
        String out = fresh("out");
        return new St(pad(indent) + "double[] " + out + " = {" + e.src() + ", 0.0};\n"
            + pad(indent) + "return " + out + ";\n", en -> {
              en.returned = f.at(en);
              return Flow.RETURN;
            });
      });
    }

    private St returnOf(int indent, X e) {
      Fn f = varying(e).f();
      return new St(pad(indent) + "return " + e.src() + ";\n", en -> {
        en.returned = f.at(en);
        return Flow.RETURN;
      });
    }

    // ------------------------------------------------------------ loops

    /** One more loop-body execution in the current statement; too many rejects it. */
    private static void tick(Env en) {
      if (++en.runs > 2 * RUNS) {
        throw REJECT;
      }
    }

    /** A loop of a random kind; its body is drawn from the loop-body statements. */
    private St loop(int indent, Ctx ctx) {
      for (int attempt = 0; attempt < 10; attempt++) {
        St st;
        switch (rnd.nextInt(11)) {
          case 0, 1, 2, 3 -> st = countedLoop(indent, ctx);
          case 4 -> st = reverseLoop(indent, ctx);
          case 5, 6 -> st = enhancedLoop(indent, ctx);
          case 7 -> st = whileUnit(indent, ctx);
          case 8 -> st = doWhileUnit(indent, ctx);
          default -> st = matrixLoop(indent, ctx);
        }
        if (st != null) {
          return st;
        }
      }
      throw REJECT;
    }

    /**
     * A counted loop {@code for (int i = start; ...; i++ or i--)} running its body {@code hi}
     * times with i = 0, 1, ... (or hi - 1 down to 0 if {@code reverse}).
     */
    private static St counted(int indent, String header, String i, int hi, boolean reverse,
        List<St> parts) {
      return counted(indent, header, i, hi, reverse, 1, parts);
    }

    /** As above, by {@code step}: i = 0, step, 2 step, ... below {@code hi}. */
    private static St counted(int indent, String header, String i, int hi, boolean reverse,
        int step, List<St> parts) {
      Run body = seq(parts);
      StringBuilder text = new StringBuilder(pad(indent)).append(header).append(" {\n");
      for (St part : parts) {
        text.append(part.text());
      }
      text.append(pad(indent)).append("}\n");
      return new St(text.toString(), en -> {
        for (int k = 0; k < hi; k += step) {
          en.vars.put(i, filledLike(en, reverse ? hi - 1 - k : k));
          tick(en);
          Flow flow = body.exec(en);
          if (flow == Flow.RETURN) {
            return flow;
          }
          if (flow == Flow.BREAK) {
            break;
          }
        }
        return Flow.NORMAL;
      });
    }

    private St counted(int indent, String i, String start, String condition, int hi,
        boolean reverse, List<St> parts) {
      // now and then a stride, as users write pairs and triples: i += 2, i = i + 3
      int step = reverse || rnd.nextInt(4) != 0 ? 1 : 2 + rnd.nextInt(2);
      String update = reverse ? "--" : step == 1 ? "++"
          : rnd.nextBoolean() ? " += " + step : " = " + i + " + " + step;
      String header = "for (int " + i + " = " + start + "; " + condition + "; " + i + update
          + ")";
      return counted(indent, header, i, hi, reverse, step, parts);
    }

    /** An int value at every point of {@code en}'s arrays (the generator's point count). */
    private static double[] filledLike(Env en, int value) {
      double[] v = new double[en.points()];
      Arrays.fill(v, value);
      return v;
    }

    private static Run seq(List<St> parts) {
      Run[] runs = new Run[parts.size()];
      for (int k = 0; k < runs.length; k++) {
        runs[k] = parts.get(k).run();
      }
      return en -> {
        for (Run r : runs) {
          Flow flow = r.exec(en);
          if (flow != Flow.NORMAL) {
            return flow;
          }
        }
        return Flow.NORMAL;
      };
    }

    /** The body of a loop: an update first, then up to two more statements. */
    private List<St> loopBody(int indent, Ctx inner) {
      List<St> parts = new ArrayList<>();
      parts.add(effect(indent, inner));
      int more = rnd.nextInt(3);
      for (int k = 0; k < more; k++) {
        parts.add(bodyStatement(indent, inner));
      }
      return parts;
    }

    /** {@code for (int i = 0; i < bound; i++)} over an array length, n or a literal. */
    private St countedLoop(int indent, Ctx ctx) {
      if (ctx.depth() >= INDEX.length) {
        return null;
      }
      String i = INDEX[ctx.depth()];
      List<String> bounds = new ArrayList<>();
      List<Integer> his = new ArrayList<>();
      for (SVar v : visible()) {
        if (v.kind == 'A' || v.kind == 'M') {
          bounds.add(i + " < " + v.name + ".length");
          his.add(v.len);
        }
        if (v.kind == 'M') {
          for (Counter c : ctx.counters()) {
            if (c.hi() <= v.len) {
              bounds.add(i + " < " + v.name + "[" + c.name() + "].length");
              his.add(v.cols);
            }
          }
        }
        if (v.name.equals("n") && v.kind == 'I') {
          int n = (int) env.scalar("n")[0];
          int plus = rnd.nextInt(3);
          bounds.add(plus == 0 ? i + " < n" : plus == 1 ? i + " < n + 1" : i + " <= n");
          his.add(plus == 0 ? n : n + 1);
        }
      }
      int literal = 2 + rnd.nextInt(4);
      bounds.add(i + " < " + literal);
      his.add(literal);
      List<Integer> ok = new ArrayList<>();
      for (int k = 0; k < his.size(); k++) {
        if (ctx.runs() * his.get(k) <= maxRuns) {
          ok.add(k);
        }
      }
      if (ok.isEmpty()) {
        return null;
      }
      int k = pick(ok);
      int hi = his.get(k);
      Ctx inner = ctx.enter(new Counter(i, hi), hi, true);
      scopes.push(new ArrayList<>());
      List<St> parts = loopBody(indent + 2, inner);
      scopes.pop();
      return counted(indent, i, "0", bounds.get(k), hi, false, parts);
    }

    /** {@code for (int i = x.length - 1; i >= 0; i--)}. */
    private St reverseLoop(int indent, Ctx ctx) {
      if (ctx.depth() >= INDEX.length) {
        return null;
      }
      List<SVar> arrays = new ArrayList<>();
      for (SVar v : visible()) {
        if ((v.kind == 'A' || v.kind == 'M') && ctx.runs() * v.len <= maxRuns) {
          arrays.add(v);
        }
      }
      if (arrays.isEmpty()) {
        return null;
      }
      SVar a = pick(arrays);
      String i = INDEX[ctx.depth()];
      Ctx inner = ctx.enter(new Counter(i, a.len), a.len, true);
      scopes.push(new ArrayList<>());
      List<St> parts = loopBody(indent + 2, inner);
      scopes.pop();
      return counted(indent, i, a.name + ".length - 1", i + " >= 0", a.len, true, parts);
    }

    /** {@code for (double e : x)} or {@code for (double[] row : m)} (row aliases the row). */
    private St enhancedLoop(int indent, Ctx ctx) {
      List<SVar> matrices = new ArrayList<>();
      for (SVar m : variables('M', false)) {
        if (ctx.runs() * m.len <= maxRuns) {
          matrices.add(m);
        }
      }
      boolean rows = !matrices.isEmpty() && rnd.nextInt(3) == 0;
      if (rows) {
        SVar m = pick(matrices);
        SVar row = new SVar(fresh("row"), 'A', m.cols, 0, m.writable, false);
        rowNames.add(row);
        Ctx inner = ctx.enter(null, m.len, true);
        scopes.push(new ArrayList<>(List.of(row)));
        List<St> parts = loopBody(indent + 2, inner);
        scopes.pop();
        String mName = m.name;
        String rowName = row.name;
        Run body = seq(parts);
        return new St(loopText(indent, "for (double[] " + rowName + " : " + mName + ")", parts),
            en -> {
              Mat mat = en.mat(mName);
              for (Arr r : mat.rows) {
                en.vars.put(rowName, r);
                tick(en);
                Flow flow = body.exec(en);
                if (flow == Flow.RETURN) {
                  return flow;
                }
                if (flow == Flow.BREAK) {
                  break;
                }
              }
              return Flow.NORMAL;
            });
      }
      Ref ref = pickRef(ctx, false);
      if (ref == null || ctx.runs() * ref.len() > maxRuns) {
        return null;
      }
      SVar e = SVar.scalar(fresh("e"), false);
      Ctx inner = ctx.enter(null, ref.len(), true);
      scopes.push(new ArrayList<>(List.of(e)));
      List<St> parts = new ArrayList<>(loopBody(indent + 2, inner));
      SVar iterated = visible().stream()
          .filter(v -> v.kind == 'A' && v.assignable && v.name.equals(ref.src()))
          .findFirst().orElse(null);
      St moved = iterated == null || rnd.nextBoolean() ? null : rebind(indent + 2, iterated);
      if (moved != null) {
        parts.add(rnd.nextInt(parts.size() + 1), moved); // Java iterates the array taken first
      }
      scopes.pop();
      String eName = e.name;
      ArrFn array = ref.f();
      Run body = seq(parts);
      return new St(loopText(indent, "for (double " + eName + " : " + ref.src() + ")", parts),
          en -> {
            Arr a = array.at(en); // evaluated once; element k is read before iteration k
            for (int k = 0; k < a.length(); k++) {
              en.vars.put(eName, column(a, k));
              tick(en);
              Flow flow = body.exec(en);
              if (flow == Flow.RETURN) {
                return flow;
              }
              if (flow == Flow.BREAK) {
                break;
              }
            }
            return Flow.NORMAL;
          });
    }

    private static String loopText(int indent, String header, List<St> parts) {
      StringBuilder text = new StringBuilder(pad(indent)).append(header).append(" {\n");
      for (St part : parts) {
        text.append(part.text());
      }
      return text.append(pad(indent)).append("}\n").toString();
    }

    /** Nested loops over the elements of a matrix. */
    private St matrixLoop(int indent, Ctx ctx) {
      if (ctx.depth() + 1 >= INDEX.length) {
        return null;
      }
      List<SVar> matrices = new ArrayList<>();
      for (SVar m : variables('M', false)) {
        if (ctx.runs() * m.len * m.cols <= maxRuns) {
          matrices.add(m);
        }
      }
      if (matrices.isEmpty()) {
        return null;
      }
      SVar m = pick(matrices);
      String i = INDEX[ctx.depth()];
      String j = INDEX[ctx.depth() + 1];
      Ctx outer = ctx.enter(new Counter(i, m.len), m.len, true);
      Ctx inner = outer.enter(new Counter(j, m.cols), m.cols, true);
      scopes.push(new ArrayList<>());
      List<St> outerParts = new ArrayList<>();
      if (rnd.nextInt(3) == 0) {
        outerParts.add(declareLocal(indent + 2, outer));
      }
      scopes.push(new ArrayList<>());
      List<St> innerParts = loopBody(indent + 4, inner);
      scopes.pop();
      outerParts.add(counted(indent + 2, j, "0", j + " < " + m.name + "[" + i + "].length",
          m.cols, false, innerParts));
      if (rnd.nextInt(3) == 0) {
        outerParts.add(bodyStatement(indent + 2, outer));
      }
      scopes.pop();
      return counted(indent, i, "0", i + " < " + m.name + ".length", m.len, false, outerParts);
    }

    /**
     * {@code double t = 0; int k = 0; while (t < T && k < K) { t += 0.3 + e * e; ...; k++; }}
     * (the trip count depends on values), or {@code while (k < K && cond) { ...; k++; }}.
     */
    private St whileUnit(int indent, Ctx ctx) {
      int trips = Math.min(3 + rnd.nextInt(10), maxRuns / ctx.runs());
      if (trips < 2) {
        return null;
      }
      boolean progress = rnd.nextBoolean();
      String p = pad(indent);
      String k = fresh("k");
      Counter counter = new Counter(k, trips);
      Ctx inner = ctx.enter(counter, trips, false); // continue would skip k++
      StringBuilder text = new StringBuilder();
      List<St> parts = new ArrayList<>();
      X condition;
      SVar t = null;
      if (progress) {
        t = declare(SVar.scalar(fresh("t"), true));
        text.append(p).append("double ").append(t.name).append(" = 0.0;\n");
        double bound = (10 + rnd.nextInt(30)) / 10.0;
        X tv = new X(t.name, 'D', scalarFn(t.name));
        condition = and(compare(tv, "<", literalOf(bound)), intLess(k, trips));
      } else {
        condition = and(intLess(k, trips), genB(1, ctx));
      }
      declare(new SVar(k, 'I', 0, 0, false, false));
      text.append(p).append("int ").append(k).append(" = 0;\n");
      scopes.push(new ArrayList<>());
      if (progress) {
        X step = rnd.nextInt(3) == 0 ? genD(1, inner) : elementOrScalar(inner);
        parts.add(accumulate(indent + 2, t, "+=", add(literalOf(0.3), mul(step, step))));
        int more = rnd.nextInt(3);
        for (int s = 0; s < more; s++) {
          parts.add(bodyStatement(indent + 2, inner));
        }
      } else {
        parts.addAll(loopBody(indent + 2, inner));
      }
      parts.add(increment(indent + 2, k));
      scopes.pop();
      Run body = seq(parts);
      Fn cond = condition.f();
      String tName = t == null ? null : t.name;
      text.append(loopText(indent, "while (" + condition.src() + ")", parts));
      boolean mustRun = !ctx.inLoop();
      return new St(text.toString(), en -> {
        if (tName != null) {
          en.vars.put(tName, filledLike(en, 0));
        }
        en.vars.put(k, filledLike(en, 0));
        if (mustRun && !en.relaxed && cond.at(en)[0] == 0) {
          throw REJECT; // a loop that never runs
        }
        while (cond.at(en)[0] != 0) {
          tick(en);
          Flow flow = body.exec(en);
          if (flow == Flow.RETURN) {
            return flow;
          }
          if (flow == Flow.BREAK) {
            break;
          }
        }
        return Flow.NORMAL;
      });
    }

    /** {@code int k = 0; do { ...; k++; } while (k < K [&& cond]);} */
    private St doWhileUnit(int indent, Ctx ctx) {
      int trips = Math.min(2 + rnd.nextInt(8), maxRuns / ctx.runs());
      if (trips < 1) {
        return null;
      }
      String k = fresh("k");
      // The condition sees only variables declared outside the body.
      X extra = rnd.nextBoolean() ? genB(1, ctx) : null;
      declare(new SVar(k, 'I', 0, 0, false, false));
      Ctx inner = ctx.enter(new Counter(k, trips), trips, false);
      scopes.push(new ArrayList<>());
      List<St> parts = loopBody(indent + 2, inner);
      parts.add(increment(indent + 2, k));
      scopes.pop();
      X bound = intLess(k, trips);
      X condition = extra == null ? bound : and(bound, extra);
      Run body = seq(parts);
      Fn cond = condition.f();
      StringBuilder text = new StringBuilder(pad(indent)).append("int ").append(k)
          .append(" = 0;\n").append(pad(indent)).append("do {\n");
      for (St part : parts) {
        text.append(part.text());
      }
      text.append(pad(indent)).append("} while (").append(condition.src()).append(");\n");
      return new St(text.toString(), en -> {
        en.vars.put(k, filledLike(en, 0));
        do {
          tick(en);
          Flow flow = body.exec(en);
          if (flow == Flow.RETURN) {
            return flow;
          }
          if (flow == Flow.BREAK) {
            break;
          }
        } while (cond.at(en)[0] != 0);
        return Flow.NORMAL;
      });
    }

    /** {@code k < K} on an int counter. */
    private X intLess(String k, int bound) {
      return new X(k + " < " + bound, 'B', en -> filledLike(en, en.scalar(k)[0] < bound ? 1 : 0));
    }

    /** {@code k++;} */
    private static St increment(int indent, String k) {
      return new St(pad(indent) + k + "++;\n", en -> {
        double[] v = en.scalar(k).clone();
        for (int q = 0; q < v.length; q++) {
          v[q] += 1;
        }
        en.vars.put(k, v);
        return Flow.NORMAL;
      });
    }

    // ------------------------------------------------------------ loop-body statements

    /** An update: an accumulation into a scalar or a write into a local array. */
    private St effect(int indent, Ctx ctx) {
      Ref target = pickRef(ctx, true);
      SVar acc = pickAccumulator();
      if (target != null && (acc == null || rnd.nextInt(3) == 0)) {
        return arrayWrite(indent, ctx, target);
      }
      if (acc == null) {
        throw REJECT;
      }
      return accumulateStatement(indent, ctx, acc);
    }

    private St bodyStatement(int indent, Ctx ctx) {
      if (!walkers.isEmpty() && rnd.nextInt(3) == 0) {
        return walkerStatement(indent, ctx);
      }
      boolean nest = ctx.depth() < 2;
      switch (rnd.nextInt(nest ? 14 : 12)) {
        case 0, 1, 2, 3:
          return effect(indent, ctx);
        case 4: {
          Ref target = pickRef(ctx, true);
          return target == null ? effect(indent, ctx) : arrayWrite(indent, ctx, target);
        }
        case 5:
          return declareLocal(indent, ctx);
        case 6, 7:
          return rnd.nextInt(3) == 0 ? switchStatement(indent, ctx) : ifElse(indent, ctx);
        case 8, 9:
          return jump(indent, ctx);
        case 10: {
          Ref target = pickRef(ctx, true);
          SVar acc = pickAccumulator();
          if (target != null && (acc == null || rnd.nextBoolean())) {
            X index = index(target.len(), target.lengthSrc(), ctx);
            return store(indent, target, index, "++", null);
          }
          return acc == null ? effect(indent, ctx) : accumulate(indent, acc, "++", null);
        }
        case 11: {
          if (rnd.nextInt(3) == 0 && !variables('A', true).isEmpty()) {
            return jdkWrite(indent, ctx);
          }
          St rebind = rebind(indent);
          return rebind == null ? effect(indent, ctx) : rebind;
        }
        default:
          return ctx.runs() * 2 > maxRuns ? effect(indent, ctx) : loop(indent, ctx);
      }
    }

    /**
     * A fill or copy through the JDK into a local array: {@code java.util.Arrays.fill(y, e)},
     * {@code java.util.Arrays.fill(y, a, b, e)}, or {@code System.arraycopy(u, a, y, b, n)}, where
     * {@code u} may be {@code y} itself (the JDK copies as if through a temporary array).
     */
    private St jdkWrite(int indent, Ctx ctx) {
      List<SVar> targets = variables('A', true).stream()
          .filter(v -> !rowNames.contains(v)).toList();
      if (targets.isEmpty()) {
        throw REJECT;
      }
      SVar y = pick(targets);
      String name = y.name;
      if (rnd.nextBoolean()) {
        X e = genD(3, ctx);
        boolean range = rnd.nextBoolean();
        int from = range ? rnd.nextInt(y.len + 1) : 0;
        int to = range ? from + rnd.nextInt(y.len - from + 1) : y.len;
        Fn f = e.f();
        String text = "java.util.Arrays.fill(" + name + (range ? ", " + from + ", " + to : "")
            + ", " + e.src() + ");";
        return new St(pad(indent) + text + "\n", en -> {
          Arr a = en.arr(name);
          double[] v = check(f.at(en));
          for (int q = 0; q < a.v.length; q++) {
            Arrays.fill(a.v[q], from, to, v[q]);
          }
          return Flow.NORMAL;
        });
      }
      List<SVar> sources = visible().stream()
          .filter(v -> v.kind == 'A' && !rowNames.contains(v)).toList();
      SVar u = pick(sources);
      int n = rnd.nextInt(Math.min(u.len, y.len) + 1);
      int from = rnd.nextInt(u.len - n + 1);
      int to = rnd.nextInt(y.len - n + 1);
      String source = u.name;
      String text = "System.arraycopy(" + source + ", " + from + ", " + name + ", " + to + ", "
          + n + ");";
      return new St(pad(indent) + text + "\n", en -> {
        Arr src = en.arr(source);
        Arr dest = en.arr(name);
        for (int q = 0; q < dest.v.length; q++) {
          System.arraycopy(src.v[q], from, dest.v[q], to, n);
        }
        return Flow.NORMAL;
      });
    }

    /**
     * An array name pointed at another array of its length, {@code y = u} (writable if {@code y}
     * is written through), or null if none fits. Not at a matrix row: {@code y = m[i]} and
     * {@code y = row} are refused ({@code [adjoint.array]}, {@code [adjoint.array-alias]}: a
     * row is a value only in its own declaration).
     */
    private St rebind(int indent) {
      List<SVar> names = variables('A', false).stream().filter(v -> v.assignable).toList();
      return names.isEmpty() ? null : rebind(indent, pick(names));
    }

    /** {@code y = u}, {@code u} another array of {@code y}'s length; null if there is none. */
    private St rebind(int indent, SVar y) {
      List<SVar> sources = new ArrayList<>();
      for (SVar v : visible()) {
        if (v != y && v.kind == 'A' && v.len == y.len && (v.writable || !y.writable)
            && !rowNames.contains(v)) {
          sources.add(v);
        }
      }
      if (sources.isEmpty()) {
        return null;
      }
      String name = y.name;
      String source = pick(sources).name;
      return new St(pad(indent) + name + " = " + source + ";\n", en -> {
        en.vars.put(name, en.arr(source));
        return Flow.NORMAL;
      });
    }

    /**
     * A walker moved: {@code w++}, {@code w += 2}, {@code w--}, {@code if (c) w++}, or moved inside
     * an expression, {@code s += e * y[w++]} and {@code y[w++] = e}, with {@code e} not naming
     * {@code w} (Java evaluates the index, then moves {@code w}).
     */
    private St walkerStatement(int indent, Ctx ctx) {
      String w = pick(walkers);
      switch (rnd.nextInt(8)) {
        case 0:
          return step(indent, w, 1, w + "++;");
        case 1:
          return step(indent, w, 2, w + " += 2;");
        case 2:
          return step(indent, w, -1, w + "--;");
        case 3: {
          X c = genB(1, ctx);
          Fn cond = c.f();
          Run moved = step(indent + 2, w, 1, w + "++;").run();
          return new St(pad(indent) + "if (" + c.src() + ") {\n" + pad(indent + 2) + w
              + "++;\n" + pad(indent) + "}\n",
              en -> cond.at(en)[0] != 0 ? moved.exec(en) : Flow.NORMAL);
        }
        default:
          return movedInside(indent, ctx, w);
      }
    }

    /** {@code w += by;} written as {@code text}. */
    private static St step(int indent, String w, int by, String text) {
      return new St(pad(indent) + text + "\n", en -> {
        en.vars.put(w, filledLike(en, (int) en.scalar(w)[0] + by));
        return Flow.NORMAL;
      });
    }

    /** {@code s += e * y[w++];} or {@code y[w++] = e;}. */
    private St movedInside(int indent, Ctx ctx, String w) {
      SVar acc = pickAccumulator();
      boolean store = acc == null || rnd.nextBoolean();
      walkersHidden = true;
      Ref ref;
      X e;
      try {
        ref = pickRef(ctx, store);
        e = genD(2, ctx);
      } finally {
        walkersHidden = false;
      }
      if (ref == null) {
        return effect(indent, ctx);
      }
      X at = element(ref, new X(w, 'I', en -> en.scalar(w)));
      String moved = ref.src() + "[" + w + "++]";
      Run move = step(0, w, 1, "").run();
      if (store) {
        St write = store(indent, ref, new X(w, 'I', en -> en.scalar(w)), "=", e);
        Run run = write.run();
        return new St(pad(indent) + moved + " = " + e.src() + ";\n", en -> {
          run.exec(en);
          return move.exec(en);
        });
      }
      X product = mul(e, at);
      St add = accumulate(indent, acc, "+=", product);
      Run run = add.run();
      return new St(pad(indent) + acc.name + " += (" + e.src() + " * " + moved + ");\n", en -> {
        run.exec(en);
        return move.exec(en);
      });
    }

    /** {@code double t = e;} inside a body (a new variable at every iteration). */
    private St declareLocal(int indent, Ctx ctx) {
      X e = genD(3, ctx);
      SVar t = declare(SVar.scalar(fresh("t"), true));
      return assignment(pad(indent) + "double ", t.name, e);
    }

    /** {@code if (c) { ... } [else { ... }]} inside a loop body. */
    private St ifElse(int indent, Ctx ctx) {
      X c = genB(2, ctx);
      List<St> then = branch(indent + 2, ctx);
      List<St> otherwise = rnd.nextBoolean() ? branch(indent + 2, ctx) : null;
      StringBuilder text = new StringBuilder(pad(indent)).append("if (").append(c.src())
          .append(") {\n");
      for (St s : then) {
        text.append(s.text());
      }
      if (otherwise != null) {
        text.append(pad(indent)).append("} else {\n");
        for (St s : otherwise) {
          text.append(s.text());
        }
      }
      text.append(pad(indent)).append("}\n");
      Fn cond = c.f();
      Run a = seq(then);
      Run b = otherwise == null ? null : seq(otherwise);
      return new St(text.toString(), en -> {
        if (cond.at(en)[0] != 0) {
          return a.exec(en);
        }
        return b == null ? Flow.NORMAL : b.exec(en);
      });
    }

    /**
     * A switch over an int expression (counters, ints, lengths) inside a loop body, arrow or
     * colon form: one to three groups of labels in [-1, 4], maybe a default anywhere; colon
     * groups end with break or fall through now and then. A break inside a case (from
     * {@link #jump}) ends the switch; continue and return leave it.
     */
    private St switchStatement(int indent, Ctx ctx) {
      X selector = genI(2, ctx);
      boolean arrow = rnd.nextBoolean();
      int count = 1 + rnd.nextInt(3);
      List<Integer> pool = new ArrayList<>(List.of(-1, 0, 1, 2, 3, 4));
      java.util.Collections.shuffle(pool, rnd);
      List<List<Integer>> labels = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = 1 + (rnd.nextInt(3) == 0 ? 1 : 0);
        labels.add(new ArrayList<>(pool.subList(0, n)));
        pool.subList(0, n).clear();
      }
      if (rnd.nextBoolean()) {
        labels.add(rnd.nextInt(count + 1), null);
      }
      StringBuilder text = new StringBuilder(pad(indent)).append("switch (")
          .append(selector.src()).append(") {\n");
      Run[] runs = new Run[labels.size()];
      boolean[] ends = new boolean[labels.size()];
      for (int i = 0; i < labels.size(); i++) {
        List<Integer> group = labels.get(i);
        String head = group == null ? "default" : "case " + String.join(", ",
            group.stream().map(String::valueOf).toList());
        List<St> parts = branch(indent + 4, ctx);
        text.append(pad(indent + 2)).append(head).append(arrow ? " -> {\n" : ":\n");
        for (St part : parts) {
          text.append(part.text());
        }
        boolean last = i == labels.size() - 1;
        if (arrow) {
          text.append(pad(indent + 2)).append("}\n");
          ends[i] = true;
        } else {
          ends[i] = last || rnd.nextInt(4) != 0; // else falls through into the next group
          if (ends[i] && (!last || rnd.nextBoolean())) {
            text.append(pad(indent + 4)).append("break;\n");
          }
        }
        runs[i] = seq(parts);
      }
      text.append(pad(indent)).append("}\n");
      Fn value = selector.f();
      return new St(text.toString(), en -> {
        int k = (int) value.at(en)[0];
        int first = -1;
        for (int i = 0; i < labels.size(); i++) {
          if (labels.get(i) == null ? first < 0 : labels.get(i).contains(k)) {
            first = i;
            if (labels.get(i) != null) {
              break;
            }
          }
        }
        for (int i = Math.max(first, 0); first >= 0 && i < runs.length; i++) {
          Flow flow = runs[i].exec(en);
          if (flow == Flow.BREAK) {
            return Flow.NORMAL; // ends the switch, not the loop
          }
          if (flow != Flow.NORMAL || ends[i]) {
            return flow;
          }
        }
        return Flow.NORMAL;
      });
    }

    private List<St> branch(int indent, Ctx ctx) {
      scopes.push(new ArrayList<>());
      List<St> parts = new ArrayList<>();
      parts.add(effect(indent, ctx));
      if (rnd.nextInt(3) == 0) {
        parts.add(bodyStatement(indent, ctx));
      }
      scopes.pop();
      return parts;
    }

    /** {@code if (c) { break; }}, {@code continue} (where allowed) or an early return. */
    private St jump(int indent, Ctx ctx) {
      X c = genB(2, ctx);
      int kind = vectorResult ? 1 + rnd.nextInt(4) : rnd.nextInt(5); // a layer returns once
      Fn cond = c.f();
      String head = pad(indent) + "if (" + c.src() + ") {\n";
      String tail = pad(indent) + "}\n";
      if (kind == 0) {
        X e = genD(3, ctx);
        Fn value = varying(e).f();
        return new St(head + pad(indent + 2) + "return " + e.src() + ";\n" + tail, en -> {
          if (cond.at(en)[0] != 0) {
            en.returned = value.at(en);
            return Flow.RETURN;
          }
          return Flow.NORMAL;
        });
      }
      boolean cont = ctx.canContinue() && kind >= 3;
      Flow flow = cont ? Flow.CONTINUE : Flow.BREAK;
      return new St(head + pad(indent + 2) + (cont ? "continue;\n" : "break;\n") + tail,
          en -> cond.at(en)[0] != 0 ? flow : Flow.NORMAL);
    }

    /** A scalar declared outside the loop, preferably the loop's own accumulator. */
    private SVar pickAccumulator() {
      List<SVar> all = new ArrayList<>();
      for (SVar v : visible()) {
        if (v.kind == 'D' && v.assignable) {
          all.add(v);
        }
      }
      if (focus != null && all.contains(focus) && rnd.nextInt(3) != 0) {
        return focus;
      }
      return all.isEmpty() ? null : pick(all);
    }

    /**
     * {@code s += e}, {@code s -= e}, {@code s = s * c + e} (a damped sum), {@code p = p * x + e}
     * (Horner), {@code r = r * c + Math.sin(r)} (a recurrence) or {@code s *= e}.
     */
    private St accumulateStatement(int indent, Ctx ctx, SVar s) {
      X sv = new X(s.name, 'D', scalarFn(s.name));
      switch (rnd.nextInt(8)) {
        case 0, 1, 2:
          return accumulate(indent, s, "+=", genD(3, ctx));
        case 3:
          return accumulate(indent, s, "-=", genD(3, ctx));
        case 4:
          return assignTo(indent, s, add(mul(sv, literalOf((3 + rnd.nextInt(7)) / 10.0)),
              genD(2, ctx)));
        case 5:
          return assignTo(indent, s, add(mul(sv, scalarOrElement(ctx)), genD(2, ctx)));
        case 6:
          return assignTo(indent, s, add(mul(sv, literalOf((3 + rnd.nextInt(5)) / 10.0)),
              squash(rnd.nextBoolean() ? sv : add(sv, genD(1, ctx)))));
        default:
          return accumulate(indent, s, "*=", genD(2, ctx));
      }
    }

    /** A scalar variable or an array element (the x of Horner's p = p * x + c). */
    private X scalarOrElement(Ctx ctx) {
      SVar v = pickScalar(false);
      if (v != null && rnd.nextBoolean()) {
        return new X(v.name, 'D', scalarFn(v.name));
      }
      return elementOrScalar(ctx);
    }

    /** {@code s = e;} */
    private St assignTo(int indent, SVar s, X e) {
      return assignment(pad(indent), s.name, e);
    }

    /** {@code s op= e;}, or {@code s++} for op "++". */
    private St accumulate(int indent, SVar s, String op, X e) {
      String name = s.name;
      Fn f = e == null ? null : e.f();
      DoubleBinaryOperator combine = combiner(op);
      String text = e == null ? name + "++;" : name + " " + op + " " + e.src() + ";";
      return new St(pad(indent) + text + "\n", en -> {
        double[] rhs = f == null ? filledLike(en, 1) : f.at(en);
        en.vars.put(name, check(Generator.zip(en.scalar(name), rhs, combine)));
        return Flow.NORMAL;
      });
    }

    private static DoubleBinaryOperator combiner(String op) {
      switch (op) {
        case "+=": case "++": return (x, y) -> x + y;
        case "-=": return (x, y) -> x - y;
        case "*=": return (x, y) -> x * y;
        default: return (x, y) -> y; // "="
      }
    }

    /** A write into a local array element: {@code y[i] = e}, {@code y[i] *= e}, ... */
    private St arrayWrite(int indent, Ctx ctx, Ref target) {
      X index = index(target.len(), target.lengthSrc(), ctx);
      switch (rnd.nextInt(6)) {
        case 0:
          return store(indent, target, index, "+=", genD(3, ctx));
        case 1:
          return store(indent, target, index, "*=", genD(2, ctx));
        case 2:
          return store(indent, target, index, "=", squash(element(target, index)));
        case 3:
          return store(indent, target, index, "-=", genD(2, ctx));
        default:
          return store(indent, target, index, "=", genD(3, ctx));
      }
    }

    /** {@code ref[index] op e;} ({@code ref[index]++} for op "++"). */
    private St store(int indent, Ref ref, X index, String op, X e) {
      if (!ref.writable()) {
        throw new IllegalStateException("write into a parameter array " + ref.src());
      }
      ArrFn array = ref.f();
      Fn at = index.f();
      Fn f = e == null ? null : e.f();
      DoubleBinaryOperator combine = combiner(op);
      String target = ref.src() + "[" + index.src() + "]";
      String text = e == null ? target + "++;" : target + " " + op + " " + e.src() + ";";
      return new St(pad(indent) + text + "\n", en -> {
        Arr a = array.at(en);
        int k = (int) at.at(en)[0];
        if (k < 0 || k >= a.length()) {
          throw REJECT;
        }
        double[] rhs = f == null ? filledLike(en, 1) : f.at(en);
        double[] updated = new double[a.v.length];
        for (int q = 0; q < updated.length; q++) {
          updated[q] = combine.applyAsDouble(a.v[q][k], rhs[q]);
        }
        check(updated);
        for (int q = 0; q < updated.length; q++) {
          a.v[q][k] = updated[q];
        }
        return Flow.NORMAL;
      });
    }

    // ------------------------------------------------------------ variables and arrays

    /** Every variable in scope, innermost first. */
    private List<SVar> visible() {
      List<SVar> all = new ArrayList<>();
      for (List<SVar> scope : scopes) {
        all.addAll(scope);
      }
      return all;
    }

    private List<SVar> variables(char kind, boolean writableOnly) {
      List<SVar> all = new ArrayList<>();
      for (SVar v : visible()) {
        if (v.kind == kind && (!writableOnly || v.writable)) {
          all.add(v);
        }
      }
      return all;
    }

    private SVar pickScalar(boolean assignableOnly) {
      List<SVar> all = new ArrayList<>();
      for (SVar v : visible()) {
        if (v.kind == 'D' && (!assignableOnly || v.assignable)) {
          all.add(v);
        }
      }
      return all.isEmpty() ? null : pick(all);
    }

    private static Fn scalarFn(String name) {
      return en -> en.scalar(name);
    }

    private static Ref ref(SVar v) {
      String name = v.name;
      return new Ref(name, name + ".length", v.len, v.writable, en -> en.arr(name));
    }

    /** A 1-D array in scope: a double[] variable or a row {@code m[index]} of a matrix. */
    private Ref pickRef(Ctx ctx, boolean writableOnly) {
      List<SVar> all = new ArrayList<>();
      for (SVar v : visible()) {
        if ((v.kind == 'A' || v.kind == 'M') && (!writableOnly || v.writable)) {
          all.add(v);
        }
      }
      if (all.isEmpty()) {
        return null;
      }
      return pickRefOf(pick(all), ctx);
    }

    /** {@code v} itself (a double[]) or one of its rows (a double[][]). */
    private Ref pickRefOf(SVar v, Ctx ctx) {
      if (v.kind == 'A') {
        return ref(v);
      }
      String name = v.name;
      X row = index(v.len, name + ".length", ctx);
      Fn at = row.f();
      return new Ref(name + "[" + row.src() + "]", name + "[0].length", v.cols, v.writable,
          en -> {
            Arr[] rows = en.mat(name).rows;
            int k = (int) at.at(en)[0];
            if (k < 0 || k >= rows.length) {
              throw REJECT; // a walker's row out of bounds
            }
            return rows[k];
          });
    }

    /**
     * An int index expression valid for an array of length {@code len} at every iteration of
     * the enclosing loops: a counter whose range fits, {@code len - 1 - i}, {@code i % len},
     * {@code (i + 1) % len} or a constant.
     */
    private X index(int len, String lengthSrc, Ctx ctx) {
      if (!walkers.isEmpty() && !walkersHidden && ctx.inLoop() && rnd.nextInt(3) == 0) {
        String w = pick(walkers);
        return new X(w, 'I', en -> en.scalar(w)); // element() rejects a walk out of bounds
      }
      List<Counter> fits = new ArrayList<>();
      for (Counter c : ctx.counters()) {
        if (c.hi() <= len) {
          fits.add(c);
        }
      }
      int k = rnd.nextInt(10);
      if (!fits.isEmpty() && k < 6) {
        String c = pick(fits).name();
        if (rnd.nextInt(5) == 0) {
          return new X(lengthSrc + " - 1 - " + c, 'I',
              en -> filledLike(en, len - 1 - (int) en.scalar(c)[0]));
        }
        return new X(c, 'I', en -> en.scalar(c));
      }
      if (!ctx.counters().isEmpty() && k < 9) {
        String c = pick(ctx.counters()).name();
        if (rnd.nextBoolean()) {
          return new X(c + " % " + lengthSrc, 'I',
              en -> filledLike(en, (int) en.scalar(c)[0] % len));
        }
        return new X("(" + c + " + 1) % " + lengthSrc, 'I',
            en -> filledLike(en, ((int) en.scalar(c)[0] + 1) % len));
      }
      int constant = rnd.nextInt(len);
      return new X(Integer.toString(constant), 'I', en -> filledLike(en, constant));
    }

    private static double[] column(Arr a, int k) {
      double[] v = new double[a.v.length];
      for (int q = 0; q < v.length; q++) {
        v[q] = a.v[q][k];
      }
      return v;
    }

    /** {@code ref[index]} as a double expression. */
    private static X element(Ref ref, X index) {
      ArrFn array = ref.f();
      Fn at = index.f();
      return new X(ref.src() + "[" + index.src() + "]", 'D', en -> {
        Arr a = array.at(en);
        int k = (int) at.at(en)[0];
        if (k < 0 || k >= a.length()) {
          throw REJECT;
        }
        return column(a, k);
      });
    }

    /** An array element if there is an array, else a scalar. */
    private X elementOrScalar(Ctx ctx) {
      Ref r = pickRef(ctx, false);
      if (r != null) {
        return element(r, index(r.len(), r.lengthSrc(), ctx));
      }
      SVar v = pickScalar(false);
      return v == null ? literal() : new X(v.name, 'D', scalarFn(v.name));
    }

    // ------------------------------------------------------------ expressions

    private static double[] check(double[] v) {
      if (!Generator.inBounds(v)) {
        throw REJECT;
      }
      return v;
    }

    /** A double expression whose model checks bounds, slopes and curvatures. */
    private static X dbl(String src, Fn f) {
      return new X(src, 'D', en -> check(f.at(en)));
    }

    private X literalOf(double v) {
      double[] value = filled(v);
      return new X(Double.toString(v), 'D', en -> value);
    }

    private X literal() {
      return literalOf((1 + rnd.nextInt(300)) / 100.0);
    }

    private static char promote(X a, X b) {
      return a.type() == 'D' || b.type() == 'D' ? 'D' : 'I';
    }

    /** a op b with Java's int or double arithmetic. */
    private static X arithmetic(String op, X a, X b) {
      Fn fa = a.f();
      Fn fb = b.f();
      char t = promote(a, b);
      DoubleBinaryOperator f;
      switch (op) {
        case "+": f = t == 'I' ? (x, y) -> (int) x + (int) y : (x, y) -> x + y; break;
        case "-": f = t == 'I' ? (x, y) -> (int) x - (int) y : (x, y) -> x - y; break;
        default: f = t == 'I' ? (x, y) -> (int) x * (int) y : (x, y) -> x * y; break;
      }
      DoubleBinaryOperator g = f;
      return new X("(" + a.src() + " " + op + " " + b.src() + ")", t,
          en -> check(Generator.zip(fa.at(en), fb.at(en), g)));
    }

    private static X add(X a, X b) {
      return arithmetic("+", a, b);
    }

    private static X mul(X a, X b) {
      return arithmetic("*", a, b);
    }

    /** An int expression as a double, with an explicit cast (keeps Math's int overloads away). */
    private static X asDouble(X x) {
      return x.type() == 'D' ? x : new X("(double) " + x.src(), 'D', x.f());
    }

    /** {@code template} with each {@code #} replaced by {@code x}, valued {@code f(x)}. */
    private static X call(String template, X x, DoubleUnaryOperator f) {
      Fn g = x.f();
      return dbl(template.replace("#", x.src()), en -> Generator.map(g.at(en), f));
    }

    private X genD(int depth, Ctx ctx) {
      if (depth <= 0 || rnd.nextInt(5) == 0) {
        return leafD(ctx);
      }
      int d = depth - 1;
      if (calls && rnd.nextInt(4) == 0) {
        return callOrGate(d, ctx);
      }
      switch (rnd.nextInt(20)) {
        case 0, 1, 2, 3: {
          X a = genD(d, ctx);
          X b = rnd.nextInt(4) == 0 ? genI(d, ctx) : genD(d, ctx);
          return arithmetic(rnd.nextBoolean() ? "+" : "-", a, b);
        }
        case 4, 5, 6, 7: {
          X a = genD(d, ctx);
          X b = rnd.nextInt(4) == 0 ? genI(d, ctx) : genD(d, ctx);
          return mul(a, b);
        }
        case 8, 9: {
          X a = genD(d, ctx);
          X b = safeDenominator(d, ctx);
          Fn fa = a.f();
          Fn fb = b.f();
          return dbl("(" + a.src() + " / " + b.src() + ")",
              en -> Generator.zip(fa.at(en), fb.at(en), (x, y) -> x / y));
        }
        case 10: {
          X a = genD(d, ctx);
          Fn fa = a.f();
          DoubleUnaryOperator neg = a.type() == 'I' ? x -> -(int) x : x -> -x;
          return new X("(-" + a.src() + ")", a.type(), en -> Generator.map(fa.at(en), neg));
        }
        case 11, 12, 13, 14:
          return mathCall(d, ctx);
        case 15: {
          X a = asDouble(genD(d, ctx));
          X b = asDouble(genD(d, ctx));
          boolean max = rnd.nextBoolean();
          Fn fa = a.f();
          Fn fb = b.f();
          return dbl("Math." + (max ? "max(" : "min(") + a.src() + ", " + b.src() + ")", en -> {
            double[] x = fa.at(en);
            double[] y = fb.at(en);
            Generator.margin(true, Math.abs(x[0] - y[0]));
            Generator.same(true, Generator.zip(x, y, (p, q) -> p >= q ? 1 : 0));
            return Generator.zip(x, y, max ? Math::max : Math::min);
          });
        }
        case 16:
          return call("Math.abs(#)", absSafe(asDouble(genD(d, ctx))), Math::abs);
        case 17: {
          X c = genB(d, ctx);
          X a = genD(d, ctx);
          X b = genD(d, ctx);
          Fn fc = c.f();
          Fn fa = a.f();
          Fn fb = b.f();
          return new X("(" + c.src() + " ? " + a.src() + " : " + b.src() + ")", promote(a, b),
              en -> fc.at(en)[0] != 0 ? fa.at(en) : fb.at(en));
        }
        case 18:
          return mul(genI(d, ctx), literal());
        default:
          return leafD(ctx);
      }
    }

    /** A double expression bounded away from zero. */
    private X safeDenominator(int depth, Ctx ctx) {
      X x = genD(depth, ctx);
      switch (rnd.nextInt(5)) {
        case 0: return call("(1.0 + # * #)", x, v -> 1.0 + v * v);
        case 1: return call("(2.0 + Math.sin(#))", x, v -> 2.0 + Math.sin(v));
        case 2:
          return call("(Math.abs(#) + 0.5)", x.type() == 'D' ? absSafe(x) : x,
              v -> Math.abs(v) + 0.5);
        case 3: return call("(1.5 + Math.cos(#))", x, v -> 1.5 + Math.cos(v));
        default: {
          X den = asDouble(x);
          Fn f = den.f();
          return new X(den.src(), 'D', en -> {
            double[] v = f.at(en);
            for (double e : v) {
              if (!(Math.abs(e) >= 0.25)) {
                throw REJECT;
              }
            }
            return v;
          });
        }
      }
    }

    /** Math calls, wrapped so that live arguments stay inside each function's domain. */
    private X mathCall(int d, Ctx ctx) {
      X x = genD(d, ctx);
      Fn g = x.f();
      switch (rnd.nextInt(24)) {
        case 0: return call("Math.sin(#)", x, Math::sin);
        case 1: return call("Math.cos(#)", x, Math::cos);
        case 2: return call("Math.atan(#)", x, Math::atan);
        case 3: return call("Math.tanh(#)", x, Math::tanh);
        case 4:
          return dbl("Math.exp(" + x.src() + ")", en -> {
            double[] v = g.at(en);
            for (double e : v) {
              if (e > 5) {
                throw REJECT;
              }
            }
            return Generator.map(v, Math::exp);
          });
        case 5: return call("Math.exp(Math.tanh(#))", x, e -> Math.exp(Math.tanh(e)));
        case 6: return call("Math.log(1.0 + # * #)", x, e -> Math.log(1.0 + e * e));
        case 7:
          return call("Math.log(Math.abs(#) + 0.5)", x.type() == 'D' ? absSafe(x) : x,
              e -> Math.log(Math.abs(e) + 0.5));
        case 8: return call("Math.log10(2.0 + Math.sin(#))", x, e -> Math.log10(2.0 + Math.sin(e)));
        case 9: return call("Math.log1p(# * #)", x, e -> Math.log1p(e * e));
        case 10: return call("Math.expm1(Math.sin(#))", x, e -> Math.expm1(Math.sin(e)));
        case 11: return call("Math.sqrt(1.0 + # * #)", x, e -> Math.sqrt(1.0 + e * e));
        case 12:
          return dbl("Math.cbrt(" + x.src() + ")", en -> {
            double[] v = g.at(en);
            for (double e : v) {
              if (!(Math.abs(e) >= 0.1)) {
                throw REJECT;
              }
            }
            return Generator.map(v, Math::cbrt);
          });
        case 13:
          return call("Math.asin(Math.tanh(#) * 0.9)", x, e -> Math.asin(Math.tanh(e) * 0.9));
        case 14:
          return call("Math.acos(Math.tanh(#) * 0.9)", x, e -> Math.acos(Math.tanh(e) * 0.9));
        case 15: return call("Math.sinh(Math.sin(#))", x, e -> Math.sinh(Math.sin(e)));
        case 16: return call("Math.cosh(Math.tanh(#))", x, e -> Math.cosh(Math.tanh(e)));
        case 17:
          return call("Math.tan(0.5 * Math.tanh(#))", x, e -> Math.tan(0.5 * Math.tanh(e)));
        case 18: {
          X y = genD(d, ctx);
          Fn h = y.f();
          // atan2(x, y): away from the origin and from the branch cut (x = 0, y < 0).
          return dbl("Math.atan2(" + x.src() + ", " + y.src() + ")", en -> {
            double[] v = g.at(en);
            double[] w = h.at(en);
            for (int q = 0; q < v.length; q++) {
              if (Math.hypot(v[q], w[q]) < 0.1) {
                throw REJECT;
              }
            }
            if (w[0] < 0) {
              Generator.margin(true, Math.abs(v[0]));
            }
            Generator.same(true, Generator.zip(v, w, (p, q) -> q < 0 ? Math.signum(p) : 2));
            return Generator.zip(v, w, Math::atan2);
          });
        }
        case 19: {
          X y = genD(d, ctx);
          Fn h = y.f();
          return dbl("Math.hypot(" + x.src() + ", " + y.src() + ")", en -> {
            double[] v = g.at(en);
            double[] w = h.at(en);
            for (int q = 0; q < v.length; q++) {
              if (Math.hypot(v[q], w[q]) < 0.1) {
                throw REJECT;
              }
            }
            return Generator.zip(v, w, Math::hypot);
          });
        }
        case 20: { // positive base, any exponent
          X y = genD(d, ctx);
          Fn h = y.f();
          return dbl("Math.pow(1.0 + " + x.src() + " * " + x.src() + ", Math.sin(" + y.src()
              + "))", en -> Generator.zip(g.at(en), h.at(en),
                  (p, q) -> Math.pow(1.0 + p * p, Math.sin(q))));
        }
        case 21: { // integer exponent, any base
          int p = 2 + rnd.nextInt(2);
          return call("Math.pow(#, " + p + ")", x, e -> Math.pow(e, p));
        }
        case 22: {
          double p = (1 + rnd.nextInt(300)) / 100.0;
          return call("Math.pow(Math.abs(#) + 0.5, " + p + ")",
              x.type() == 'D' ? absSafe(x) : x, e -> Math.pow(Math.abs(e) + 0.5, p));
        }
        default:
          return call("StrictMath.sin(#)", x, StrictMath::sin);
      }
    }

    /** Small int expressions: counters, n, lengths, literals and their sums and products. */
    private X genI(int depth, Ctx ctx) {
      if (depth <= 0 || rnd.nextInt(2) == 0) {
        return leafI(ctx);
      }
      int d = depth - 1;
      switch (rnd.nextInt(4)) {
        case 0:
          return arithmetic("+", genI(d, ctx), leafI(ctx));
        case 1:
          return arithmetic("-", genI(d, ctx), leafI(ctx));
        case 2: {
          int k = 2 + rnd.nextInt(2);
          X a = genI(d, ctx);
          Fn f = a.f();
          return new X("(" + a.src() + " * " + k + ")", 'I',
              en -> Generator.map(f.at(en), x -> (int) x * k));
        }
        default: {
          int k = 2 + rnd.nextInt(2);
          X a = genI(d, ctx);
          Fn f = a.f();
          return new X("(" + a.src() + " % " + k + ")", 'I',
              en -> Generator.map(f.at(en), x -> (int) x % k));
        }
      }
    }

    private X leafI(Ctx ctx) {
      int k = rnd.nextInt(10);
      if (k < 4 && !ctx.counters().isEmpty()) {
        String c = pick(ctx.counters()).name();
        return new X(c, 'I', scalarFn(c));
      }
      if (k < 6) {
        List<SVar> ints = variables('I', false);
        if (!ints.isEmpty()) {
          String name = pick(ints).name;
          return new X(name, 'I', scalarFn(name));
        }
      }
      if (k < 7) {
        List<SVar> arrays = new ArrayList<>(variables('A', false));
        arrays.addAll(variables('M', false));
        if (!arrays.isEmpty()) {
          SVar a = pick(arrays);
          double[] len = filled(a.len);
          return new X(a.name + ".length", 'I', en -> len);
        }
      }
      int literal = rnd.nextInt(5);
      double[] value = filled(literal);
      return new X(Integer.toString(literal), 'I', en -> value);
    }

    private X leafD(Ctx ctx) {
      int k = rnd.nextInt(20);
      if (k < 6) {
        SVar v = pickScalar(false);
        if (v != null) {
          return new X(v.name, 'D', scalarFn(v.name));
        }
      }
      if (k < 14) {
        Ref r = pickRef(ctx, false);
        if (r != null) {
          return element(r, index(r.len(), r.lengthSrc(), ctx));
        }
      }
      if (k < 16) {
        return literal();
      }
      if (k < 17 && !constants.isEmpty()) {
        return new X("C0", 'D', scalarFn("C0"));
      }
      if (k < 19) {
        return leafI(ctx);
      }
      double[] pi = filled(Math.PI);
      return new X("Math.PI", 'D', en -> pi);
    }

    /** A comparison (checked for margin and same outcome at every probe point). */
    private X compare(X a, String op, X b) {
      DoubleBinaryOperator f;
      switch (op) {
        case "<": f = (x, y) -> x < y ? 1 : 0; break;
        case "<=": f = (x, y) -> x <= y ? 1 : 0; break;
        case ">": f = (x, y) -> x > y ? 1 : 0; break;
        case ">=": f = (x, y) -> x >= y ? 1 : 0; break;
        case "==": f = (x, y) -> x == y ? 1 : 0; break;
        default: f = (x, y) -> x != y ? 1 : 0; break;
      }
      DoubleBinaryOperator g = f;
      Fn fa = a.f();
      Fn fb = b.f();
      boolean doubles = promote(a, b) == 'D';
      return new X("(" + a.src() + " " + op + " " + b.src() + ")", 'B', en -> {
        double[] x = fa.at(en);
        double[] y = fb.at(en);
        double[] v = Generator.zip(x, y, g);
        if (doubles) {
          Generator.margin(true, Math.abs(x[0] - y[0]));
          Generator.same(true, v);
        }
        return v;
      });
    }

    /** {@code a && b} with short circuit. */
    private static X and(X a, X b) {
      return logical(a, b, true);
    }

    private static X logical(X a, X b, boolean and) {
      Fn fa = a.f();
      Fn fb = b.f();
      return new X(a.src() + (and ? " && " : " || ") + b.src(), 'B', en -> {
        double[] x = fa.at(en);
        if ((x[0] != 0) != and) {
          return x; // the right operand is not evaluated
        }
        return fb.at(en);
      });
    }

    private X genB(int depth, Ctx ctx) {
      int d = Math.max(depth - 1, 0);
      switch (depth <= 0 ? 0 : rnd.nextInt(10)) {
        case 6: {
          X a = genB(d, ctx);
          Fn f = a.f();
          return new X("!" + a.src(), 'B', en -> Generator.map(f.at(en), x -> x != 0 ? 0 : 1));
        }
        case 7: {
          X l = logical(genB(d, ctx), genB(d, ctx), rnd.nextBoolean());
          return new X("(" + l.src() + ")", 'B', l.f());
        }
        case 8: { // integer comparison
          X a = genI(d, ctx);
          X b = leafI(ctx);
          String[] ops = {"==", "!=", "<", ">="};
          return compare(a, ops[rnd.nextInt(ops.length)], b);
        }
        default: {
          if (ctx == Ctx.TOP && live && rnd.nextInt(3) == 0) {
            X near = thresholdNearValue();
            if (near != null) {
              return near;
            }
          }
          X a = genD(Math.min(d, 2), ctx);
          X b;
          if (rnd.nextInt(3) == 0) {
            double t = (rnd.nextInt(401) - 200) / 100.0;
            double[] value = filled(t);
            b = new X(t < 0 ? "(" + t + ")" : Double.toString(t), 'D', en -> value);
          } else {
            b = genD(Math.min(d, 1), ctx);
          }
          String[] ops = {"<", "<=", ">", ">=", "!="};
          return compare(a, ops[rnd.nextInt(ops.length)], b);
        }
      }
    }

    /** Outside loops: {@code x < L} with L 0.25 to 1 away from x's current value. */
    private X thresholdNearValue() {
      SVar v = pickScalar(false);
      if (v == null) {
        return null;
      }
      double[] current = env.scalar(v.name);
      if (current == null) { // declared by the statement being drawn
        return null;
      }
      double x = current[0];
      double offset = (25 + rnd.nextInt(75)) / 100.0 * (rnd.nextBoolean() ? 1 : -1);
      double bound = Math.rint((x + offset) * 100) / 100;
      double[] value = filled(bound);
      X b = new X(bound < 0 ? "(" + bound + ")" : Double.toString(bound), 'D', en -> value);
      return compare(new X(v.name, 'D', scalarFn(v.name)), "<", b);
    }
  }
}
