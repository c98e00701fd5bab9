package dev.adjoint.processor.oracle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Generator of random, compilable {@code @Differentiable} Java methods over the subset that
 * {@link HipparchusOracle} interprets (straight-line code, if/else chains, early returns, ?:,
 * && and ||, int/double mixing, compound assignment and Math calls).
 *
 * <p>The generator executes each program on its own arguments while writing it (plain Java
 * arithmetic on the live path only, mirroring Java semantics), and re-draws any expression whose
 * live value is out of range or whose decision sits near a discontinuity: comparisons,
 * max/min, abs, signum, floor/ceil/rint/round, (int) casts, % and atan2's branch cut are all at
 * least {@link #MARGIN} away from their thresholds, so finite differences see the same branch as
 * the exact derivative. The same seed always gives the same program.
 */
public final class RandomPrograms {

  /** A generated program: compile {@code source}, then call {@code className.methodName(args)}. */
  public record Program(
      String source, String className, String methodName, Object[] args, String description) {}

  /** Minimum distance between any live decision and its threshold. */
  static final double MARGIN = 0.02;
  /** Maximum magnitude of any live intermediate value. */
  static final double BOUND = 1e3;

  private RandomPrograms() {}

  /** The program for {@code seed}; deterministic. */
  public static Program generate(long seed) {
    return new Generator(seed).program();
  }

  // ------------------------------------------------------------------ internals

  /** Thrown (without a stack trace) when a live value violates a margin or bound: re-draw. */
  private static final class Reject extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Reject() {
      super(null, null, false, false);
    }
  }

  private static final Reject REJECT = new Reject();

  /** An expression: source text, static type ('D' double, 'I' int, 'B' boolean), live value. */
  private record Ex(String src, char type, double v) {}

  private static final class Var {
    final String name;
    final char type;
    final boolean assignable;
    double v;

    Var(String name, char type, boolean assignable, double v) {
      this.name = name;
      this.type = type;
      this.assignable = assignable;
      this.v = v;
    }
  }

  private static final class Generator {
    private final long seed;
    private final Random rnd;
    private final StringBuilder body = new StringBuilder();
    private final Deque<List<Var>> scopes = new ArrayDeque<>();
    private final List<Var> constants = new ArrayList<>();
    private int counter;
    private int statements;
    private int budget;
    /** Whether the statement being written executes for the program's arguments. */
    private boolean live = true;
    private double result = Double.NaN;
    private boolean returned;

    Generator(long seed) {
      this.seed = seed;
      this.rnd = new Random(seed);
    }

    Program program() {
      int doubles = 1 + rnd.nextInt(4);
      boolean hasInt = rnd.nextInt(2) == 0;
      int intPosition = hasInt ? rnd.nextInt(doubles + 1) : -1;
      List<Object> args = new ArrayList<>();
      List<String> params = new ArrayList<>();
      List<Var> frame = new ArrayList<>();
      for (int i = 0, d = 0; i < doubles + (hasInt ? 1 : 0); i++) {
        if (i == intPosition) {
          int n = 1 + rnd.nextInt(4);
          args.add(n);
          params.add("int n");
          frame.add(new Var("n", 'I', true, n));
        } else {
          double x = rnd.nextDouble() * 4 - 2;
          String name = String.valueOf((char) ('a' + d++));
          args.add(x);
          params.add("double " + name);
          frame.add(new Var(name, 'D', true, x));
        }
      }

      StringBuilder fields = new StringBuilder();
      int doubleConstants = 1 + rnd.nextInt(3);
      for (int i = 0; i < doubleConstants; i++) {
        Ex init = i > 0 && rnd.nextBoolean()
            ? attempt(() -> constantExpr(), () -> literal())
            : literal();
        constants.add(new Var("C" + i, 'D', false, init.v));
        fields.append("  static final double C").append(i).append(" = ").append(init.src).append(";\n");
      }
      if (rnd.nextInt(3) == 0) {
        int k = 1 + rnd.nextInt(5);
        constants.add(new Var("K", 'I', false, k));
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
          + " lines=" + source.split("\n", -1).length + " value=" + result;
      return new Program(source, "fuzz." + className, "f", args.toArray(), description);
    }

    // ------------------------------------------------------------ statements

    private void line(int indent, String text) {
      body.append(" ".repeat(indent)).append(text).append('\n');
    }

    private void statement(int indent, int nesting) {
      statements++;
      int kind = rnd.nextInt(nesting < 2 && budget - statements >= 1 ? 12 : 10);
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

    private Var declare(String prefix, char type, double v) {
      Var var = new Var(prefix + counter++, type, true, live ? v : Double.NaN);
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

    private void splitDeclaration(int indent) {
      Ex e = attempt(() -> genD(3, live), () -> leafD(live));
      Var v = declare("t", 'D', e.v);
      line(indent, "double " + v.name + ";");
      line(indent, v.name + " = " + e.src + ";");
    }

    private void assignDouble(int indent) {
      Var target = pick('D', true);
      Ex e = attempt(() -> genD(3, live), () -> leafD(live));
      line(indent, target.name + " = " + e.src + ";");
      set(target, e.v);
    }

    private void compoundDouble(int indent) {
      Var target = pick('D', true);
      int op = rnd.nextInt(4);
      String[] ops = {" += ", " -= ", " *= ", " /= "};
      Ex e = attempt(() -> {
        Ex rhs = op == 3 ? safeDenominator(2, live) : genD(2, live);
        double x = target.v;
        double r = rhs.v;
        double nv = op == 0 ? x + r : op == 1 ? x - r : op == 2 ? x * r : x / r;
        check(nv, live);
        return new Ex(rhs.src, rhs.type, nv);
      }, () -> null);
      if (e == null) {
        declareDouble(indent);
        return;
      }
      line(indent, target.name + ops[op] + e.src + ";");
      set(target, e.v);
    }

    private void compoundInt(int indent) {
      Var target = pick('I', true);
      if (target == null) {
        declareInt(indent);
        return;
      }
      int op = rnd.nextInt(5);
      Ex e = attempt(() -> {
        double k = target.v;
        switch (op) {
          case 0, 1: {
            Ex rhs = genI(2, live);
            double nv = op == 0 ? (int) k + (int) rhs.v : (int) k - (int) rhs.v;
            check(nv, live);
            return new Ex((op == 0 ? " += " : " -= ") + rhs.src, 'I', nv);
          }
          case 2: {
            int f = 2 + rnd.nextInt(2);
            double nv = (int) k * f;
            check(nv, live);
            return new Ex(" *= " + f, 'I', nv);
          }
          case 3: {
            int f = 2 + rnd.nextInt(2);
            return new Ex(" /= " + f, 'I', (int) k / f);
          }
          default: {
            // k += double: an implicit narrowing cast, (int) (k + d).
            Ex rhs = genD(2, live);
            double sum = (int) k + rhs.v;
            margin(live, Math.abs(sum - Math.rint(sum)));
            double nv = (int) sum;
            check(nv, live);
            return new Ex(" += " + rhs.src, 'I', nv);
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
      Var target = rnd.nextInt(4) == 0 ? pick('D', true) : pick('I', true);
      if (target == null) {
        target = pick('D', true);
      }
      boolean up = rnd.nextBoolean();
      String text = switch (rnd.nextInt(2)) {
        case 0 -> target.name + (up ? "++" : "--");
        default -> (up ? "++" : "--") + target.name;
      };
      double nv = target.v + (up ? 1 : -1);
      if (live && Math.abs(nv) > BOUND) {
        declareDouble(indent);
        return;
      }
      line(indent, text + ";");
      set(target, nv);
    }

    private void set(Var target, double v) {
      if (live) {
        target.v = v;
      }
    }

    /**
     * if / else if / else. A chain with a final else keeps one branch that completes normally,
     * so the statement after the chain is always reachable.
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
        if (condLive && c.v != 0) {
          taken = i;
        }
      }
      if (outer && taken == -1 && hasElse) {
        taken = conditions;
      }
      for (int i = 0; i < branches; i++) {
        String head = i == 0 ? "if (" + conds.get(0) + ") {"
            : i < conditions ? "} else if (" + conds.get(i) + ") {" : "} else {";
        line(indent, head);
        live = outer && i == taken;
        boolean returns = i != open && rnd.nextInt(5) < 2;
        block(indent + 2, nesting + 1, returns);
      }
      line(indent, "}");
      live = outer && !returned;
    }

    private void block(int indent, int nesting, boolean returns) {
      scopes.push(new ArrayList<>());
      int count = 1 + rnd.nextInt(2);
      for (int s = 0; s < count && (s == 0 || statements < budget - 1); s++) {
        if (returns && s == count - 1 && rnd.nextBoolean()) {
          break; // a branch may be just a return
        }
        statement(indent, nesting);
      }
      if (returns) {
        returnStatement(indent);
      }
      scopes.pop();
    }

    private void returnStatement(int indent) {
      Ex e = attempt(() -> genD(3, live), () -> leafD(live));
      line(indent, "return " + e.src + ";");
      if (live) {
        result = e.v;
        returned = true;
        live = false;
      }
    }

    // ------------------------------------------------------------ expressions

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

    private static void check(double v, boolean live) {
      if (live && !(Math.abs(v) <= BOUND)) {
        throw REJECT;
      }
    }

    private static void margin(boolean live, double distance) {
      if (live && !(distance >= MARGIN)) {
        throw REJECT;
      }
    }

    private static Ex dbl(String src, double v, boolean live) {
      check(v, live);
      return new Ex(src, 'D', v);
    }

    private static Ex num(String src, char type, double v, boolean live) {
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

    private Ex literal() {
      double v = (1 + rnd.nextInt(300)) / 100.0;
      return new Ex(Double.toString(v), 'D', v);
    }

    private Ex constantExpr() {
      Var c = constants.get(rnd.nextInt(constants.size()));
      Ex lit = literal();
      return switch (rnd.nextInt(3)) {
        case 0 -> dbl(c.name + " * " + lit.src + " + 0.25", c.v * lit.v + 0.25, true);
        case 1 -> {
          int k = 1 + rnd.nextInt(5);
          yield dbl("1.0 / (" + k + " + " + c.name + ")", 1.0 / (k + c.v), true);
        }
        default -> dbl("Math.sqrt(" + lit.src + ") - " + c.name, Math.sqrt(lit.v) - c.v, true);
      };
    }

    private Var pick(char type, boolean assignable) {
      List<Var> all = new ArrayList<>();
      for (List<Var> scope : scopes) {
        for (Var v : scope) {
          if (v.type == type) {
            all.add(v);
          }
        }
      }
      if (!assignable) {
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
        Var v = pick('D', true);
        return new Ex(v.name, 'D', v.v);
      }
      if (k < 17) {
        Var v = pick('D', false);
        return new Ex(v.name, 'D', v.v);
      }
      if (k < 19) {
        return literal();
      }
      return rnd.nextBoolean() ? leafI(live) : new Ex("Math.PI", 'D', Math.PI);
    }

    private Ex leafI(boolean live) {
      Var v = rnd.nextInt(3) == 0 ? null : pick('I', false);
      if (v != null) {
        return new Ex(v.name, 'I', v.v);
      }
      int k = rnd.nextInt(6);
      return new Ex(Integer.toString(k), 'I', k);
    }

    /** A comparison that is safely true or false: {@code x < L} with |x - L| >= 0.25. */
    private Ex leafB(boolean live) {
      Var v = pick('D', true);
      double offset = (25 + rnd.nextInt(75)) / 100.0 * (rnd.nextBoolean() ? 1 : -1);
      double bound = live ? Math.rint((v.v + offset) * 100) / 100 : offset;
      String lit = bound < 0 ? "(" + bound + ")" : Double.toString(bound);
      return new Ex("(" + v.name + " < " + lit + ")", 'B', v.v < bound ? 1 : 0);
    }

    private Ex genD(int depth, boolean live) {
      if (depth <= 0 || rnd.nextInt(5) == 0) {
        return leafD(live);
      }
      int d = depth - 1;
      switch (rnd.nextInt(22)) {
        case 0, 1, 2, 20: { // + and -, sometimes mixing in an int
          Ex a = genD(d, live);
          Ex b = rnd.nextInt(4) == 0 ? genI(d, live) : genD(d, live);
          boolean plus = rnd.nextBoolean();
          char t = promote(a, b);
          double v = t == 'I' ? (plus ? (int) a.v + (int) b.v : (int) a.v - (int) b.v)
              : plus ? a.v + b.v : a.v - b.v;
          return num("(" + a.src + (plus ? " + " : " - ") + b.src + ")", t, v, live);
        }
        case 3, 4, 5, 21: {
          Ex a = genD(d, live);
          Ex b = rnd.nextInt(4) == 0 ? genI(d, live) : genD(d, live);
          char t = promote(a, b);
          double v = t == 'I' ? (int) a.v * (int) b.v : a.v * b.v;
          return num("(" + a.src + " * " + b.src + ")", t, v, live);
        }
        case 6, 7: {
          Ex a = genD(d, live);
          Ex b = safeDenominator(d, live);
          return dbl("(" + a.src + " / " + b.src + ")", a.v / b.v, live);
        }
        case 8: {
          Ex a = genD(d, live);
          return num("(-" + a.src + ")", a.type, -a.v, live);
        }
        case 9, 10, 11, 12:
          return mathCall(d, live);
        case 13: {
          Ex a = genD(d, live);
          Ex b = genD(d, live);
          boolean max = rnd.nextBoolean();
          char t = promote(a, b);
          if (t == 'D') {
            margin(live, Math.abs(a.v - b.v));
          }
          return num("Math." + (max ? "max(" : "min(") + a.src + ", " + b.src + ")", t,
              max ? Math.max(a.v, b.v) : Math.min(a.v, b.v), live);
        }
        case 14: {
          Ex a = genD(d, live);
          if (a.type == 'D') {
            margin(live, Math.abs(a.v));
          }
          return num("Math.abs(" + a.src + ")", a.type, Math.abs(a.v), live);
        }
        case 15: { // piecewise constant; an int argument is cast so that no float overload is used
          if (rnd.nextBoolean()) {
            return mathCall(d, live);
          }
          Ex a0 = genD(d, live);
          Ex a = asDouble(a0, live);
          boolean varies = live && a0.type == 'D'; // an int operand is locally constant
          switch (rnd.nextInt(5)) {
            case 0:
              margin(varies, distanceToInteger(a.v));
              return dbl("Math.floor(" + a.src + ")", Math.floor(a.v), live);
            case 1:
              margin(varies, distanceToInteger(a.v));
              return dbl("Math.ceil(" + a.src + ")", Math.ceil(a.v), live);
            case 2:
              margin(varies, distanceToHalf(a.v));
              return dbl("Math.rint(" + a.src + ")", Math.rint(a.v), live);
            case 3:
              margin(varies, Math.abs(a.v));
              return dbl("Math.signum(" + a.src + ")", Math.signum(a.v), live);
            default:
              margin(varies, distanceToHalf(a.v));
              return dbl("(double) Math.round(" + a.src + ")", (double) Math.round(a.v), live);
          }
        }
        case 16, 17: {
          Ex c = genB(d, live);
          Ex a = genD(d, live && c.v != 0);
          Ex b = genD(d, live && c.v == 0);
          char t = promote(a, b);
          return num("(" + c.src + " ? " + a.src + " : " + b.src + ")", t, c.v != 0 ? a.v : b.v, live);
        }
        case 18: {
          if (rnd.nextBoolean()) {
            return genD(depth, live);
          }
          Ex a = genI(d, live);
          return dbl("(double) " + a.src, a.v, live);
        }
        default: {
          Ex a = genD(d, live);
          double m = rnd.nextBoolean() ? 1.5 : 2.0;
          if (a.type == 'D') {
            margin(live, distanceToInteger(a.v / m) * m);
          }
          return dbl("(" + a.src + " % " + m + ")", a.v % m, live);
        }
      }
    }

    private static Ex asDouble(Ex e, boolean live) {
      return e.type == 'D' ? e : dbl("(double) " + e.src, e.v, live);
    }

    /** A double expression bounded away from zero. */
    private Ex safeDenominator(int depth, boolean live) {
      Ex x = genD(depth, live);
      switch (rnd.nextInt(5)) {
        case 0:
          return dbl("(1.0 + " + x.src + " * " + x.src + ")", 1.0 + x.v * x.v, live);
        case 1:
          return dbl("(2.0 + Math.sin(" + x.src + "))", 2.0 + Math.sin(x.v), live);
        case 2:
          if (x.type == 'D') {
            margin(live, Math.abs(x.v));
          }
          return dbl("(Math.abs(" + x.src + ") + 0.5)", Math.abs(x.v) + 0.5, live);
        case 3:
          return dbl("(1.5 + Math.cos(" + x.src + "))", 1.5 + Math.cos(x.v), live);
        default: {
          Ex den = asDouble(x, live);
          if (live && !(Math.abs(den.v) >= 0.25)) {
            throw REJECT;
          }
          return den;
        }
      }
    }

    private Ex mathCall(int d, boolean live) {
      Ex x = genD(d, live);
      String s = x.src;
      double v = x.v;
      switch (rnd.nextInt(26)) {
        case 0: return dbl("Math.sin(" + s + ")", Math.sin(v), live);
        case 1: return dbl("Math.cos(" + s + ")", Math.cos(v), live);
        case 2: return dbl("Math.atan(" + s + ")", Math.atan(v), live);
        case 3: return dbl("Math.tanh(" + s + ")", Math.tanh(v), live);
        case 4:
          if (live && v > 5) {
            throw REJECT;
          }
          return dbl("Math.exp(" + s + ")", Math.exp(v), live);
        case 5: return dbl("Math.exp(Math.tanh(" + s + "))", Math.exp(Math.tanh(v)), live);
        case 6: return dbl("Math.log(1.0 + " + s + " * " + s + ")", Math.log(1.0 + v * v), live);
        case 7:
          if (x.type == 'D') {
            margin(live, Math.abs(v));
          }
          return dbl("Math.log(Math.abs(" + s + ") + 0.5)", Math.log(Math.abs(v) + 0.5), live);
        case 8: return dbl("Math.log10(2.0 + Math.sin(" + s + "))", Math.log10(2.0 + Math.sin(v)), live);
        case 9: return dbl("Math.log1p(" + s + " * " + s + ")", Math.log1p(v * v), live);
        case 10: return dbl("Math.expm1(Math.sin(" + s + "))", Math.expm1(Math.sin(v)), live);
        case 11: return dbl("Math.sqrt(1.0 + " + s + " * " + s + ")", Math.sqrt(1.0 + v * v), live);
        case 12:
          if (live && !(Math.abs(v) >= 0.1)) {
            throw REJECT;
          }
          return dbl("Math.cbrt(" + s + ")", Math.cbrt(v), live);
        case 13:
          return dbl("Math.asin(Math.tanh(" + s + ") * 0.9)", Math.asin(Math.tanh(v) * 0.9), live);
        case 14:
          return dbl("Math.acos(Math.tanh(" + s + ") * 0.9)", Math.acos(Math.tanh(v) * 0.9), live);
        case 15: return dbl("Math.sinh(Math.sin(" + s + "))", Math.sinh(Math.sin(v)), live);
        case 16: return dbl("Math.cosh(Math.tanh(" + s + "))", Math.cosh(Math.tanh(v)), live);
        case 17:
          return dbl("Math.tan(0.5 * Math.tanh(" + s + "))", Math.tan(0.5 * Math.tanh(v)), live);
        case 18: return dbl("Math.toRadians(" + s + ")", Math.toRadians(v), live);
        case 19: return dbl("Math.toDegrees(Math.sin(" + s + "))", Math.toDegrees(Math.sin(v)), live);
        case 20: {
          Ex y = genD(d, live);
          if (live && (Math.hypot(v, y.v) < 0.1 || (y.v < 0 && Math.abs(v) < MARGIN))) {
            throw REJECT; // away from the origin and the branch cut (y.v < 0, v = 0)
          }
          return dbl("Math.atan2(" + s + ", " + y.src + ")", Math.atan2(v, y.v), live);
        }
        case 21: {
          Ex y = genD(d, live);
          if (live && Math.hypot(v, y.v) < 0.1) {
            throw REJECT;
          }
          return dbl("Math.hypot(" + s + ", " + y.src + ")", Math.hypot(v, y.v), live);
        }
        case 22: { // positive base, any exponent
          Ex y = genD(d, live);
          return dbl("Math.pow(1.0 + " + s + " * " + s + ", Math.sin(" + y.src + "))",
              Math.pow(1.0 + v * v, Math.sin(y.v)), live);
        }
        case 23: { // integer exponent, any base
          int p = 2 + rnd.nextInt(2);
          return dbl("Math.pow(" + s + ", " + p + ")", Math.pow(v, p), live);
        }
        case 24: {
          if (x.type == 'D') {
            margin(live, Math.abs(v));
          }
          Ex p = literal();
          return dbl("Math.pow(Math.abs(" + s + ") + 0.5, " + p.src + ")",
              Math.pow(Math.abs(v) + 0.5, p.v), live);
        }
        default:
          return dbl("StrictMath.sin(" + s + ")", StrictMath.sin(v), live);
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
              plus ? (int) a.v + (int) b.v : (int) a.v - (int) b.v, live);
        }
        case 2: {
          Ex a = genI(d, live);
          int k = 2 + rnd.nextInt(3);
          return num("(" + a.src + " * " + k + ")", 'I', (int) a.v * k, live);
        }
        case 3: {
          Ex a = genI(d, live);
          int k = 2 + rnd.nextInt(3);
          return num("(" + a.src + " / " + k + ")", 'I', (int) a.v / k, live);
        }
        case 4: {
          Ex a = genI(d, live);
          int k = 2 + rnd.nextInt(3);
          return num("(" + a.src + " % " + k + ")", 'I', (int) a.v % k, live);
        }
        case 5: {
          Ex a = genI(d, live);
          return num("Math.abs(" + a.src + ")", 'I', Math.abs((int) a.v), live);
        }
        case 6: {
          Ex a = genI(d, live);
          Ex b = genI(d, live);
          boolean max = rnd.nextBoolean();
          return num("Math." + (max ? "max(" : "min(") + a.src + ", " + b.src + ")", 'I',
              max ? Math.max((int) a.v, (int) b.v) : Math.min((int) a.v, (int) b.v), live);
        }
        case 7: {
          Ex a0 = genD(d, live);
          Ex a = asDouble(a0, live);
          boolean varies = live && a0.type == 'D';
          if (rnd.nextBoolean()) {
            margin(varies, distanceToInteger(a.v));
            return num("(int) " + a.src, 'I', (int) a.v, live);
          }
          margin(varies, distanceToHalf(a.v));
          return num("(int) Math.round(" + a.src + ")", 'I', (int) Math.round(a.v), live);
        }
        case 8: {
          Ex c = genB(d, live);
          Ex a = genI(d, live && c.v != 0);
          Ex b = genI(d, live && c.v == 0);
          return num("(" + c.src + " ? " + a.src + " : " + b.src + ")", 'I', c.v != 0 ? a.v : b.v, live);
        }
        default:
          return leafI(live);
      }
    }

    private Ex genB(int depth, boolean live) {
      int d = Math.max(depth - 1, 0);
      int kind = depth <= 0 ? 0 : rnd.nextInt(10);
      switch (kind) {
        case 6: {
          Ex a = genB(d, live);
          return new Ex("!" + a.src, 'B', a.v != 0 ? 0 : 1);
        }
        case 7, 8: {
          boolean and = rnd.nextBoolean();
          Ex a = genB(d, live);
          boolean rightRuns = and ? a.v != 0 : a.v == 0; // short circuit
          Ex b = genB(d, live && rightRuns);
          double v = and ? (a.v != 0 && b.v != 0 ? 1 : 0) : (a.v != 0 || b.v != 0 ? 1 : 0);
          return new Ex("(" + a.src + (and ? " && " : " || ") + b.src + ")", 'B', v);
        }
        case 9: { // integer comparison
          Ex a = genI(d, live);
          Ex b = leafI(live);
          String[] ops = {" == ", " != ", " < ", " >= "};
          int op = rnd.nextInt(ops.length);
          int x = (int) a.v;
          int y = (int) b.v;
          boolean v = op == 0 ? x == y : op == 1 ? x != y : op == 2 ? x < y : x >= y;
          return new Ex("(" + a.src + ops[op] + b.src + ")", 'B', v ? 1 : 0);
        }
        default: {
          Ex a = genD(Math.min(d, 2), live);
          Ex b = rnd.nextInt(3) == 0 ? literal() : genD(Math.min(d, 1), live);
          String[] ops = {" < ", " <= ", " > ", " >= ", " != "};
          int op = rnd.nextInt(ops.length);
          if (promote(a, b) == 'D') {
            margin(live, Math.abs(a.v - b.v));
          }
          boolean v = switch (op) {
            case 0 -> a.v < b.v;
            case 1 -> a.v <= b.v;
            case 2 -> a.v > b.v;
            case 3 -> a.v >= b.v;
            default -> a.v != b.v;
          };
          return new Ex("(" + a.src + ops[op] + b.src + ")", 'B', v ? 1 : 0);
        }
      }
    }
  }
}
