package dev.adjoint.processor.oracle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;

/**
 * Generator of random, compilable {@code @Differentiable} Java methods over the subset that
 * {@link HipparchusOracle} interprets: locals, (compound) assignment, ++/--, if / else if /
 * else, early returns, {@code ?:}, {@code && ||}, int/double mixing, casts and Math calls.
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
        default -> ifChain(indent, nesting);
      }
    }

    private Var declare(String prefix, char type, double[] v) {
      Var var = new Var(prefix + counter++, type, v);
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
}
