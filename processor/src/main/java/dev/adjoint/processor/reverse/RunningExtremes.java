package dev.adjoint.processor.reverse;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.analysis.LoopFacts;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loops that keep a running maximum, {@code for (i ...) m = Math.max(m, a[i])} (or minimum), as
 * a person differentiates them: the forward sweep notes the index of the element that last won,
 * {@code mAt = m >= a[i] ? mAt : i} (the rules table's tie rule: {@code max} routes to its first
 * operand when {@code m >= a[i]}), and the backward pass adds the running value's adjoint to that
 * one element, {@code if (mAt >= 0) da[mAt] += dm}, or leaves it to the value before the loop when
 * no element won. Routing step by step backward gives the same: each step passes the adjoint on
 * to the old value until the last step whose element won, which takes it all. So nothing is
 * saved per step (the old values of {@code m}) and the backward pass does not loop.
 *
 * <p>The loop's body must be exactly {@code t = a[i]; m = Math.max(m, t)} ({@code min} alike),
 * {@code i} its counter (the last index; any before it constants or counters of loops around,
 * {@code x[r][j]}), {@code t} read nowhere else, {@code m} a {@code double} that is active
 * and lives outside the loop, {@code a} an array never made anew. The same is kept by a branch,
 * {@code if (a[i] > m) m = a[i];}, and a running value chosen among values the iterations compute
 * ({@code best = Math.min(best, d)} or {@code if (d < best) { best = d; bestC = c; }}, a
 * {@link Choice}) notes the iteration that won, whose backward pass alone then runs
 * ({@link ChosenIterations}).
 */
final class RunningExtremes {
  /**
   * A loop's running value, the array it reads, the index of the element that won, the indices
   * of that element ({@code [r, mAt]} for {@code m = Math.max(m, x[r][j])}), and the step
   * {@code m = Math.max(m, t)} itself.
   */
  record Extreme(Var value, Var array, Var winner, List<Operand> element, Assign step) {}

  /**
   * A loop's running value chosen among values its iterations compute, {@code best =
   * Math.min(best, d)} with {@code d} the iteration's own (k-means' nearest centre): the
   * iteration that won, noted as {@code winner}, and the step itself.
   */
  record Choice(Var value, Var candidate, Var winner, Var counter, Assign step) {}

  private final Function function;
  private final LoopFacts loops;
  private final Activity activity;
  private final Map<Loop, Extreme> found = new IdentityHashMap<>();
  private final Map<Assign, Choice> choices = new IdentityHashMap<>();

  private RunningExtremes(Function function, Activity activity) {
    this.function = function;
    this.loops = LoopFacts.of(function);
    this.activity = activity;
  }

  /**
   * The function rewritten to note the winners, its loops that do over elements, and its steps
   * that choose among values of their iterations.
   */
  record Rewritten(Function function, Map<Loop, Extreme> loops, Map<Assign, Choice> choices) {}

  static Rewritten of(Function function, Activity activity) {
    RunningExtremes pass = new RunningExtremes(function, activity);
    Block body = pass.rewrite(function.body());
    return pass.found.isEmpty() && pass.choices.isEmpty()
        ? new Rewritten(function, Map.of(), Map.of())
        : new Rewritten(new Function(function.name(), function.params(), function.result(), body,
            function.names()), pass.found, pass.choices);
  }

  private Block rewrite(Block block) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      Stmt mapped = Statements.mapBlocks(stmt, this::rewrite);
      if (stmt instanceof Loop loop && extreme(loop) != null) {
        Assign read = (Assign) loop.body().statements().get(0);
        Assign step = (Assign) loop.body().statements().get(1);
        boolean max = ((MathCall) step.value()).function().equals("max");
        out.add(noting(loop, read, step, winner -> {
          Var wins = new Var(function.names().numbered("t"), Type.BOOLEAN);
          return List.of(read,
              new Assign(wins, new Binary(max ? Binary.Op.GE : Binary.Op.LE, step.target(),
                  read.target()), step.origin()),
              new Assign(winner, new Select(wins, winner, loop.counted().index()),
                  step.origin()),
              step);
        }, out));
      } else if (stmt instanceof Loop loop && extremeByIf(loop) != null) {
        Assign read = (Assign) loop.body().statements().get(0);
        Assign test = (Assign) loop.body().statements().get(1);
        If branch = (If) loop.body().statements().get(2);
        Assign step = (Assign) branch.then().statements().get(0);
        out.add(noting(loop, read, step, winner -> List.of(read, test,
            new Assign(winner, new Select(test.target(), loop.counted().index(), winner),
                branch.origin()),
            branch), out));
      } else if (stmt instanceof Loop original && choiceByIf(original) != null) {
        out.add(choosingByIf((Loop) mapped, choiceByIf(original), out));
      } else if (stmt instanceof Loop original && choice(original) != null) {
        Loop loop = (Loop) mapped;
        List<Stmt> body = new ArrayList<>(loop.body().statements());
        Assign step = (Assign) body.remove(body.size() - 1);
        Var value = step.target();
        Var candidate = choice(original);
        Var counter = loop.counted().index();
        Var winner = new Var(function.names().fresh(value.name() + "At"), Type.INT);
        Var wins = new Var(function.names().numbered("t"), Type.BOOLEAN);
        boolean max = ((MathCall) step.value()).function().equals("max");
        out.add(new Assign(winner, new Copy(Constant.integer(-1)), loop.origin()));
        body.add(new Assign(wins, new Binary(max ? Binary.Op.GE : Binary.Op.LE, value,
            candidate), step.origin()));
        body.add(new Assign(winner, new Select(wins, winner, counter), step.origin()));
        body.add(step);
        choices.put(step, new Choice(value, candidate, winner, counter, step));
        out.add(loop.withBody(new Block(body)));
      } else {
        out.add(mapped);
      }
    }
    return ScratchRows.sameStatements(out, block) ? block : new Block(out);
  }

  /**
   * {@code loop}, whose iterations end {@code t = d < best; if (t) { best = d; rest }}, with that
   * end written as a step {@link #choice} knows: {@code if (t) { rest }}, the winner noted,
   * {@code best = t ? d : best} (the same value: the primal keeps its comparison; {@code rest}
   * names neither {@code best} nor {@code t}, so it may come first). {@code winner = -1} is added
   * to {@code out} before the loop.
   */
  private Loop choosingByIf(Loop loop, Var candidate, List<Stmt> out) {
    List<Stmt> body = new ArrayList<>(loop.body().statements());
    If branch = (If) body.remove(body.size() - 1);
    Assign test = (Assign) body.get(body.size() - 1);
    List<Stmt> rest = new ArrayList<>(branch.then().statements());
    Assign chosen = (Assign) rest.remove(0);
    Var value = chosen.target();
    Var counter = loop.counted().index();
    Var winner = new Var(function.names().fresh(value.name() + "At"), Type.INT);
    out.add(new Assign(winner, new Copy(Constant.integer(-1)), loop.origin()));
    if (!rest.isEmpty()) {
      body.add(new If(test.target(), new Block(rest), new Block(List.of()), branch.origin()));
    }
    body.add(new Assign(winner, new Select(test.target(), counter, winner), branch.origin()));
    Assign step = new Assign(value, new Select(test.target(), candidate, value),
        chosen.origin());
    body.add(step);
    choices.put(step, new Choice(value, candidate, winner, counter, step));
    return loop.withBody(new Block(body));
  }

  /**
   * {@code loop} of a running extreme with the body {@code body} gives it, which notes the
   * element that won in {@code winner}; {@code winner = -1} added to {@code out} before it (no
   * element won yet), and the loop recorded with its {@link Extreme}.
   */
  private Loop noting(Loop loop, Assign read, Assign step,
      java.util.function.Function<Var, List<Stmt>> body, List<Stmt> out) {
    Var value = step.target();
    Var winner = new Var(function.names().fresh(value.name() + "At"), Type.INT);
    out.add(new Assign(winner, new Copy(Constant.integer(-1)), loop.origin()));
    Loop noting = loop.withBody(new Block(body.apply(winner)));
    Load load = (Load) read.value();
    List<Operand> element = new ArrayList<>(load.indices());
    element.set(element.size() - 1, winner);
    found.put(noting, new Extreme(value, load.array(), winner, element, step));
    return noting;
  }

  /**
   * The value of its iteration that {@code loop}'s last statement chooses, {@code d} of
   * {@code best = Math.min(best, d)} (or {@code max}), if {@code loop} is counted, {@code d} a
   * {@code double} of the iteration, {@code best} an active {@code double} from outside the loop
   * that nothing else in the loop names; else null.
   */
  private Var choice(Loop loop) {
    List<Stmt> body = loop.body().statements();
    if (loop.counted() == null || body.isEmpty()
        || !(body.get(body.size() - 1) instanceof Assign step
            && step.value() instanceof MathCall call && call.owner().equals("Math")
            && (call.function().equals("max") || call.function().equals("min"))
            && call.args().size() == 2 && call.args().get(0).equals(step.target())
            && call.args().get(1) instanceof Var candidate)) {
      return null;
    }
    Var value = step.target();
    boolean[] elsewhere = {false};
    Statements.forEach(loop.body(), stmt -> elsewhere[0] |= stmt != step
        && Statements.vars(stmt).contains(value));
    return !elsewhere[0] && choosesAmongIterations(loop, value, candidate) ? candidate : null;
  }

  /**
   * The value of its iteration that {@code loop} keeps by a branch at its end,
   * {@code if (d < best) best = d;} (any of {@code < <= > >=}, either order; the branch may
   * also set locals the derivative does not need, {@code bestC = c}): the last iteration whose
   * branch was taken wins, as the branch routes the adjoint step by step. {@code d} a
   * {@code double} of the iteration, {@code best} an active {@code double} from outside the loop
   * that nothing else in the loop names; else null.
   */
  private Var choiceByIf(Loop loop) {
    List<Stmt> body = loop.body().statements();
    int n = body.size();
    if (loop.counted() == null || n < 2
        || !(body.get(n - 2) instanceof Assign test && test.value() instanceof Binary compare
            && switch (compare.op()) {
              case LT, LE, GT, GE -> true;
              default -> false;
            })
        || !(body.get(n - 1) instanceof If branch && branch.condition().equals(test.target())
            && branch.otherwise().statements().isEmpty()
            && !branch.then().statements().isEmpty()
            && branch.then().statements().get(0) instanceof Assign chosen
            && chosen.value() instanceof Copy copy && copy.a() instanceof Var candidate)) {
      return null;
    }
    Var value = chosen.target();
    if (!compare.operands().equals(List.of(candidate, value))
        && !compare.operands().equals(List.of(value, candidate))
        || loops.assignments(test.target()) != 1) {
      return null;
    }
    boolean[] elsewhere = {false};
    Statements.forEach(loop.body(), stmt -> elsewhere[0] |= stmt != test && stmt != chosen
        && stmt != branch && Statements.vars(stmt).contains(value));
    Statements.forEach(function.body(), stmt -> elsewhere[0] |= stmt != test && stmt != branch
        && Statements.vars(stmt).contains(test.target()));
    for (Stmt rest : branch.then().statements().subList(1, branch.then().statements().size())) {
      elsewhere[0] |= !(rest instanceof Assign other) || activity.isActive(other.target())
          || other.target().equals(candidate);
    }
    return !elsewhere[0] && choosesAmongIterations(loop, value, candidate) ? candidate : null;
  }

  /**
   * Whether {@code value} may be a running value chosen among {@code candidate}s of
   * {@code loop}'s iterations: both {@code double}s, the candidate the iteration's own, the
   * value an active one from outside the loop.
   */
  private boolean choosesAmongIterations(Loop loop, Var value, Var candidate) {
    return value.type() == Type.DOUBLE && candidate.type() == Type.DOUBLE
        && !candidate.equals(value) && loops.home(candidate) == loop.body()
        && loops.home(value) != loop.body() && activity.isActive(value);
  }

  /** The running value of {@code loop} if it is a running maximum or minimum; else null. */
  private Var extreme(Loop loop) {
    List<Stmt> body = loop.body().statements();
    Assign read = elementRead(loop);
    if (body.size() != 2 || read == null
        || !(body.get(1) instanceof Assign step && step.value() instanceof MathCall call
            && call.owner().equals("Math")
            && (call.function().equals("max") || call.function().equals("min"))
            && call.args().equals(List.of(step.target(), read.target())))) {
      return null;
    }
    return runningValue(read, step, List.of(read, step), loop);
  }

  /**
   * The running value of {@code loop} if it keeps an extreme by a branch,
   * {@code if (a[i] > m) m = a[i];} (any comparison of the element with {@code m}, the element
   * or its read assigned): the last iteration whose branch was taken wins, as the branch routes
   * the adjoint step by step. The primal keeps its own comparisons (a {@code NaN} element never
   * wins, unlike in {@code Math.max}). Else null.
   */
  private Var extremeByIf(Loop loop) {
    List<Stmt> body = loop.body().statements();
    Assign read = elementRead(loop);
    if (body.size() != 3 || read == null
        || !(body.get(1) instanceof Assign test && test.value() instanceof Binary compare
            && switch (compare.op()) {
              case LT, LE, GT, GE -> true;
              default -> false;
            }
            && compare.operands().contains(read.target()))
        || !(body.get(2) instanceof If branch && branch.condition().equals(test.target())
            && branch.otherwise().statements().isEmpty()
            && branch.then().statements().size() == 1
            && branch.then().statements().get(0) instanceof Assign step
            && (step.value().equals(new Copy(read.target())) || step.value().equals(read.value())))
        || !compare.operands().contains(step.target())
        || loops.assignments(test.target()) != 1) {
      return null;
    }
    boolean[] elsewhere = {false};
    Statements.forEach(function.body(), stmt -> elsewhere[0] |= stmt != test && stmt != branch
        && Statements.vars(stmt).contains(test.target()));
    return elsewhere[0] ? null : runningValue(read, step, List.of(read, test, step), loop);
  }

  /**
   * The loop's first statement if it reads an element at the loop's counter,
   * {@code t = a[i]} ({@code x[r][j]}: any index before the last a constant or a counter of a
   * loop around); else null.
   */
  private Assign elementRead(Loop loop) {
    List<Stmt> body = loop.body().statements();
    return loop.counted() != null && !body.isEmpty()
        && body.get(0) instanceof Assign read && read.value() instanceof Load load
        && load.indices().get(load.indices().size() - 1).equals(loop.counted().index())
        && load.indices().subList(0, load.indices().size() - 1).stream()
            .allMatch(i -> i instanceof Constant || i instanceof Var v && loops.isCounter(v)
                && loops.loopsAround(loop).stream()
                    .anyMatch(l -> l.counted() != null && l.counted().index().equals(i)))
        ? read : null;
  }

  /**
   * {@code step}'s target if it is an active {@code double} from outside {@code loop}, the
   * element {@code read} reads a {@code double} that statements other than {@code uses} do not
   * name, and the array never made anew; else null.
   */
  private Var runningValue(Assign read, Assign step, List<Stmt> uses, Loop loop) {
    Var value = step.target();
    Var element = read.target();
    Var array = ((Load) read.value()).array();
    boolean[] elsewhere = {false};
    Statements.forEach(function.body(), stmt -> elsewhere[0] |=
        uses.stream().noneMatch(u -> u == stmt) && Statements.vars(stmt).contains(element));
    return value.type() == Type.DOUBLE && element.type() == Type.DOUBLE && !elsewhere[0]
        && loops.assignments(element) == 1 && loops.assignments(array) <= 1
        && loops.home(value) != loop.body() && activity.isActive(value) ? value : null;
  }
}
