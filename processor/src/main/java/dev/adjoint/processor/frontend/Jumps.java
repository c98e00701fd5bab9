package dev.adjoint.processor.frontend;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.YieldTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import java.util.List;

/**
 * Where control leaves a piece of a method body: returns, breaks and continues, loops, the shape
 * of switch statements and their case groups, and yields. Lowering asks these before it lowers
 * a statement, to choose between merging branches and copying what follows into them.
 */
final class Jumps {
  private Jumps() {}

  /** A for, for-each, while or do-while statement. */
  static boolean isLoop(Tree s) {
    return switch (s.getKind()) {
      case FOR_LOOP, ENHANCED_FOR_LOOP, WHILE_LOOP, DO_WHILE_LOOP -> true;
      default -> false;
    };
  }

  /** The loop or switch statement an unlabeled {@code break} at {@code path} ends. */
  static Tree breakTarget(TreePath path) {
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      if (isLoop(p.getLeaf()) || p.getLeaf().getKind() == Tree.Kind.SWITCH) {
        return p.getLeaf();
      }
    }
    return null;
  }

  /** A return anywhere in {@code tree}. */
  static boolean containsReturn(Tree tree) {
    return jumps(tree, true, false, false);
  }

  /** A break or continue that leaves the loop whose body is {@code tree}. */
  static boolean containsBreak(Tree tree) {
    return jumps(tree, false, true, false);
  }

  /**
   * A break that leaves the loop whose body is {@code tree}; a continue does not count: in a
   * counted loop it only ends the iteration, and the loop still runs every index.
   */
  static boolean leavesLoop(Tree tree) {
    return jumps(tree, false, true, false, false);
  }

  /**
   * A return, break or continue that leaves {@code tree}, or a switch inside it that needs the
   * statements after it lowered into its branches: then so does {@code tree}.
   */
  static boolean containsJump(Tree tree) {
    return jumps(tree, true, true, true);
  }

  private static boolean jumps(Tree tree, boolean returns, boolean loopJumps,
      boolean unstructured) {
    return jumps(tree, returns, loopJumps, loopJumps, unstructured);
  }

  /**
   * Whether {@code tree} holds a return (if {@code returns}), a break that leaves {@code tree}
   * (if {@code breaks}; a break inside a switch in {@code tree} ends that switch and leaves
   * nothing), a continue that leaves it (if {@code continues}), or, if {@code unstructured}, a
   * switch statement that needs what follows it in each branch (see {@link #isStructured});
   * local classes and lambdas aside.
   */
  private static boolean jumps(Tree tree, boolean returns, boolean breaks, boolean continues,
      boolean unstructured) {
    /** Loops and switch statements around the visited tree, inside {@code tree}. */
    record Depth(int loops, int switches) {
      Depth inLoop() {
        return new Depth(loops + 1, switches);
      }

      Depth inSwitch() {
        return new Depth(loops, switches + 1);
      }
    }
    return new OwnCode<Depth>() {
      @Override
      public Boolean visitReturn(ReturnTree node, Depth depth) {
        return returns;
      }

      @Override
      public Boolean visitBreak(BreakTree node, Depth depth) {
        return breaks && depth.loops() == 0 && depth.switches() == 0;
      }

      @Override
      public Boolean visitContinue(ContinueTree node, Depth depth) {
        return continues && depth.loops() == 0;
      }

      @Override
      public Boolean scan(Tree node, Depth depth) {
        return super.scan(node, node != null && isLoop(node) ? depth.inLoop() : depth);
      }

      @Override
      public Boolean visitSwitch(SwitchTree node, Depth depth) {
        if (unstructured && !isStructured(node)) {
          return true;
        }
        return super.visitSwitch(node, depth.inSwitch());
      }
    }.finds(tree, new Depth(0, 0));
  }

  /**
   * Whether a switch statement lowers to if / else if / else with its branches merged, like an
   * if: every case group ends with {@code break} or is the last one (no fall-through from a
   * group with statements into the next), and nothing else in it leaves the switch (no other
   * break, no return, no continue). Any other switch is lowered with what follows it copied
   * into each branch, as an if that returns is ({@link SwitchLowering#lowerWithJumps}).
   */
  static boolean isStructured(SwitchTree choice) {
    List<? extends CaseTree> cases = choice.getCases();
    for (int i = 0; i < cases.size(); i++) {
      CaseTree c = cases.get(i);
      List<? extends StatementTree> statements = statementsOf(c);
      if (c.getCaseKind() == CaseTree.CaseKind.STATEMENT && i < cases.size() - 1
          && !statements.isEmpty() && !endsInBreak(statements)) {
        return false; // falls through, or leaves by return, continue or throw
      }
      for (StatementTree statement : withoutFinalBreak(statements)) {
        if (containsJump(statement)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The statements of a case: a group's statements, the statements of a rule's block, or a
   * rule's one statement; empty for a rule whose body is an expression (a switch expression).
   */
  static List<? extends StatementTree> statementsOf(CaseTree c) {
    if (c.getCaseKind() == CaseTree.CaseKind.RULE) {
      Tree body = c.getBody();
      return body instanceof BlockTree block ? block.getStatements()
          : body instanceof StatementTree statement ? List.of(statement) : List.of();
    }
    return c.getStatements();
  }

  /** {@code statements} without a last unlabeled {@code break}, which ends the switch. */
  static List<? extends StatementTree> withoutFinalBreak(
      List<? extends StatementTree> statements) {
    return endsInBreak(statements) ? statements.subList(0, statements.size() - 1) : statements;
  }

  private static boolean endsInBreak(List<? extends StatementTree> statements) {
    return !statements.isEmpty() && statements.get(statements.size() - 1) instanceof BreakTree b
        && b.getLabel() == null;
  }

  /** A yield of the switch expression around {@code tree} (not of one nested in it). */
  static boolean containsYield(Tree tree) {
    return new OwnCode<Void>() {
      @Override
      public Boolean visitYield(YieldTree node, Void unused) {
        return true;
      }

      @Override
      public Boolean visitSwitchExpression(SwitchExpressionTree node, Void unused) {
        return false;
      }
    }.finds(tree, null);
  }

  /**
   * Scans the code of the method itself for something: what a local class or a lambda holds is
   * not the method's.
   */
  private abstract static class OwnCode<P> extends TreeScanner<Boolean, P> {
    boolean finds(Tree tree, P p) {
      return Boolean.TRUE.equals(scan(tree, p));
    }

    @Override
    public Boolean visitClass(ClassTree node, P p) {
      return false; // a return in a local class is not this method's
    }

    @Override
    public Boolean visitLambdaExpression(LambdaExpressionTree node, P p) {
      return false;
    }

    @Override
    public Boolean reduce(Boolean a, Boolean b) {
      return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
    }
  }
}
