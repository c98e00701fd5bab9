package dev.adjoint.processor.rules;

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
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Local derivatives of every operation Adjoint differentiates, as adjoint updates.
 *
 * <p>A rule says, for operand {@code i} of {@code r = op(a, b)}, what that operand's adjoint
 * receives when {@code r}'s adjoint is {@code g}. Templates name the operands {@code $a} and
 * {@code $b}, the result {@code $r} and the incoming adjoint {@code $g}; they are written the way a
 * person writes backprop by hand (cs231n: add distributes, multiply switches, max routes).
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

  private static final Rule IDENTITY = template("$g");
  private static final Rule NEGATE = template("-$g");

  private static final Map<Binary.Op, Rule> ARITHMETIC = Map.of(
      Binary.Op.ADD, template("$g", "$g"),
      Binary.Op.SUB, template("$g", "-$g"),
      Binary.Op.MUL, template("$b * $g", "$a * $g"),
      Binary.Op.DIV, template("$g / $b", "-$r * $g / $b"),
      Binary.Op.REM, template("$g", "-Math.rint(($a - $r) / $b) * $g"));

  private static final Map<String, Rule> MATH = Map.ofEntries(
      entry("exp", template("$r * $g")),
      entry("log", template("$g / $a")),
      entry("log10", template("$g / ($a * 2.302585092994046)")), // ln 10
      entry("log1p", template("$g / (1 + $a)")),
      entry("expm1", template("($r + 1) * $g")),
      entry("sqrt", template("$g / (2 * $r)")),
      entry("cbrt", template("$g / (3 * $r * $r)")),
      entry("pow", DerivativeRules::pow),
      entry("sin", template("Math.cos($a) * $g")),
      entry("cos", template("-Math.sin($a) * $g")),
      entry("tan", template("(1 + $r * $r) * $g")),
      entry("asin", template("$g / Math.sqrt(1 - $a * $a)")),
      entry("acos", template("-$g / Math.sqrt(1 - $a * $a)")),
      entry("atan", template("$g / (1 + $a * $a)")),
      entry("atan2", template("$b / ($a * $a + $b * $b) * $g", "-$a / ($a * $a + $b * $b) * $g")),
      entry("sinh", template("Math.cosh($a) * $g")),
      entry("cosh", template("Math.sinh($a) * $g")),
      entry("tanh", template("(1 - $r * $r) * $g")),
      entry("abs", template("Math.signum($a) * $g")),
      entry("max", template("$a >= $b ? $g : 0.0", "$a >= $b ? 0.0 : $g")),
      entry("min", template("$a <= $b ? $g : 0.0", "$a <= $b ? 0.0 : $g")),
      entry("hypot", template("$r == 0 ? 0.0 : $a / $r * $g", "$r == 0 ? 0.0 : $b / $r * $g")),
      entry("toRadians", template("0.017453292519943295 * $g")), // pi / 180
      entry("toDegrees", template("57.29577951308232 * $g")), // 180 / pi
      // dev.adjoint.Gates: the gates of neural networks (cs231n: sigmoid's s (1 - s))
      entry("sigmoid", template("$r * (1 - $r) * $g")),
      entry("relu", template("$a > 0 ? $g : 0.0")),
      entry("leakyRelu", template("$a > 0 ? $g : $b * $g", "$a > 0 ? 0.0 : $a * $g")),
      entry("softplus", template("$g / (1 + Math.exp(-$a))")));

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
      Type type = call.callee().parameters().get(i);
      if ((type != Type.DOUBLE && !type.isDoubleArray()) || call.callee().stopsGradient()) {
        return Flow.ZERO;
      }
      return call.callee().hasPullback() && call.callee().differentiated().get(i)
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
    return ruleOrNull(expr) != null ? Flow.DIFFERENTIABLE : Flow.ZERO;
  }

  /**
   * The Java expression that operand {@code i}'s adjoint receives, for an operand whose {@link
   * #flow} is {@link Flow#DIFFERENTIABLE}.
   *
   * @param result the code of the operation's result
   * @param adjoint the code of the result's adjoint
   */
  public static String contribution(Expr expr, int i,
      java.util.function.Function<Operand, String> code, String result, String adjoint) {
    var operands = new Operands(expr.operands().stream().map(code).toList(), result, adjoint);
    return ruleFor(expr).contribution(i, operands);
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
    if (expr instanceof Binary binary) {
      return ARITHMETIC.get(binary.op());
    }
    return MATH.get(((MathCall) expr).function());
  }

  /**
   * d/da a^b = b a^(b-1), written out when the exponent is a literal ({@code 2 * x * g} for
   * {@code pow(x, 2)}); d/db a^b = ln(a) a^b.
   */
  private static String pow(int i, Operands o) {
    String a = o.args().get(0);
    String b = o.args().get(1);
    if (i == 1) {
      return substitute("$a == 0 ? 0.0 : Math.log($a) * $r * $g", o);
    }
    Double exponent = literalValue(b);
    if (exponent == null) {
      return substitute("$b == 0 ? 0.0 : $b * Math.pow($a, $b - 1) * $g", o);
    }
    if (exponent == 0) {
      return "0.0";
    }
    if (exponent == 1) {
      return o.adjoint();
    }
    if (exponent == 2) {
      return "2 * " + a + " * " + o.adjoint();
    }
    return b + " * Math.pow(" + a + ", " + literal(exponent - 1) + ") * " + o.adjoint();
  }

  private static Double literalValue(String code) {
    try {
      return Double.valueOf(code.replace("(", "").replace(")", ""));
    } catch (NumberFormatException notALiteral) {
      return null;
    }
  }

  private static String literal(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value) : Double.toString(value);
  }

  /** The Java code of an operand, parenthesized unless it is a plain name or number. */
  public static String code(Operand operand) {
    String code = operand instanceof Constant constant ? constant.code() : operand.toString();
    return code.matches("[\\w.]+") ? code : "(" + code + ")";
  }

  private static Rule template(String... perOperand) {
    return (i, operands) -> substitute(perOperand[i], operands);
  }

  private static String substitute(String template, Operands o) {
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < template.length(); k++) {
      char c = template.charAt(k);
      if (c != '$') {
        out.append(c);
        continue;
      }
      char name = template.charAt(++k);
      out.append(switch (name) {
        case 'a' -> o.args().get(0);
        case 'b' -> o.args().get(1);
        case 'r' -> o.result();
        case 'g' -> o.adjoint();
        default -> throw new IllegalArgumentException("bad template " + template);
      });
    }
    return out.toString();
  }

  /** The code of an operation's operands, result and result adjoint, for filling a template. */
  private record Operands(List<String> args, String result, String adjoint) {}

  @FunctionalInterface
  private interface Rule {
    String contribution(int operand, Operands operands);
  }
}
