package dev.adjoint.processor.frontend;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.YieldTree;
import com.sun.source.util.TreePath;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Binary;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Lowers switch statements and switch expressions over {@code int}, {@code char}, {@code short}
 * and {@code byte} values to if / else if / else (see the package documentation): a structured
 * switch statement is merged like an if, any other one takes what follows it into each branch,
 * and a switch expression assigns its value in each branch.
 */
final class SwitchLowering {
  private final LoweringContext context;
  private final BodyLowering lowering;
  private final ExpressionLowering expressions;
  private final LoopNest nest;
  /**
   * Where a {@code break} goes out of each switch statement lowered with what follows it in
   * every branch (see {@link #lowerWithJumps}), while its branches are lowered.
   */
  private final Map<Tree, Continuation> switchExits = new IdentityHashMap<>();

  SwitchLowering(LoweringContext context, BodyLowering lowering, ExpressionLowering expressions,
      LoopNest nest) {
    this.context = context;
    this.lowering = lowering;
    this.expressions = expressions;
    this.nest = nest;
  }

  /**
   * Where a {@code break} out of {@code choice} goes: what follows it, while its branches are
   * lowered by {@link #lowerWithJumps}.
   */
  Continuation exit(SwitchTree choice) {
    Continuation c = switchExits.get(choice);
    if (c == null) {
      throw new IllegalStateException("a break inside a switch lowered as if / else");
    }
    return c;
  }

  /** Reports {@code yield} {@code at} a place other than the last statement of its case. */
  void reportEarlyYield(Tree at) {
    context.error(at, Message.SWITCH, "a yield before the end of its case",
        "assign the value to a local variable and yield it as the last statement of the case");
  }

  /**
   * Case labels sharing statements ({@code case 1: case 2:} or {@code case 1, 2 ->}): the
   * condition that selects them (null for the group holding {@code default}), the case that
   * holds the statements and its path.
   */
  private record CaseGroup(Operand condition, CaseTree holder, TreePath path) {
    boolean isDefault() {
      return condition == null;
    }

    boolean isRule() {
      return holder.getCaseKind() == CaseTree.CaseKind.RULE;
    }

    /** The statements run when the group is selected, and the path of their parent. */
    List<? extends StatementTree> statements() {
      return Jumps.statementsOf(holder);
    }

    TreePath statementsParent() {
      return isRule() && holder.getBody() instanceof BlockTree block
          ? new TreePath(path, block) : path;
    }
  }

  /**
   * Checks the selector and the labels of a switch and emits the condition of each case group
   * ({@code k == 1 | k == 2}) into {@code out}, before any branch runs; the groups in source
   * order, or null after an error.
   */
  private List<CaseGroup> caseGroups(TreePath path, ExpressionTree selector,
      List<? extends CaseTree> cases, Env env, List<Stmt> out) {
    for (CaseTree c : cases) {
      Tree pattern = patternOrGuard(c);
      if (pattern != null) {
        context.error(pattern, Message.SWITCH, "a pattern or a guard in a case label",
            "use constant labels ('case 1, 2 ->') over an int value, or if / else if / else");
        return null;
      }
    }
    TreePath selectorPath = new TreePath(path, selector);
    TypeMirror selectorType = context.javac.typeOf(selectorPath);
    if (selectorType == null || selectorType.getKind() == TypeKind.ERROR) {
      context.incomplete = true;
      return null;
    }
    switch (selectorType.getKind()) {
      case INT, CHAR, SHORT, BYTE -> { }
      default -> {
        context.error(selector, Message.SWITCH, "a switch over a value of type " + selectorType,
            "switch over an int, char, short or byte value (a label, an index, a size), or use"
                + " if / else if / else");
        return null;
      }
    }
    Tree before = context.statement;
    context.statement = path.getLeaf();
    Operand value = expressions.lowerOperand(selectorPath, env, out);
    List<CaseGroup> groups = new ArrayList<>();
    List<CaseTree> labels = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      CaseTree c = cases.get(i);
      labels.add(c);
      if (c.getCaseKind() == CaseTree.CaseKind.STATEMENT && c.getStatements().isEmpty()
          && i < cases.size() - 1) {
        continue; // 'case 1: case 2: ...': one group
      }
      TreePath casePath = new TreePath(path, c);
      Operand condition = null;
      if (labels.stream().noneMatch(label -> label.getExpressions().isEmpty())) {
        for (CaseTree label : labels) {
          context.statement = label;
          TreePath labelPath = new TreePath(path, label);
          for (ExpressionTree constant : label.getExpressions()) {
            Origin origin = context.source.origin(label, constant);
            Operand k = expressions.lowerOperand(new TreePath(labelPath, constant), env, out);
            Var equal = new Var(context.names.numbered("c"), Type.BOOLEAN);
            out.add(new Assign(equal, new Binary(Binary.Op.EQ, value, k), origin));
            if (condition == null) {
              condition = equal;
            } else {
              Var either = new Var(context.names.numbered("c"), Type.BOOLEAN);
              out.add(new Assign(either, new Binary(Binary.Op.OR, condition, equal), origin));
              condition = either;
            }
          }
        }
      }
      groups.add(new CaseGroup(condition, c, casePath));
      labels.clear();
    }
    context.statement = before;
    return groups;
  }

  /** A pattern label or a guard ({@code case Integer i when ...}, Java 21), else null. */
  private static Tree patternOrGuard(CaseTree c) {
    try {
      if (CaseTree.class.getMethod("getGuard").invoke(c) instanceof Tree guard) {
        return guard;
      }
    } catch (ReflectiveOperationException | RuntimeException beforeJava21) {
      // no guards
    }
    try {
      if (CaseTree.class.getMethod("getLabels").invoke(c) instanceof List<?> labels) {
        for (Object label : labels) {
          if (label instanceof Tree tree && tree.getKind().name().contains("PATTERN")) {
            return tree;
          }
        }
      }
    } catch (ReflectiveOperationException | RuntimeException beforeJava17) {
      // constant labels only
    }
    return null;
  }

  /**
   * Appends if (c1) {b1} else if (c2) {b2} ... else {default} to {@code out}: the groups in
   * source order, the default group (or {@code none}) last, whatever its place in the source.
   */
  private void chain(List<CaseGroup> groups, List<List<Stmt>> branches, List<Stmt> none,
      List<Stmt> out) {
    List<Stmt> otherwise = none;
    for (int i = 0; i < groups.size(); i++) {
      if (groups.get(i).isDefault()) {
        otherwise = branches.get(i);
      }
    }
    for (int i = groups.size() - 1; i >= 0; i--) {
      CaseGroup group = groups.get(i);
      if (!group.isDefault()) {
        otherwise = List.of(new If(group.condition(), new Block(branches.get(i)),
            new Block(otherwise), context.source.origin(group.holder(), group.holder())));
      }
    }
    out.addAll(otherwise);
  }

  /**
   * A switch statement that {@link Jumps#isStructured} accepts: if / else if / else, each
   * branch the statements of one group without its final break, merged afterwards like an if.
   */
  Env lower(TreePath path, SwitchTree choice, Env env, List<Stmt> out) {
    List<CaseGroup> groups = caseGroups(path, choice.getExpression(), choice.getCases(), env,
        out);
    if (groups == null) {
      return env;
    }
    List<Env> ends = new ArrayList<>();
    List<List<Stmt>> branches = new ArrayList<>();
    for (CaseGroup group : groups) {
      forgetGroupLocals(groups);
      List<Stmt> branch = new ArrayList<>();
      Env end = lowering.lowerSequence(
          new Continuation(Jumps.withoutFinalBreak(group.statements()), 0,
              group.statementsParent(), null), env.copy(), branch);
      if (end == null) {
        throw new IllegalStateException("a structured switch left early");
      }
      ends.add(end);
      branches.add(branch);
    }
    List<Stmt> none = new ArrayList<>();
    if (groups.stream().noneMatch(CaseGroup::isDefault)) {
      ends.add(env.copy());
      branches.add(none);
    }
    Env merged = lowering.merge(env, ends, branches, context.origin(choice), out);
    chain(groups, branches, none, out);
    return merged;
  }

  /**
   * A switch statement with fall-through, a break before the end of a case, a return or a
   * continue: like an if that returns, each branch is lowered with everything that follows it,
   * the groups after it in the source (fall-through) and then the statements after the switch
   * ({@code rest}), where a break inside the switch goes. Returns what lowering the rest
   * returned after an error, else null (the branches hold the rest).
   */
  Env lowerWithJumps(TreePath path, SwitchTree choice, Env env, Continuation rest,
      List<Stmt> out) {
    List<CaseGroup> groups = caseGroups(path, choice.getExpression(), choice.getCases(), env,
        out);
    if (groups == null) {
      return lowering.lowerSequence(rest, env, out);
    }
    List<Continuation> entries = new ArrayList<>();
    Continuation next = rest;
    for (int i = groups.size() - 1; i >= 0; i--) {
      CaseGroup group = groups.get(i);
      next = new Continuation(group.statements(), 0, group.statementsParent(),
          group.isRule() ? rest : next);
      entries.add(0, next);
    }
    List<List<Stmt>> branches = new ArrayList<>();
    List<Stmt> none = new ArrayList<>();
    Continuation outer = switchExits.put(choice, rest);
    try {
      for (Continuation entry : entries) {
        forgetGroupLocals(groups);
        List<Stmt> branch = new ArrayList<>();
        endPath(lowering.lowerSequence(entry, env.copy(), branch));
        branches.add(branch);
      }
      if (groups.stream().noneMatch(CaseGroup::isDefault)) {
        endPath(lowering.lowerSequence(rest, env.copy(), none));
      }
    } finally {
      if (outer == null) {
        switchExits.remove(choice);
      } else {
        switchExits.put(choice, outer);
      }
    }
    chain(groups, branches, none, out);
    return null;
  }

  /**
   * A local declared in one case group is in scope in the groups after it, where it is
   * assigned before it is read: inside a loop, each branch gets its own variable for it, so
   * that no branch assigns a variable first declared in another one.
   */
  private void forgetGroupLocals(List<CaseGroup> groups) {
    for (CaseGroup group : groups) {
      if (group.isRule()) {
        continue; // a rule's block is its own scope
      }
      for (StatementTree s : group.statements()) {
        if (s instanceof VariableTree) {
          nest.forget(context.javac.elementOf(new TreePath(group.path(), s)));
        }
      }
    }
  }

  /** A path lowered with what follows it ended in {@code end}: past the method's end if set. */
  private void endPath(Env end) {
    if (end != null && !nest.inLoop()) {
      context.incomplete = true; // can fall off the end of the method: javac reports it
    }
  }

  /**
   * {@code switch (k) { case 0 -> a; default -> { ...; yield b; } }} into {@code target}: the
   * same if / else if / else, each branch assigning {@code target}; a case block yields as its
   * last statement only.
   */
  void lowerExpression(TreePath path, Var target, Env env, List<Stmt> out) {
    SwitchExpressionTree choice = (SwitchExpressionTree) path.getLeaf();
    Tree before = context.statement;
    List<CaseGroup> groups = caseGroups(path, choice.getExpression(), choice.getCases(), env,
        out);
    if (groups == null) {
      return;
    }
    List<Env> ends = new ArrayList<>();
    List<List<Stmt>> branches = new ArrayList<>();
    for (CaseGroup group : groups) {
      forgetGroupLocals(groups);
      List<Stmt> branch = new ArrayList<>();
      ends.add(lowerYieldingCase(group, groups, target, env.copy(), branch));
      branches.add(branch);
      context.statement = before;
    }
    Origin origin = context.originInStatement(choice);
    Env merged = lowering.merge(env, ends, branches, origin, out);
    env.versions.putAll(merged.versions);
    out.add(new Declare(target));
    chain(groups, branches, List.of(), out);
  }

  /** One case of a switch expression: its statements, then its value into {@code target}. */
  private Env lowerYieldingCase(CaseGroup group, List<CaseGroup> groups, Var target, Env env,
      List<Stmt> out) {
    CaseTree holder = group.holder();
    context.statement = holder;
    if (group.isRule() && holder.getBody() instanceof ExpressionTree value) {
      expressions.lowerInto(new TreePath(group.path(), value), target, env, out);
      return env;
    }
    List<? extends StatementTree> statements = group.statements();
    StatementTree last = statements.isEmpty() ? null : statements.get(statements.size() - 1);
    if (!(last instanceof YieldTree yield)) {
      if (!group.isRule() && group != groups.get(groups.size() - 1)) {
        context.error(holder, Message.SWITCH, "falling through from one case into the next in a"
            + " switch expression", "end each case with yield, or use 'case 1, 2 ->' for labels"
            + " that share a value");
        return env;
      }
      // a throw (reported as such), or no value: javac reports it
      Env end = lowering.lowerSequence(
          new Continuation(statements, 0, group.statementsParent(), null), env, out);
      return end == null ? env : end;
    }
    List<? extends StatementTree> before = statements.subList(0, statements.size() - 1);
    for (StatementTree s : before) {
      if (Jumps.containsYield(s)) {
        reportEarlyYield(s);
        return env;
      }
      if (Jumps.containsJump(s)) {
        context.error(s, Message.SWITCH, "a switch statement with fall-through or a break before"
            + " the end of a case, inside a switch expression", "end each of its cases with"
            + " break, or move it out of the switch expression");
        return env;
      }
    }
    Env end = lowering.lowerSequence(
        new Continuation(before, 0, group.statementsParent(), null), env, out);
    if (end == null) {
      throw new IllegalStateException("a switch expression case left early");
    }
    context.statement = yield;
    expressions.lowerInto(
        new TreePath(new TreePath(group.statementsParent(), yield), yield.getValue()), target,
        end, out);
    return end;
  }
}
