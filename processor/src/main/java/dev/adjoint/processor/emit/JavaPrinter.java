package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.AddArray;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Break;
import dev.adjoint.processor.ir.Call;
import dev.adjoint.processor.ir.Cast;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Comment;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Located;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.NewArray;
import dev.adjoint.processor.ir.OpenTape;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Pop;
import dev.adjoint.processor.ir.Push;
import dev.adjoint.processor.ir.Reload;
import dev.adjoint.processor.ir.Reserve;
import dev.adjoint.processor.ir.Reused;
import dev.adjoint.processor.ir.ReverseLoop;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Settle;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Tape;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Unary;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.ZeroFill;
import dev.adjoint.processor.ir.Zeros;
import dev.adjoint.processor.reverse.Adjoint;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Java source of IR statements and expressions: the only code that knows Java's syntax. Every
 * declaration, push and comment is in the IR it is given, also where a tape kept in locals gets
 * room and is handed back ({@link dev.adjoint.processor.reverse.LocalTapes}). Nested
 * operations get parentheses exactly where Java's precedence needs them ({@code (1 + r * r) * g},
 * {@code g / (a * b)}, never {@code a + (b * c)}); evaluation order is the tree's, so a printed
 * expression computes what the IR says, bit for bit. Each statement with a source line is
 * preceded by a comment naming it, unless the statement before came from the same line.
 */
final class JavaPrinter {
  private static final ClassName DOUBLE_STACK = ClassName.get("dev.adjoint", "DoubleStack");
  private static final ClassName INT_STACK = ClassName.get("dev.adjoint", "IntStack");
  private static final ClassName REFERENCE_STACK = ClassName.get("dev.adjoint", "ReferenceStack");

  private final CodeBlock.Builder out;
  private final Adjoint.TapeNames names;
  /** The index of the element-wise loops this method's statements need. */
  private final String index;
  private Origin lastOrigin;
  /** The tapes whose array and top this method keeps in locals (doubles and ints). */
  private final Set<Tape> local = EnumSet.noneOf(Tape.class);

  /**
   * A printer into {@code out} of statements that use the tapes {@code names} names and
   * {@code index} as a free local name.
   */
  JavaPrinter(CodeBlock.Builder out, Adjoint.TapeNames names, String index) {
    this.out = out;
    this.names = names;
    this.index = index;
  }

  void print(Block block) {
    print(block.statements());
  }

  void print(List<Stmt> statements) {
    statements.forEach(this::print);
  }

  void print(Stmt stmt) {
    comment(stmt);
    printStatement(stmt);
  }

  private void printStatement(Stmt stmt) {
    if (stmt instanceof Declare declare) {
      Var v = declare.var();
      if (declare.init() == null) {
        out.addStatement("$L $N", v.type().javaName(), v.name());
      } else {
        out.addStatement("$L $N = $L", v.type().javaName(), v.name(), expr(declare.init()));
      }
    } else if (stmt instanceof Assign assign) {
      assign(assign);
    } else if (stmt instanceof Store store) {
      out.addStatement("$L $L= $L", element(store.array(), store.indices()),
          store.compound() == null ? "" : store.compound().symbol(), operand(store.value()));
    } else if (stmt instanceof Accumulate add) {
      accumulate(add);
    } else if (stmt instanceof AddArray add && add.source().type() == Type.DOUBLE_MATRIX) {
      out.addStatement("dev.adjoint.Shapes.addInto($L, $N)", operand(add.target()),
          add.source().name());
    } else if (stmt instanceof AddArray add) {
      String target = operand(add.target());
      out.beginControlFlow("for (int $N = 0; $N < $L.length; $N++)", index, index, target, index);
      out.addStatement("$L[$N] += $N[$N]", target, index, add.source().name(), index);
      out.endControlFlow();
    } else if (stmt instanceof OpenTape open) {
      openTape(open.tape());
    } else if (stmt instanceof Push push) {
      push(push);
    } else if (stmt instanceof Pop pop) {
      out.addStatement("$L = $L", element(pop.target(), pop.indices()), pop(pop.type()));
    } else if (stmt instanceof Reserve reserve) {
      out.addStatement("$N = $N.reserve($N, $L)", values(reserve.tape()), tape(reserve.tape()),
          top(reserve.tape()), operand(reserve.count()));
    } else if (stmt instanceof Settle settle) {
      out.addStatement("$N.settle($N)", tape(settle.tape()), top(settle.tape()));
    } else if (stmt instanceof Reload reload) {
      out.addStatement("$N = $N.values()", values(reload.tape()), tape(reload.tape()));
    } else if (stmt instanceof DerivativeCall call) {
      out.addStatement("$L($L)", call.method(), list(call.arguments()));
    } else if (stmt instanceof ZeroFill fill && fill.array().type() == Type.DOUBLE_MATRIX) {
      out.addStatement("dev.adjoint.Shapes.zero($N)", fill.array().name());
    } else if (stmt instanceof ZeroFill fill) {
      out.addStatement("java.util.Arrays.fill($N, 0.0)", fill.array().name());
    } else if (stmt instanceof Comment comment) {
      if (comment.blankLineBefore()) {
        out.add("\n");
      }
      if (comment.text() != null) {
        out.add("// $L\n", comment.text());
      }
      lastOrigin = null; // the next statement's line is named again
    } else if (stmt instanceof If branch) {
      branch(branch);
    } else if (stmt instanceof Loop loop) {
      loop(loop);
    } else if (stmt instanceof ReverseLoop loop) {
      reverseLoop(loop);
    } else if (stmt instanceof Break) {
      out.addStatement("break");
    }
  }

  /** {@code i++} and {@code i--} for an int or long counter; else {@code x = value}. */
  private void assign(Assign assign) {
    Var target = assign.target();
    if (assign.value() instanceof Binary binary
        && (binary.op() == Binary.Op.ADD || binary.op() == Binary.Op.SUB)
        && binary.a().equals(target) && binary.b() instanceof Constant one && one.is(1)
        && (target.type() == Type.INT || target.type() == Type.LONG)) {
      out.addStatement("$N$L", target.name(), binary.op() == Binary.Op.ADD ? "++" : "--");
    } else {
      out.addStatement("$N = $L", target.name(), expr(assign.value()));
    }
  }

  /** {@code d += v}; {@code d -= x} for {@code v = -x}; {@code double d = v} when it declares. */
  private void accumulate(Accumulate add) {
    String target = element(add.target(), add.indices());
    Operand subtracted = negated(add.value());
    if (add.declares()) {
      out.addStatement("double $L = $L", target, operand(add.value()));
    } else if (subtracted != null) {
      out.addStatement("$L -= $L", target, operand(subtracted));
    } else {
      out.addStatement("$L += $L", target, operand(add.value()));
    }
  }

  /** {@code test} as the operand of {@code !}: in parentheses unless a variable or constant. */
  private String negatable(Operand test) {
    String printed = operand(test);
    return test instanceof Nested ? "(" + printed + ")" : printed;
  }

  private void branch(If branch) {
    String condition = operand(branch.condition());
    if (branch.then().isEmpty()) {
      out.beginControlFlow("if (!$L)", negatable(branch.condition()));
      print(branch.otherwise());
    } else {
      out.beginControlFlow("if ($L)", condition);
      print(branch.then());
      if (!branch.otherwise().isEmpty()) {
        out.nextControlFlow("else");
        print(branch.otherwise());
      }
    }
    out.endControlFlow();
  }

  /**
   * A counted loop as {@code for}; any other as {@code while (true)} with its test (the header's
   * statements, then a break) first, or last for {@code do}-{@code while}.
   */
  private void loop(Loop loop) {
    Loop.Counted counted = loop.counted();
    if (counted != null) {
      String i = counted.index().name();
      String test = (counted.downward() ? ">" : "<") + (counted.inclusive() ? "=" : "");
      out.beginControlFlow("for (int $N = $L; $N $L $L; $L)", i, operand(counted.from()), i,
          test, operand(counted.to()), step(i, counted.step()));
      print(loop.body());
      out.endControlFlow();
      return;
    }
    out.beginControlFlow("while (true)");
    if (!loop.testAtEnd()) {
      test(loop);
    }
    print(loop.body());
    if (loop.testAtEnd()) {
      test(loop);
    }
    out.endControlFlow();
  }

  private void test(Loop loop) {
    print(loop.header());
    if (!Constant.TRUE.equals(loop.test())) {
      out.beginControlFlow("if (!$L)", negatable(loop.test()));
      out.addStatement("break");
      out.endControlFlow();
    }
  }

  private void reverseLoop(ReverseLoop back) {
    Loop.Counted counted = back.loop().counted();
    if (counted != null && back.inOrder()) {
      String i = counted.index().name();
      Operand last = back.last();
      if (counted.step() == 1 && last instanceof Nested nested
          && nested.expr() instanceof Binary minus && minus.op() == Binary.Op.SUB
          && minus.b() instanceof Constant one && one.is(1)) {
        out.beginControlFlow("for (int $N = $L; $N < $L; $N++)", i, operand(back.from()), i,
            operand(minus.a()), i); // up to n - 1: i < n
      } else {
        out.beginControlFlow("for (int $N = $L; $N $L $L; $L)", i, operand(back.from()), i,
            counted.downward() ? ">=" : "<=", operand(last), step(i, counted.step()));
      }
    } else if (counted != null) {
      String i = counted.index().name();
      out.beginControlFlow("for (int $N = $L; $N $L $L; $L)", i, operand(back.last()), i,
          counted.downward() ? "<=" : ">=", operand(back.from()), step(i, -counted.step()));
    } else {
      String trips = back.trips().name();
      if (back.tripsOnTape()) {
        out.addStatement("int $N = $L", trips, pop(Type.INT));
      }
      out.beginControlFlow("for (; $N > 0; $N--)", trips, trips);
    }
    print(back.body());
    out.endControlFlow();
  }

  /** {@code i++}, {@code i--}, {@code i += 2}, {@code i -= 2}. */
  private static String step(String i, int step) {
    return step == 1 ? i + "++" : step == -1 ? i + "--"
        : step > 0 ? i + " += " + step : i + " -= " + -step;
  }

  private void comment(Stmt stmt) {
    Origin origin = stmt instanceof Located located ? located.origin() : null;
    if (origin == null) {
      return;
    }
    if (lastOrigin == null || lastOrigin.line() != origin.line()
        || !lastOrigin.text().equals(origin.text())) {
      out.add("// line $L: $L\n", origin.line(), origin.text());
    }
    lastOrigin = origin;
  }

  private String tape(Tape tape) {
    return switch (tape) {
      case DOUBLES -> names.doubleTape();
      case INTS -> names.intTape();
      case REFERENCES -> names.referenceTape();
    };
  }

  private static ClassName stack(Tape tape) {
    return switch (tape) {
      case DOUBLES -> DOUBLE_STACK;
      case INTS -> INT_STACK;
      case REFERENCES -> REFERENCE_STACK;
    };
  }

  /**
   * {@code DoubleStack doubleTape = DoubleStack.forThisThread();}; for doubles and ints also the
   * locals that hold its array and top while the method runs ({@link #local}).
   */
  private void openTape(Tape tape) {
    ClassName stack = stack(tape);
    out.addStatement("$T $N = $T.forThisThread()", stack, tape(tape), stack);
    if (tape.keptInLocals()) {
      local.add(tape);
      out.addStatement("$L[] $N = $N.values()", tape == Tape.DOUBLES ? "double" : "int",
          values(tape), tape(tape));
      out.addStatement("int $N = $N.size()", top(tape), tape(tape));
    }
  }

  /**
   * {@code doubles[doublesTop++] = x}, in room reserved before ({@link Reserve});
   * {@code arrayTape.push(a)} for arrays.
   */
  private void push(Push push) {
    Tape tape = push.tape();
    String value = operand(push.value());
    if (!local.contains(tape)) {
      out.addStatement("$N.push($L)", tape(tape), value);
      return;
    }
    Type type = push.value().type();
    out.addStatement("$N[$N++] = $L", values(tape), top(tape),
        type == Type.LONG ? "Double.longBitsToDouble(" + value + ")"
            : type == Type.BOOLEAN ? value + " ? 1 : 0" : value);
  }

  private String values(Tape tape) {
    return tape == Tape.DOUBLES ? names.doubleValues() : names.intValues();
  }

  private String top(Tape tape) {
    return tape == Tape.DOUBLES ? names.doubleTop() : names.intTop();
  }

  /** The expression that pops a value of {@code type}; longs travel bit for bit in a double. */
  private String pop(Type type) {
    Tape tape = Tape.of(type);
    String popped = local.contains(tape) ? values(tape) + "[--" + top(tape) + "]"
        : tape(tape) + ".pop()";
    return switch (type) {
      case DOUBLE, INT -> popped;
      case FLOAT, SHORT, BYTE, CHAR -> "(" + type.javaName() + ") " + popped;
      case LONG -> "Double.doubleToRawLongBits(" + popped + ")";
      case BOOLEAN -> popped + " != 0";
      case DOUBLE_ARRAY, DOUBLE_MATRIX, DOUBLE_TENSOR, INT_ARRAY, BOOLEAN_ARRAY, OBJECT ->
          "(" + type.javaName() + ") " + popped;
    };
  }

  /** Precedence levels, loosest first, as in the Java Language Specification (15). */
  private static final int TERNARY = 1;
  /** {@code c ? b : false} is {@code c && b}, {@code c ? true : b} is {@code c || b}. */
  private static final int CONDITIONAL_OR = 2;
  private static final int CONDITIONAL_AND = 3;
  private static final int UNARY = 13;
  private static final int PRIMARY = 14;

  /** {@code expr} as a whole expression (an initializer, a right-hand side). */
  static String expr(Expr expr) {
    return expr(expr, 0);
  }

  /** {@code operand} as a whole expression. */
  static String operand(Operand operand) {
    return operand(operand, 0, false);
  }

  /** {@code array[i][j]}. */
  static String element(Var array, List<Operand> indices) {
    return array.name() + indices(indices);
  }

  /** {@code [i][j]}. */
  static String indices(List<Operand> indices) {
    return indices.stream().map(i -> "[" + operand(i) + "]").collect(Collectors.joining());
  }

  /**
   * {@code x} if {@code value} is {@code -x} or a product or quotient whose leftmost factor is
   * negated ({@code -r * g / b} gives {@code r * g / b}), else null: {@code d -= x} then says
   * what {@code d += value} says, bit for bit (IEEE negation commutes with * and /).
   */
  static Operand negated(Operand value) {
    if (!(value instanceof Nested nested)) {
      return null;
    }
    if (nested.expr() instanceof Unary unary && unary.op() == Unary.Op.NEG) {
      return unary.a();
    }
    if (nested.expr() instanceof Binary binary
        && (binary.op() == Binary.Op.MUL || binary.op() == Binary.Op.DIV)) {
      Operand left = negated(binary.a());
      return left == null ? null
          : new Nested(new Binary(binary.op(), left, binary.b()), nested.type());
    }
    return null;
  }

  /**
   * An operand inside an operation of precedence {@code outer}; {@code right} for the right
   * operand of a binary operation, which needs parentheses at equal precedence too
   * ({@code a - (b - c)}).
   */
  private static String operand(Operand operand, int outer, boolean right) {
    if (operand instanceof Var v) {
      return v.name();
    }
    if (operand instanceof Constant constant) {
      String code = constant.code();
      boolean cast = code.contains(" ");
      int own = cast || code.startsWith("-") ? UNARY : PRIMARY;
      return outer > 0 && (cast || own < outer || own == outer && right)
          ? "(" + code + ")" : code;
    }
    Expr expr = ((Nested) operand).expr();
    int own = precedence(expr);
    String code = expr(expr, own);
    return own < outer || own == outer && right ? "(" + code + ")" : code;
  }

  private static String expr(Expr expr, int own) {
    if (expr instanceof Copy copy) {
      return operand(copy.a(), own, false);
    }
    if (expr instanceof Unary unary) {
      String a = operand(unary.a(), UNARY, false);
      return unary.op().symbol() + (a.startsWith("-") ? "(" + a + ")" : a);
    }
    if (expr instanceof Binary binary) {
      int p = precedence(binary.op());
      return operand(binary.a(), p, false) + " " + binary.op().symbol() + " "
          + operand(binary.b(), p, true);
    }
    if (expr instanceof Select select && precedence(select) != TERNARY) {
      int p = precedence(select);
      String op = p == CONDITIONAL_AND ? " && " : " || ";
      Operand other = p == CONDITIONAL_AND ? select.then() : select.otherwise();
      return operand(select.condition(), p, false) + op + operand(other, p, true);
    }
    if (expr instanceof Select select) {
      return operand(select.condition(), TERNARY, true) + " ? "
          + operand(select.then(), TERNARY, false) + " : "
          + operand(select.otherwise(), TERNARY, false);
    }
    if (expr instanceof MathCall call) {
      return call.owner() + "." + call.function() + "(" + list(call.args()) + ")";
    }
    if (expr instanceof Call call) {
      return call.callee().code() + "(" + list(call.args()) + ")";
    }
    if (expr instanceof Load load) {
      return element(load.array(), load.indices());
    }
    if (expr instanceof Length length) {
      return element(length.array(), length.rows()) + ".length";
    }
    if (expr instanceof NewArray create) {
      int rank = create.type().rank();
      return "new " + create.type().element(rank).javaName()
          + indices(create.dimensions())
          + "[]".repeat(rank - create.dimensions().size());
    }
    if (expr instanceof CloneArray clone) {
      return clone.array().type() == Type.DOUBLE_MATRIX
          ? "dev.adjoint.Shapes.copyOf(" + clone.array().name() + ")"
          : clone.array().name() + ".clone()";
    }
    if (expr instanceof Reused reused) {
      return reused.made() instanceof CloneArray clone
          ? "dev.adjoint.Shapes.copied(" + reused.buffer().name() + ", " + clone.array().name()
              + ")"
          : "dev.adjoint.Shapes." + (reused.zeroed() ? "zeroed(" : "reused(")
              + reused.buffer().name() + ", "
              + list(((NewArray) reused.made()).dimensions()) + ")";
    }
    if (expr instanceof Zeros zeros && zeros.reuse() != null) {
      return "dev.adjoint.Shapes.zeroed(" + zeros.reuse().name() + ", " + zeros.shape().name()
          + ")";
    }
    if (expr instanceof Zeros zeros) {
      return zeros.shape().type().rank() > 1
          ? "dev.adjoint.Shapes.zerosLike(" + zeros.shape().name() + ")"
          : "new double[" + zeros.shape().name() + ".length]";
    }
    Cast cast = (Cast) expr;
    return "(" + cast.to().javaName() + ") " + operand(cast.a(), UNARY, false);
  }

  static String list(List<Operand> operands) {
    return operands.stream().map(JavaPrinter::operand).collect(Collectors.joining(", "));
  }

  private static int precedence(Expr expr) {
    if (expr instanceof Binary binary) {
      return precedence(binary.op());
    }
    if (expr instanceof Select select) {
      return Constant.FALSE.equals(select.otherwise()) ? CONDITIONAL_AND
          : Constant.TRUE.equals(select.then()) ? CONDITIONAL_OR : TERNARY;
    }
    if (expr instanceof Unary || expr instanceof Cast) {
      return UNARY;
    }
    return PRIMARY;
  }

  private static int precedence(Binary.Op op) {
    return switch (op) {
      case OR -> 5;
      case XOR -> 6;
      case AND -> 7;
      case EQ, NE -> 8;
      case LT, LE, GT, GE -> 9;
      case SHL, SHR, USHR -> 10;
      case ADD, SUB -> 11;
      case MUL, DIV, REM -> 12;
    };
  }
}
