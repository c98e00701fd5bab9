package dev.adjoint.processor.frontend;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Break;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Length;
import dev.adjoint.processor.ir.Load;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Select;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.type.TypeKind;

/**
 * Lowers for, for-each, while and do-while loops: a counted {@code for (int i = a; i < b; i++)}
 * and a for-each that leave only by their condition (a {@code continue} ends only its iteration)
 * become counted loops the backward sweep
 * runs in reverse; other loops keep their condition. Locals assigned in a loop become one
 * mutable variable each ({@link LoopNest}).
 */
final class LoopLowering {
  private final LoweringContext context;
  private final BodyLowering lowering;
  private final ExpressionLowering expressions;
  private final ArrayLowering arrays;
  private final LoopNest nest;

  private final RecordReads records;

  LoopLowering(LoweringContext context, BodyLowering lowering, ExpressionLowering expressions,
      ArrayLowering arrays, RecordReads records, LoopNest nest) {
    this.context = context;
    this.records = records;
    this.lowering = lowering;
    this.expressions = expressions;
    this.arrays = arrays;
    this.nest = nest;
  }

  /**
   * Lowers a loop; the environment after it (loop-carried locals are mutable variables). The
   * variables of locals declared inside the loop are forgotten afterwards, so a copy of the same
   * loop on another path (an early return duplicates what follows it) gets its own.
   */
  Env lowerLoop(TreePath path, StatementTree s, Env env, List<Stmt> out) {
    Set<Element> outer = new HashSet<>(env.versions.keySet());
    outer.addAll(nest.locals());
    try {
      return lowerLoopOnce(path, s, env, out);
    } finally {
      nest.forgetAllBut(outer);
    }
  }

  private Env lowerLoopOnce(TreePath path, StatementTree s, Env env, List<Stmt> out) {
    Origin origin = context.origin(s);
    if (s instanceof EnhancedForLoopTree each) {
      return lowerForEach(path, each, env, out);
    }
    if (s instanceof ForLoopTree loop) {
      Loop counted = counted(path, loop, env, out);
      if (counted != null) {
        out.add(counted);
        return env;
      }
      for (StatementTree init : loop.getInitializer()) {
        context.statement = init;
        env = lowering.lowerStatement(new TreePath(path, init), init, env, out);
      }
    }
    // for (int i = n; i-- > 0; ), without an update, is while (i-- > 0)
    if (!(s instanceof ForLoopTree loop) || loop.getUpdate().isEmpty()) {
      List<Stmt> after = new ArrayList<>();
      Loop counted = countedWhile(path, s, env, out, after);
      if (counted != null) {
        out.add(counted);
        out.addAll(after);
        return env;
      }
    }
    ExpressionTree condition = s instanceof ForLoopTree f ? f.getCondition()
        : s instanceof WhileLoopTree w ? w.getCondition()
        : ((DoWhileLoopTree) s).getCondition();
    if (condition != null && stepsACounter(condition)) {
      return lowerSteppingTest(path, s, condition, env, out);
    }
    makeLoopCarried(path, env, out);
    context.statement = s;
    List<Stmt> header = new ArrayList<>();
    Operand test = condition == null ? Constants.of(true)
        : expressions.lowerOperand(new TreePath(path, condition), env, header);
    Continuation end = Continuation.end();
    Continuation next = s instanceof ForLoopTree f && !f.getUpdate().isEmpty()
        ? new Continuation(f.getUpdate(), 0, path, end) : end;
    StatementTree body = s instanceof ForLoopTree f ? f.getStatement()
        : s instanceof WhileLoopTree w ? w.getStatement() : ((DoWhileLoopTree) s).getStatement();
    Block lowered = lowerBody(new Continuation(List.of(body), 0, path, next), next, env);
    out.add(new Loop(new Block(header), test, lowered, s instanceof DoWhileLoopTree, null,
        origin));
    return env;
  }

  /** Whether {@code test} steps a counter: {@code k-- > 0}, {@code ++i < n}. */
  private static boolean stepsACounter(ExpressionTree test) {
    boolean[] steps = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitUnary(UnaryTree node, Void unused) {
        steps[0] |= AssignmentLowering.isUpdate(node.getKind());
        return super.visitUnary(node, unused);
      }
    }.scan(test, null);
    return steps[0];
  }

  /**
   * {@code while (k-- > 0)}, {@code for (int i = n; i-- > 0; )},
   * {@code do { ... } while (++i < n)}: a test that steps a counter
   * runs in the body, so that its step runs each time Java evaluates it, the failing time too:
   * first, with the body in the branch where it holds and a break in the other (a break ends a
   * path); for a do-while last, where a continue goes. An ordinary loop, its trips counted: for
   * the tests {@link #countedWhile} does not count (a do-while's, {@code k-- >= 0}, a counter the
   * body writes too).
   */
  private Env lowerSteppingTest(TreePath path, StatementTree s, ExpressionTree condition,
      Env env, List<Stmt> out) {
    Origin origin = context.origin(s);
    makeLoopCarried(path, env, out);
    TreePath testPath = new TreePath(path, condition);
    Block leave = new Block(List.of(new Break(origin)));
    Continuation end = Continuation.end();
    Block lowered;
    if (s instanceof DoWhileLoopTree doWhile) {
      Continuation test = Continuation.generated(inBody -> {
        context.statement = s;
        List<Stmt> statements = new ArrayList<>();
        Operand holds = expressions.lowerOperand(testPath, inBody, statements);
        statements.add(new If(holds, new Block(List.of()), leave, origin));
        return statements;
      }, end);
      lowered = lowerBody(new Continuation(List.of(doWhile.getStatement()), 0, path, test),
          test, env);
    } else {
      List<Stmt> statements = new ArrayList<>();
      Continuation next = s instanceof ForLoopTree f && !f.getUpdate().isEmpty()
          ? new Continuation(f.getUpdate(), 0, path, end) : end;
      StatementTree body = s instanceof ForLoopTree f ? f.getStatement()
          : ((WhileLoopTree) s).getStatement();
      nest.enter(next);
      try {
        Env inBody = env.copy();
        context.statement = s;
        Operand holds = expressions.lowerOperand(testPath, inBody, statements);
        List<Stmt> holding = new ArrayList<>();
        lowering.lowerSequence(new Continuation(List.of(body), 0, path, next), inBody, holding);
        statements.add(new If(holds, new Block(holding), leave, origin));
      } finally {
        nest.leave();
      }
      lowered = new Block(statements);
    }
    out.add(new Loop(new Block(List.of()), Constants.of(true), lowered, false, null, origin));
    return env;
  }

  /** {@code for (double v : a)} and {@code for (double[] row : m)}: a counted loop. */
  private Env lowerForEach(TreePath path, EnhancedForLoopTree each, Env env, List<Stmt> out) {
    Origin origin = context.origin(each);
    context.statement = each;
    TreePath iterablePath = new TreePath(path, each.getExpression());
    Element iterated = context.javac.elementOf(iterablePath);
    ArrayLowering.RowAlias row = each.getExpression() instanceof ArrayAccessTree access
        ? arrays.rowOf(new TreePath(path, access), env, out)
        : iterated != null ? arrays.rowAlias(iterated) : null;
    Var array;
    List<Operand> rowIndex = new ArrayList<>();
    if (row != null) {
      array = row.array();
      // the index expressions the loop spells itself (m[k], t[b][k]), last to first
      List<TreePath> spelled = new ArrayList<>();
      for (TreePath e = iterablePath; e.getLeaf() instanceof ArrayAccessTree access;
          e = new TreePath(e, access.getExpression())) {
        spelled.add(new TreePath(e, access.getIndex()));
      }
      Set<Element> assigned = assignedLocals(new TreePath(path, each.getStatement()));
      for (int k = 0; k < row.indices().size(); k++) {
        Operand at = row.indices().get(k);
        int fromLast = row.indices().size() - 1 - k;
        if (fromLast < spelled.size() && at instanceof Var
            && !isInvariant(spelled.get(fromLast), assigned)) {
          // for (double e : m[k]) with k++ in the body: Java takes the row once, before the loop
          Var taken = new Var(context.names.numbered("t"), Type.INT);
          out.add(new Assign(taken, new Copy(at), origin));
          at = taken;
        }
        rowIndex.add(at);
      }
    } else {
      Operand iterable = expressions.lowerOperand(iterablePath, env, out);
      if (!(iterable instanceof Var v) || !v.type().isArray()) {
        return env;
      }
      array = v;
      if (iterated != null
          && assignedLocals(new TreePath(path, each.getStatement())).contains(iterated)) {
        // for (double e : a) with a = u in the body: Java takes the array once, before the loop
        array = new Var(context.names.numbered("t"), v.type());
        out.add(new Assign(array, new Copy(v), origin));
      }
    }
    makeLoopCarried(path, env, out);
    Var length = new Var(context.names.numbered("n"), Type.INT);
    out.add(new Assign(length, new Length(array, rowIndex), origin));
    Var index = new Var(context.names.fresh("i"), Type.INT);
    boolean counted = !Jumps.leavesLoop(each.getStatement())
        && !Jumps.containsReturn(each.getStatement());
    Element element = context.javac.elementOf(new TreePath(path, each.getVariable()));
    List<Stmt> first = new ArrayList<>();
    List<Operand> indices = new ArrayList<>(rowIndex);
    indices.add(index);
    if (array.type().element(indices.size()).isArray()) {
      arrays.addRowAlias(element, new ArrayLowering.RowAlias(array, indices));
    } else {
      Var v = nest.variable(element, array.type().element(indices.size()));
      first.add(new Assign(v, new Load(array, indices), origin));
      env.versions.put(element, v);
    }
    Continuation end = Continuation.end();
    if (counted) {
      Block body = lowerBody(new Continuation(List.of(each.getStatement()), 0, path, end), end,
          env);
      List<Stmt> statements = new ArrayList<>(first);
      statements.addAll(body.statements());
      out.add(new Loop(new Block(List.of()), null, new Block(statements), false,
          new Loop.Counted(index, Constants.of(0), length, false), origin));
      return env;
    }
    // it may leave early: an ordinary loop over a mutable index
    out.add(new Assign(index, new Copy(Constants.of(0)), origin));
    Continuation step = Continuation.generated(unused -> List.of(
        new Assign(index, new Binary(Binary.Op.ADD, index, Constants.of(1)), origin)), end);
    Block body = lowerBody(new Continuation(List.of(each.getStatement()), 0, path, step), step,
        env);
    List<Stmt> statements = new ArrayList<>(first);
    statements.addAll(body.statements());
    Var test = new Var(context.names.numbered("c"), Type.BOOLEAN);
    out.add(new Loop(new Block(List.of(new Assign(test, new Binary(Binary.Op.LT, index, length),
        origin))), test, new Block(statements), false, null, origin));
    return env;
  }

  private Block lowerBody(Continuation body, Continuation continueTarget, Env env) {
    List<Stmt> out = new ArrayList<>();
    nest.enter(continueTarget);
    try {
      lowering.lowerSequence(body, env.copy(), out);
    } finally {
      nest.leave();
    }
    return new Block(out);
  }

  /**
   * {@code for (int i = a; i < b; i++)}, or by any constant step ({@code i += 2}), or with an
   * offset in the condition ({@code i + 1 < n}, {@code i + w.length <= n}: a positive literal, an
   * {@code int} variable the loop does not write, or a length; taken as {@code i < n - 1}: the
   * same but where {@code n - 1} overflows), or downward ({@code for (int k = m - 1; k >= 0; k--)}, any
   * constant step), whose body writes neither {@code i} nor what {@code b} reads, and leaves only
   * by its condition: the backward sweep runs it in reverse without counting. Null for any other
   * loop.
   */
  private Loop counted(TreePath path, ForLoopTree loop, Env env, List<Stmt> out) {
    if (loop.getInitializer().size() != 1
        || !(loop.getInitializer().get(0) instanceof VariableTree init)
        || init.getInitializer() == null || loop.getUpdate().size() != 1
        || !(loop.getCondition() instanceof BinaryTree condition)
        || Jumps.containsReturn(loop) || Jumps.leavesLoop(loop.getStatement())) {
      return null;
    }
    Counting counting =
        Counting.of(condition, loop.getUpdate().get(0).getExpression(), init.getName());
    if (counting == null) {
      return null;
    }
    TreePath initPath = new TreePath(path, init);
    Element index = context.javac.elementOf(initPath);
    if (index.asType().getKind() != TypeKind.INT) {
      return null;
    }
    Set<Element> written = assignedLocals(path);
    written.remove(index);
    Set<Element> assignedInBody = assignedLocals(new TreePath(path, loop.getStatement()));
    if (assignedInBody.contains(index)
        || !isInvariant(new TreePath(path, condition.getRightOperand()), written)
        || !hasInvariantOffset(new TreePath(path, condition), counting, written)) {
      return null;
    }
    context.statement = loop;
    Operand from =
        expressions.lowerOperand(new TreePath(initPath, init.getInitializer()), env, out);
    Operand to = bound(new TreePath(path, condition), counting, loop, env, out);
    makeLoopCarried(path, env, out);
    Var i = nest.variable(index, Type.INT);
    env.versions.put(index, i);
    Continuation end = Continuation.end();
    Block body = lowerBody(new Continuation(List.of(loop.getStatement()), 0, path, end), end,
        env);
    return counting.loop(i, from, to, body, context.origin(loop));
  }

  /**
   * How a counted loop's condition and update count: {@code i + offset < bound} (or {@code <=})
   * upward by a positive {@code step}, {@code i > bound} (or {@code >=}) downward by a negative
   * one.
   */
  private record Counting(BinaryTree condition, ExpressionTree offset, int step,
      boolean inclusive) {
    /**
     * The counting of {@code condition} and {@code update} over {@code name}, or null; its
     * {@code offset} is the {@code k} of {@code i + k < n}, null for {@code i < n}.
     */
    static Counting of(BinaryTree condition, ExpressionTree update, CharSequence name) {
      boolean upward = upward(condition);
      ExpressionTree left = condition.getLeftOperand();
      boolean offset = upward && left instanceof BinaryTree sum
          && sum.getKind() == Tree.Kind.PLUS && isIndex(sum.getLeftOperand(), name);
      Integer step = LoopLowering.step(update, name);
      if (!(isIndex(left, name) || offset) || step == null || !counts(condition, step)) {
        return null;
      }
      return new Counting(condition, offset ? ((BinaryTree) left).getRightOperand() : null, step,
          !strict(condition));
    }

    /**
     * The counting of a test that steps its counter itself, {@code k-- > 0} or {@code ++i < n},
     * over the values the body sees, those after the step: from the start stepped once, and,
     * as a postfix step compares the value before it, {@code k-- > 0} counts while
     * {@code k >= 0}. Null where the step goes against the test, or for {@code k-- >= 0}.
     */
    static Counting ofSteppingTest(BinaryTree condition, UnaryTree update) {
      int step = update.getKind() == Tree.Kind.POSTFIX_INCREMENT
          || update.getKind() == Tree.Kind.PREFIX_INCREMENT ? 1 : -1;
      boolean postfix = update.getKind() == Tree.Kind.POSTFIX_INCREMENT
          || update.getKind() == Tree.Kind.POSTFIX_DECREMENT;
      if (!counts(condition, step) || postfix && !strict(condition)) {
        return null;
      }
      return new Counting(condition, null, step, postfix || !strict(condition));
    }

    private static boolean upward(BinaryTree condition) {
      return condition.getKind() == Tree.Kind.LESS_THAN
          || condition.getKind() == Tree.Kind.LESS_THAN_EQUAL;
    }

    private static boolean strict(BinaryTree condition) {
      return condition.getKind() == Tree.Kind.LESS_THAN
          || condition.getKind() == Tree.Kind.GREATER_THAN;
    }

    /** Whether {@code step} moves toward the bound: up for {@code <}, down for {@code >}. */
    private static boolean counts(BinaryTree condition, int step) {
      boolean downward = condition.getKind() == Tree.Kind.GREATER_THAN
          || condition.getKind() == Tree.Kind.GREATER_THAN_EQUAL;
      return upward(condition) && step > 0 || downward && step < 0;
    }

    /** The test on the counted values: {@code <}, {@code <=}, {@code >} or {@code >=}. */
    Binary.Op test() {
      return upward(condition) ? inclusive ? Binary.Op.LE : Binary.Op.LT
          : inclusive ? Binary.Op.GE : Binary.Op.GT;
    }

    Loop loop(Var index, Operand from, Operand to, Block body, Origin origin) {
      return new Loop(new Block(List.of()), null, body, false,
          new Loop.Counted(index, from, to, inclusive(), step), origin);
    }
  }

  /** The bound of a counted loop, its offset taken off: {@code n - 1} for {@code i + 1 < n}. */
  private Operand bound(TreePath condition, Counting counting, StatementTree loop, Env env,
      List<Stmt> out) {
    Operand to = expressions.lowerOperand(
        new TreePath(condition, counting.condition().getRightOperand()), env, out);
    if (counting.offset() == null) {
      return to;
    }
    Operand offset = expressions.lowerOperand(new TreePath(new TreePath(condition,
        counting.condition().getLeftOperand()), counting.offset()), env, out);
    Var bound = new Var(context.names.numbered("t"), Type.INT);
    out.add(new Assign(bound, new Binary(Binary.Op.SUB, to, offset), context.origin(loop)));
    return bound;
  }

  /**
   * Whether the offset {@code k} of {@code i + k < n} (if any) is an {@code int} that the loop
   * does not change: a positive literal, an {@code int} local or field outside {@code written},
   * or a length ({@code kernel.length}).
   */
  private boolean hasInvariantOffset(TreePath condition, Counting counting,
      Set<Element> written) {
    ExpressionTree offset = counting.offset();
    if (offset == null || positive(offset) != null) {
      return true;
    }
    TreePath path = new TreePath(new TreePath(condition,
        counting.condition().getLeftOperand()), offset);
    Element element = offset instanceof IdentifierTree ? context.javac.elementOf(path) : null;
    boolean integer = offset instanceof MemberSelectTree select
        && select.getIdentifier().contentEquals("length")
        || element != null && element.asType().getKind() == TypeKind.INT;
    return integer && isInvariant(path, written);
  }

  /**
   * {@code while (k >= 0) { ...; k--; }}: a loop over an {@code int} local {@code k} declared
   * before it in the same block (and, unless it steps by one, not used after it: after a loop
   * by ones {@code k} is its end, {@link #endOf}), whose body steps {@code k} by a constant (as
   * {@link #counted} allows) in one statement of its own, the last one or one the statements
   * after it follow with the stepped value ({@code v = x[i]; i++; if (v < 0) continue; ...}: a
   * continue after the step only ends the iteration, one before it would skip the step), and
   * otherwise neither writes {@code k} nor what the bound reads, nor breaks: the counted loop
   * from {@code k}'s value, which the backward sweep runs in reverse without counting. A
   * {@code while} test may step the counter itself instead ({@code while (k-- > 0)},
   * {@code while (++i < n)}; {@link Counting#ofSteppingTest}): the counted loop then runs from
   * the start stepped once. A for loop without an update is the same while loop, its counter
   * declared in its header if it likes ({@code for (int k = n; k-- > 0; )}). The same
   * {@code do { ...; k--; } while (k >= 0);} runs its first iteration whatever the test says:
   * its bound is then the start itself when the test fails there ({@code k >= min(0, start)};
   * {@code i < max(n, start + 1)} upward, the same but where {@code start + 1} overflows). Null
   * for any other loop.
   */
  private Loop countedWhile(TreePath path, StatementTree loop, Env env, List<Stmt> out,
      List<Stmt> afterLoop) {
    boolean testAtEnd = loop instanceof DoWhileLoopTree;
    ExpressionTree test = loop instanceof ForLoopTree f ? f.getCondition()
        : testAtEnd ? ((DoWhileLoopTree) loop).getCondition()
        : ((WhileLoopTree) loop).getCondition();
    StatementTree statement = loop instanceof ForLoopTree f ? f.getStatement()
        : testAtEnd ? ((DoWhileLoopTree) loop).getStatement()
        : ((WhileLoopTree) loop).getStatement();
    while (test instanceof ParenthesizedTree parenthesized) {
      test = parenthesized.getExpression();
    }
    if (!(test instanceof BinaryTree condition) || !(statement instanceof BlockTree block)
        || Jumps.containsReturn(loop) || Jumps.leavesLoop(block)) {
      return null;
    }
    ExpressionTree left = condition.getLeftOperand();
    UnaryTree steppingTest = !testAtEnd && left instanceof UnaryTree unary
        && AssignmentLowering.isUpdate(unary.getKind()) ? unary : null;
    ExpressionTree counter = steppingTest != null ? steppingTest.getExpression()
        : left instanceof BinaryTree sum ? sum.getLeftOperand() : left;
    if (!(counter instanceof IdentifierTree name)) {
      return null;
    }
    List<? extends StatementTree> statements = block.getStatements();
    int stepAt = statements.size(); // the test steps: no statement does
    Counting counting = steppingTest == null ? null
        : Counting.ofSteppingTest(condition, steppingTest);
    if (steppingTest == null) {
      stepAt--;
      while (stepAt >= 0 && stepOf(statements.get(stepAt), condition, name) == null) {
        stepAt--;
      }
      counting = stepAt < 0 ? null : stepOf(statements.get(stepAt), condition, name);
    }
    Element index = context.javac.elementOf(new TreePath(new TreePath(new TreePath(path,
        test), left), counter));
    boolean ownIndex = index != null && declaredInHeader(path, index);
    if (counting == null || index == null || index.getKind() != ElementKind.LOCAL_VARIABLE
        || index.asType().getKind() != TypeKind.INT || !ownIndex && !declaredBefore(path, index)
        || !ownIndex && namedAfter(path, index) && Math.abs(counting.step()) != 1) {
      return null;
    }
    TreePath blockPath = new TreePath(path, block);
    List<? extends StatementTree> before = statements.subList(0, stepAt);
    List<? extends StatementTree> after = steppingTest != null ? List.of()
        : statements.subList(stepAt + 1, statements.size());
    for (int k = 0; k < statements.size(); k++) {
      if (k != stepAt
          && assignedLocals(new TreePath(blockPath, statements.get(k))).contains(index)) {
        return null;
      }
    }
    for (StatementTree skipsTheStep : steppingTest != null ? List.<StatementTree>of() : before) {
      if (Jumps.containsBreak(skipsTheStep)) {
        return null;
      }
    }
    Set<Element> written = assignedLocals(path);
    written.remove(index);
    if (!isInvariant(new TreePath(new TreePath(path, test), condition.getRightOperand()),
        written) || !hasInvariantOffset(new TreePath(path, test), counting, written)) {
      return null;
    }
    context.statement = loop;
    Var unstepped = env.versions.get(index);
    if (unstepped == null || unstepped == Env.UNASSIGNED) {
      return null;
    }
    Var start = unstepped;
    if (steppingTest != null) { // the body first sees the start stepped once
      start = new Var(context.names.fresh(index.getSimpleName().toString()), Type.INT);
      out.add(new Assign(start, new Binary(counting.step() > 0 ? Binary.Op.ADD : Binary.Op.SUB,
          unstepped, Constants.of(1)), context.origin(loop)));
    }
    Operand to = bound(new TreePath(path, test), counting, loop, env, out);
    if (testAtEnd) {
      to = firstRuns(start, to, counting, context.origin(loop), out);
    }
    nest.makeLoopCarried(written, env, out, context.origin(loop));
    Var i = new Var(context.names.fresh(index.getSimpleName().toString()), Type.INT);
    env.versions.put(index, i);
    Continuation end = Continuation.end();
    StatementTree step = after.isEmpty() ? null : statements.get(stepAt);
    int by = counting.step();
    Continuation stepped = step == null ? end : Continuation.generated(inBody -> {
      Var next = new Var(context.names.fresh(index.getSimpleName().toString()), Type.INT);
      inBody.versions.put(index, next);
      return List.of(new Assign(next, new Binary(by > 0 ? Binary.Op.ADD : Binary.Op.SUB, i,
          Constants.of(Math.abs(by))), context.origin(step)));
    }, new Continuation(after, 0, blockPath, end));
    Block lowered = lowerBody(new Continuation(before, 0, blockPath, stepped), end, env);
    env.versions.put(index, !ownIndex && namedAfter(path, index)
        ? endOf(index, start, to, counting, context.origin(loop), afterLoop) : start);
    return counting.loop(i, start, to, lowered, context.origin(loop));
  }

  /**
   * The counting of {@code condition} over {@code name} if {@code statement} is its step
   * ({@code k--;}, {@code i += 2;}), else null.
   */
  private static Counting stepOf(StatementTree statement, BinaryTree condition,
      IdentifierTree name) {
    return statement instanceof ExpressionStatementTree step
        ? Counting.of(condition, step.getExpression(), name.getName()) : null;
  }

  /**
   * The counter's value once a loop by ones from {@code start} to {@code to} is done:
   * {@code to} if it ran ({@code to + 1} for {@code <=}, {@code to - 1} for {@code >=}), else
   * {@code start}.
   */
  private Var endOf(Element index, Var start, Operand to, Counting counting, Origin origin,
      List<Stmt> out) {
    Var ran = testAt(start, to, counting, origin, out);
    Operand last = counting.inclusive() ? pastOne(to, counting, origin, out) : to;
    Var end = new Var(context.names.fresh(index.getSimpleName().toString()), Type.INT);
    out.add(new Assign(end, new Select(ran, last, start), origin));
    return end;
  }


  /**
   * The bound of a {@code do}-{@code while} loop's counting from {@code start}: {@code to} when
   * the test holds at {@code start}, else the bound that lets exactly the first iteration run
   * ({@code start} itself for {@code <=} and {@code >=}, one step past it for {@code <} and
   * {@code >}).
   */
  private Operand firstRuns(Var start, Operand to, Counting counting, Origin origin,
      List<Stmt> out) {
    Var runs = testAt(start, to, counting, origin, out);
    Operand only = counting.inclusive() ? start : pastOne(start, counting, origin, out);
    Var bound = new Var(context.names.numbered("t"), Type.INT);
    out.add(new Assign(bound, new Select(runs, to, only), origin));
    return bound;
  }

  /** Whether the loop's test holds at {@code start}: {@code c = start < to}. */
  private Var testAt(Var start, Operand to, Counting counting, Origin origin, List<Stmt> out) {
    Var holds = new Var(context.names.numbered("c"), Type.BOOLEAN);
    out.add(new Assign(holds, new Binary(counting.test(), start, to), origin));
    return holds;
  }

  /**
   * One past {@code v} in the loop's direction: {@code t = v + 1} or {@code v - 1}, a constant
   * where {@code v} is one ({@code -1} for {@code k-- > 0}).
   */
  private Operand pastOne(Operand v, Counting counting, Origin origin, List<Stmt> out) {
    int by = counting.step() > 0 ? 1 : -1;
    if (v instanceof Constant k && k.type() == Type.INT && k.value() != null) {
      return Constant.integer(k.value().intValue() + by); // wraps as Java's int does
    }
    Var past = new Var(context.names.numbered("t"), Type.INT);
    out.add(new Assign(past, new Binary(by > 0 ? Binary.Op.ADD : Binary.Op.SUB, v,
        Constants.of(1)), origin));
    return past;
  }

  /** Whether {@code local} is declared in the initializer of the for loop at {@code path}. */
  private boolean declaredInHeader(TreePath path, Element local) {
    if (!(path.getLeaf() instanceof ForLoopTree loop)) {
      return false;
    }
    for (StatementTree init : loop.getInitializer()) {
      if (init instanceof VariableTree && local.equals(
          context.javac.elementOf(new TreePath(path, init)))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code local} is declared in the block holding the loop at {@code path}, before it.
   */
  private boolean declaredBefore(TreePath path, Element local) {
    if (!(path.getParentPath().getLeaf() instanceof BlockTree block)) {
      return false;
    }
    TreePath blockPath = path.getParentPath();
    int at = block.getStatements().indexOf(path.getLeaf());
    boolean declared = false;
    for (int k = 0; k < at; k++) {
      declared |= block.getStatements().get(k) instanceof VariableTree v
          && local.equals(context.javac.elementOf(new TreePath(blockPath, v)));
    }
    return declared;
  }

  /**
   * Whether a statement after the loop at {@code path}, in the block holding it, names
   * {@code local}.
   */
  private boolean namedAfter(TreePath path, Element local) {
    if (!(path.getParentPath().getLeaf() instanceof BlockTree block)) {
      return true;
    }
    TreePath blockPath = path.getParentPath();
    int at = block.getStatements().indexOf(path.getLeaf());
    boolean[] named = {false};
    for (int k = at + 1; k < block.getStatements().size(); k++) {
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitIdentifier(IdentifierTree node, Void unused) {
          named[0] |= local.equals(context.javac.elementOf(getCurrentPath()));
          return null;
        }
      }.scan(new TreePath(blockPath, block.getStatements().get(k)), null);
    }
    return named[0];
  }

  /**
   * The constant step of {@code i++}, {@code ++i}, {@code i += k}, {@code i = i + k} (an int
   * literal {@code k >= 1}), or, negative, of {@code i--}, {@code --i}, {@code i -= k},
   * {@code i = i - k}; null for any other update.
   */
  private static Integer step(ExpressionTree update, CharSequence name) {
    if (update instanceof UnaryTree step && isIndex(step.getExpression(), name)) {
      return switch (step.getKind()) {
        case POSTFIX_INCREMENT, PREFIX_INCREMENT -> 1;
        case POSTFIX_DECREMENT, PREFIX_DECREMENT -> -1;
        default -> null;
      };
    }
    if (update instanceof CompoundAssignmentTree add && isIndex(add.getVariable(), name)) {
      Integer k = positive(add.getExpression());
      return k == null ? null : add.getKind() == Tree.Kind.PLUS_ASSIGNMENT ? k
          : add.getKind() == Tree.Kind.MINUS_ASSIGNMENT ? Integer.valueOf(-k) : null;
    }
    if (update instanceof AssignmentTree assign && isIndex(assign.getVariable(), name)
        && assign.getExpression() instanceof BinaryTree sum
        && isIndex(sum.getLeftOperand(), name)) {
      Integer k = positive(sum.getRightOperand());
      return k == null ? null : sum.getKind() == Tree.Kind.PLUS ? k
          : sum.getKind() == Tree.Kind.MINUS ? Integer.valueOf(-k) : null;
    }
    return null;
  }

  /** {@code c} in a condition {@code i + c < n} (0 for {@code i < n}), or null. */
  private static boolean isIndex(ExpressionTree e, CharSequence name) {
    return e instanceof IdentifierTree id && id.getName().contentEquals(name);
  }

  /** The value of a positive int literal, or null. */
  private static Integer positive(ExpressionTree e) {
    return e instanceof LiteralTree literal && literal.getValue() instanceof Integer k && k >= 1
        ? k : null;
  }

  /**
   * Whether {@code bound} reads only locals outside {@code written}, fields, record components
   * and lengths.
   */
  private boolean isInvariant(TreePath bound, Set<Element> written) {
    boolean[] invariant = {true};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        invariant[0] &= !written.contains(context.javac.elementOf(getCurrentPath()));
        return null;
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        if (records.resolve(getCurrentPath()) != null) {
          return super.visitMethodInvocation(node, unused); // p.W(): records never change
        }
        invariant[0] = false;
        return null;
      }

      @Override
      public Void visitArrayAccess(ArrayAccessTree node, Void unused) {
        Tree parent = getCurrentPath().getParentPath().getLeaf();
        if (parent instanceof MemberSelectTree select
            && select.getIdentifier().contentEquals("length")) {
          return super.visitArrayAccess(node, unused); // m[k].length: rows keep their length
        }
        invariant[0] = false; // an element the body may write
        return null;
      }
    }.scan(bound, null);
    return invariant[0];
  }

  /**
   * Locals declared before the loop at {@code path} and assigned in it become one mutable
   * variable each, initialized from their current version.
   */
  private void makeLoopCarried(TreePath path, Env env, List<Stmt> out) {
    nest.makeLoopCarried(assignedLocals(path), env, out, context.origin(path.getLeaf()));
  }

  /** The locals assigned (=, op=, ++, --) anywhere under {@code path}. */
  private Set<Element> assignedLocals(TreePath path) {
    Set<Element> assigned = new LinkedHashSet<>();
    AssignmentTargets.forEach(path, (target, targetPath) -> {
      if (target instanceof IdentifierTree) {
        Element e = context.javac.elementOf(targetPath);
        if (e != null && (e.getKind() == ElementKind.LOCAL_VARIABLE
            || e.getKind() == ElementKind.PARAMETER)) {
          assigned.add(e);
        }
      }
    });
    return assigned;
  }
}
