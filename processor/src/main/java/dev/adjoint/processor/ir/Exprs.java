package dev.adjoint.processor.ir;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** What IR operands and expressions read, nested operations included. */
public final class Exprs {
  private Exprs() {}

  /** {@code expr} with each operand replaced by what {@code f} gives for it. */
  public static Expr map(Expr expr, UnaryOperator<Operand> f) {
    if (expr instanceof Copy copy) {
      return new Copy(f.apply(copy.a()));
    }
    if (expr instanceof Unary unary) {
      return new Unary(unary.op(), f.apply(unary.a()));
    }
    if (expr instanceof Binary binary) {
      return new Binary(binary.op(), f.apply(binary.a()), f.apply(binary.b()));
    }
    if (expr instanceof MathCall call) {
      return new MathCall(call.owner(), call.function(), all(call.args(), f));
    }
    if (expr instanceof Cast cast) {
      return new Cast(cast.to(), f.apply(cast.a()));
    }
    if (expr instanceof Load load) {
      return new Load(load.array(), all(load.indices(), f));
    }
    if (expr instanceof Length length) {
      return new Length(length.array(), all(length.rows(), f));
    }
    if (expr instanceof NewArray create) {
      return new NewArray(create.type(), all(create.dimensions(), f));
    }
    if (expr instanceof Call call) {
      return new Call(call.callee(), all(call.args(), f));
    }
    if (expr instanceof Select select) {
      return new Select(f.apply(select.condition()), f.apply(select.then()),
          f.apply(select.otherwise()));
    }
    return expr; // CloneArray, Zeros: their operand is the array itself
  }

  /**
   * Operands with each variable {@code f} gives a replacement for (not null) replaced by it,
   * nested operations included.
   */
  public static UnaryOperator<Operand> substituting(Function<Var, Operand> f) {
    return new UnaryOperator<>() {
      @Override
      public Operand apply(Operand o) {
        Operand replaced = o instanceof Var v ? f.apply(v) : null;
        return replaced != null ? replaced
            : o instanceof Nested nested ? new Nested(map(nested.expr(), this), nested.type())
            : o;
      }
    };
  }

  private static List<Operand> all(List<Operand> operands, UnaryOperator<Operand> f) {
    return operands.stream().map(f).toList();
  }

  /** Calls {@code action} for every operation nested in {@code operand}, outermost first. */
  public static void forEachNested(Operand operand, Consumer<Expr> action) {
    if (operand instanceof Nested nested) {
      action.accept(nested.expr());
      nested.expr().operands().forEach(o -> forEachNested(o, action));
    }
  }

  /** The variables {@code operands} read, nested operations included, in order of appearance. */
  public static Set<Var> vars(List<Operand> operands) {
    Set<Var> vars = new LinkedHashSet<>();
    operands.forEach(o -> addVars(o, vars));
    return vars;
  }

  /** The variables {@code operand} reads, nested operations included. */
  public static Set<Var> vars(Operand operand) {
    return vars(List.of(operand));
  }

  private static void addVars(Operand operand, Set<Var> out) {
    if (operand instanceof Var v) {
      out.add(v);
    } else if (operand instanceof Nested nested) {
      nested.expr().operands().forEach(o -> addVars(o, out));
    }
  }
}
