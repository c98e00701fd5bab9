package dev.adjoint.processor.rules;

import static dev.adjoint.processor.ir.Terms.add;
import static dev.adjoint.processor.ir.Terms.binary;
import static dev.adjoint.processor.ir.Terms.div;
import static dev.adjoint.processor.ir.Terms.gate;
import static dev.adjoint.processor.ir.Terms.math;
import static dev.adjoint.processor.ir.Terms.mul;
import static dev.adjoint.processor.ir.Terms.neg;
import static dev.adjoint.processor.ir.Terms.select;
import static dev.adjoint.processor.ir.Terms.sub;
import static java.util.Map.entry;

import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Cast;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Local derivatives of every operation Adjoint differentiates, as IR.
 *
 * <p>A rule says, for operand {@code i} of {@code r = op(a, b)}, what that operand receives when
 * {@code r} receives {@code g}: an IR expression over the operands {@code a} and {@code b}, the
 * result {@code r} and a hole {@code g} for the incoming adjoint. Every rule is linear in
 * {@code g}, so the same table gives the reverse transformation's contributions
 * ({@code da += rule(a, b, r, dr)}) and a tangent transformation's terms
 * ({@code dr = Σ rule_i(a, b, r, da_i)}). They are written the way a person writes backprop by
 * hand (cs231n: add distributes, multiply switches, max routes). A negative derivative puts its
 * sign on {@code g} ({@code sin(x) * -g} for {@code cos}, not {@code -sin(x) * g}): the same bits,
 * and where {@code g} is the same for every iteration of a loop (a sum's seed) the negation leaves
 * the loop, which C2 then vectorizes as it does the hand-written {@code -2 * seed * q * q}.
 *
 * <p>Conventions at points where the derivative does not exist: {@code max(a, b)} routes the whole
 * gradient to {@code a} when {@code a >= b} (ties go to the first argument) and {@code min(a, b)}
 * to {@code a} when {@code a <= b}; {@code abs} has derivative {@code signum(x)}, so 0 at 0;
 * {@code hypot} at the origin and {@code pow(0, y)} with respect to {@code y} have derivative 0;
 * {@code pow(x, 0)} has derivative 0 with respect to {@code x}. {@code floor}, {@code ceil},
 * {@code rint}, {@code signum}, {@code round} and casts to integer types are piecewise constant:
 * their derivative is 0 and the gradient stops there.
 */
public final class DerivativeRules {

  /** What differentiating one operand of an operation means. */
  public enum Flow {
    /** The operand's adjoint receives a contribution given by a rule. */
    DIFFERENTIABLE,
    /** The derivative is zero (piecewise constant, or not a double): the gradient stops here. */
    ZERO,
    /** No rule is known: a differentiated value must not reach this operand. */
    UNKNOWN
  }

  private static final Operand ZERO = Constant.ZERO;
  private static final Operand INT_ZERO = Constant.integer(0);
  private static final Operand ONE = Constant.integer(1);
  private static final Operand TWO = Constant.integer(2);
  private static final Operand THREE = Constant.integer(3);

  private static final Rule IDENTITY = (i, a, r, g) -> g;
  private static final Rule NEGATE = (i, a, r, g) -> neg(g);
  /** {@code c ? a : b}: the whole gradient to the operand chosen (operand 0 is the test). */
  private static final Rule CHOOSE = (i, a, r, g) ->
      i == 1 ? select(a.get(0), g, ZERO) : select(a.get(0), ZERO, g);

  private static final Map<Binary.Op, Rule> ARITHMETIC = Map.of(
      Binary.Op.ADD, (i, a, r, g) -> g,
      Binary.Op.SUB, (i, a, r, g) -> i == 0 ? g : neg(g),
      Binary.Op.MUL, (i, a, r, g) -> mul(a.get(1 - i), g),
      Binary.Op.DIV, (i, a, r, g) -> i == 0 ? div(g, a.get(1))
          : isOne(a.get(0)) ? mul(mul(r, r), neg(g)) // 1 / b: -r r g, no second division
          : div(mul(r, neg(g)), a.get(1)),
      Binary.Op.REM, (i, a, r, g) -> i == 0 ? g
          : mul(math("rint", div(sub(a.get(0), r), a.get(1))), neg(g)));

  private static final Map<String, Rule> MATH = Map.ofEntries(
      entry("exp", (i, a, r, g) -> mul(r, g)),
      entry("log", (i, a, r, g) -> div(g, a.get(0))),
      entry("log10", (i, a, r, g) -> div(g, mul(a.get(0), Constant.number(2.302585092994046)))),
      entry("log1p", (i, a, r, g) -> div(g, add(ONE, a.get(0)))),
      entry("expm1", (i, a, r, g) -> mul(add(r, ONE), g)),
      entry("sqrt", (i, a, r, g) -> div(g, mul(TWO, r))),
      entry("cbrt", (i, a, r, g) -> div(g, mul(mul(THREE, r), r))),
      entry("pow", DerivativeRules::pow),
      entry("sin", (i, a, r, g) -> mul(math("cos", a.get(0)), g)),
      entry("cos", (i, a, r, g) -> mul(math("sin", a.get(0)), neg(g))),
      entry("tan", (i, a, r, g) -> mul(add(ONE, mul(r, r)), g)),
      entry("asin", (i, a, r, g) -> div(g, math("sqrt", sub(ONE, mul(a.get(0), a.get(0)))))),
      entry("acos", (i, a, r, g) ->
          div(neg(g), math("sqrt", sub(ONE, mul(a.get(0), a.get(0)))))),
      entry("atan", (i, a, r, g) -> div(g, add(ONE, mul(a.get(0), a.get(0))))),
      entry("atan2", (i, a, r, g) -> mul(div(a.get(1 - i),
          add(mul(a.get(0), a.get(0)), mul(a.get(1), a.get(1)))), i == 0 ? g : neg(g))),
      entry("sinh", (i, a, r, g) -> mul(math("cosh", a.get(0)), g)),
      entry("cosh", (i, a, r, g) -> mul(math("sinh", a.get(0)), g)),
      entry("tanh", (i, a, r, g) -> mul(sub(ONE, mul(r, r)), g)),
      entry("abs", (i, a, r, g) -> mul(math("signum", a.get(0)), g)),
      entry("max", (i, a, r, g) -> routeFirst(Binary.Op.GE, i, a, g)),
      entry("min", (i, a, r, g) -> routeFirst(Binary.Op.LE, i, a, g)),
      entry("hypot", (i, a, r, g) ->
          select(binary(Binary.Op.EQ, r, INT_ZERO), ZERO, mul(div(a.get(i), r), g))),
      entry("fma", (i, a, r, g) -> i == 2 ? g : mul(a.get(1 - i), g)), // x * y + z, one rounding
      entry("toRadians", (i, a, r, g) -> mul(Constant.number(0.017453292519943295), g)), // pi/180
      entry("toDegrees", (i, a, r, g) -> mul(Constant.number(57.29577951308232), g)), // 180/pi
      // dev.adjoint.Gates: the gates of neural networks (cs231n: sigmoid's s (1 - s))
      entry("sigmoid", (i, a, r, g) -> mul(mul(r, sub(ONE, r)), g)),
      entry("relu", (i, a, r, g) ->
          select(binary(Binary.Op.GT, a.get(0), INT_ZERO), g, ZERO)),
      entry("leakyRelu", (i, a, r, g) -> select(binary(Binary.Op.GT, a.get(0), INT_ZERO),
          i == 0 ? g : ZERO, mul(a.get(1 - i), g))),
      // softplus' derivative is the sigmoid, whose own rule s (1 - s) stays finite where
      // e^-x overflows (the quotient's derivative, e^-x / (1 + e^-x)^2, is NaN there)
      entry("softplus", (i, a, r, g) -> mul(gate("sigmoid", a.get(0)), g)));

  private static final Set<String> PIECEWISE_CONSTANT =
      Set.of("floor", "ceil", "rint", "signum", "round");

  private DerivativeRules() {}

  /** True if {@code function} (of {@code Math} or {@code Gates}) has a rule in this table. */
  public static boolean isTabulated(String function) {
    return MATH.containsKey(function) || PIECEWISE_CONSTANT.contains(function);
  }

  /** How the gradient flows from the result of {@code expr} into operand {@code i}. */
  public static Flow flow(Expr expr, int i) {
    if (expr instanceof Copy && expr.operands().get(0).type().isDoubleArray()) {
      return Flow.DIFFERENTIABLE; // y = z: one array under two names
    }
    if (expr instanceof Load || expr instanceof CloneArray) {
      return i == 0 && expr.operands().get(0).type().isDoubleArray()
          ? Flow.DIFFERENTIABLE : Flow.ZERO; // reading elements: the adjoint element receives g
    }
    if (expr instanceof dev.adjoint.processor.ir.Call call) {
      // what the argument carries decides, not the parameter's type: a double[][] passed as a
      // generic T[] (Arrays.copyOf(m, n)) carries its gradient into a method without one
      Type argument = expr.operands().get(i).type();
      if ((argument != Type.DOUBLE && !argument.isDoubleArray())
          || call.callee().stopsGradient()) {
        return Flow.ZERO;
      }
      return call.callee().hasPullback() && call.callee().differentiates(i)
          ? Flow.DIFFERENTIABLE : Flow.UNKNOWN; // the pullback is called, not a rule
    }
    if (expr instanceof Length || expr instanceof NewArray
        || expr.operands().get(i).type() != Type.DOUBLE) {
      return Flow.ZERO;
    }
    if (expr instanceof Cast cast) {
      return cast.to() == Type.DOUBLE ? Flow.DIFFERENTIABLE : Flow.ZERO;
    }
    if (expr instanceof MathCall call) {
      if (MATH.containsKey(call.function())) {
        return Flow.DIFFERENTIABLE;
      }
      return PIECEWISE_CONSTANT.contains(call.function()) ? Flow.ZERO : Flow.UNKNOWN;
    }
    if (i == 1 && isSquare(expr)) {
      return Flow.ZERO; // x * x: the first x receives the whole 2 x g
    }
    return ruleOrNull(expr) != null ? Flow.DIFFERENTIABLE : Flow.ZERO;
  }

  /**
   * {@code x * x}: one contribution {@code 2 * (x * g)}, as a person writes it, in place of
   * {@code x * g} added twice ({@code x * g + x * g} is {@code 2 * (x * g)} exactly; only
   * where other contributions come in between may the last bit differ).
   */
  private static boolean isSquare(Expr expr) {
    return expr instanceof Binary binary && binary.op() == Binary.Op.MUL
        && binary.a().equals(binary.b());
  }

  /**
   * What operand {@code i} receives when the result receives {@code seed}, for an operand whose
   * {@link #flow} is {@link Flow#DIFFERENTIABLE}.
   *
   * @param operands the operands as the sweep reads them (a variable, or its value written in
   *     place)
   * @param result the operation's result
   * @param seed the hole: what the result receives (an adjoint, or a tangent)
   */
  public static Operand contribution(Expr expr, int i, List<Operand> operands, Operand result,
      Operand seed) {
    if (isSquare(expr)) {
      return square(operands.get(0), seed);
    }
    return ruleFor(expr).apply(i, operands, result, seed);
  }

  /**
   * What {@code x} receives from {@code f x} when {@code f} is {@code x} itself or
   * {@code k x} (a constant {@code k}: {@code 100 * a * a}, which Java reads as {@code (100 a) a}):
   * {@code 2 f seed} at once, the derivative of {@code x²} or {@code k x²}.
   */
  public static Operand square(Operand factor, Operand seed) {
    return mul(TWO, mul(factor, seed));
  }

  /**
   * What {@code x} receives from {@code (k x) x}, {@code kx} being the product {@code k x}:
   * {@code (2k x) seed}, as a person writes the derivative of {@code 100 a²}
   * ({@code 200 * a * g}). It is {@link #square}'s {@code 2 ((k x) seed)} with the doubling
   * moved onto the exact constant (the same rounding but in the subnormal range), one
   * multiplication shorter from {@code x} and not reading {@code k x}. Where {@code 2k} is not
   * a known finite number (a field, or past the largest double), {@link #square} of {@code kx}.
   */
  public static Operand scaledSquare(Constant k, Operand x, Operand kx, Operand seed) {
    if (k.value() == null || !Double.isFinite(2 * k.value())) {
      return square(kx, seed);
    }
    double twice = 2 * k.value();
    return mul(twice == 1 ? x : mul(Constant.number(twice), x), seed);
  }

  private static Rule ruleFor(Expr expr) {
    Rule rule = ruleOrNull(expr);
    if (rule == null) {
      throw new IllegalArgumentException("no derivative rule for " + expr);
    }
    return rule;
  }

  private static Rule ruleOrNull(Expr expr) {
    if (expr instanceof Copy || expr instanceof Cast) {
      return IDENTITY;
    }
    if (expr instanceof Unary unary) {
      return unary.op() == Unary.Op.NEG ? NEGATE : null;
    }
    if (expr instanceof Select) {
      return CHOOSE;
    }
    if (expr instanceof Binary binary) {
      return ARITHMETIC.get(binary.op());
    }
    return MATH.get(((MathCall) expr).function());
  }

  /** The literal {@code 1} or {@code 1.0}. */
  private static boolean isOne(Operand operand) {
    return operand instanceof Constant c && c.is(1);
  }

  /** {@code max} and {@code min}: the whole seed to the first operand when {@code a op b}. */
  private static Operand routeFirst(Binary.Op op, int i, List<Operand> a, Operand g) {
    Operand firstWins = binary(op, a.get(0), a.get(1));
    return i == 0 ? select(firstWins, g, ZERO) : select(firstWins, ZERO, g);
  }

  /**
   * True for {@code max(c, z)} and {@code min(c, z)} with {@code c} a constant (ReLU spelled
   * {@code Math.max(0, z)}) and for {@code Gates.relu(z)}, whose rule can read the result
   * instead of {@code z}.
   */
  public static boolean routesByResult(Expr expr) {
    return expr instanceof MathCall call
        && (call.args().size() == 2
            && (call.function().equals("max") || call.function().equals("min"))
            && call.args().get(0) instanceof Constant
        || call.args().size() == 1 && call.function().equals("relu"));
  }

  /**
   * The seed's share of {@code z} in {@code r = max(c, z)} or {@code min(c, z)}, read from the
   * result: the constant wins exactly when {@code r == c}, as {@code c >= z} ({@code c <= z})
   * says, NaN and signed zeros included; {@code z}'s value is not needed. For {@code r =
   * Gates.relu(z)} ({@code z > 0 ? z : 0.0}), {@code r > 0} exactly when {@code z > 0}, NaN
   * included.
   */
  public static Operand routedByResult(Expr expr, Operand r, Operand g) {
    MathCall call = (MathCall) expr;
    return call.args().size() == 1 ? select(binary(Binary.Op.GT, r, INT_ZERO), g, ZERO)
        : select(binary(Binary.Op.EQ, r, call.args().get(0)), ZERO, g);
  }

  /**
   * d/da a^b = b a^(b-1), written out when the exponent is a literal ({@code 2 * x * g} for
   * {@code pow(x, 2)}); d/db a^b = ln(a) a^b.
   */
  private static Operand pow(int i, List<Operand> operands, Operand r, Operand g) {
    Operand a = operands.get(0);
    Operand b = operands.get(1);
    if (i == 1) {
      return select(binary(Binary.Op.EQ, a, INT_ZERO), ZERO, mul(mul(math("log", a), r), g));
    }
    if (!(b instanceof Constant exponent) || exponent.value() == null) {
      return select(binary(Binary.Op.EQ, b, INT_ZERO), ZERO,
          mul(mul(b, math("pow", a, sub(b, ONE))), g));
    }
    if (exponent.is(0)) {
      return ZERO;
    }
    if (exponent.is(1)) {
      return g;
    }
    if (exponent.is(2)) {
      return mul(mul(TWO, a), g);
    }
    return mul(mul(b, math("pow", a, Constant.number(exponent.value() - 1))), g);
  }

  /** One operation's local derivative, operand by operand, with a hole for the seed. */
  @FunctionalInterface
  private interface Rule {
    Operand apply(int operand, List<Operand> operands, Operand result, Operand seed);
  }
}
