package dev.adjoint.processor.frontend;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.Trees;
import dev.adjoint.processor.ir.Origin;
import java.io.IOException;

/** Source lines and text of statements, for the comments beside generated code. */
final class SourceText {
  private static final int MAX_TEXT = 80;

  private final CompilationUnitTree unit;
  private final SourcePositions positions;
  private final CharSequence content;

  SourceText(Trees trees, CompilationUnitTree unit) {
    this.unit = unit;
    this.positions = trees.getSourcePositions();
    this.content = read(unit);
  }

  /** The origin of code lowered from {@code expression}, shown as its {@code statement}. */
  Origin origin(Tree statement, Tree expression) {
    long start = positions.getStartPosition(unit, statement);
    long end = statement instanceof IfTree branch
        ? positions.getStartPosition(unit, branch.getThenStatement())
        : statement instanceof CaseTree label ? labelEnd(label)
        : statement instanceof SwitchTree choice && !choice.getCases().isEmpty()
            ? positions.getStartPosition(unit, choice.getCases().get(0))
        : positions.getEndPosition(unit, statement);
    int line = start < 0 ? 0 : (int) unit.getLineMap().getLineNumber(start);
    return new Origin(line, text(start, end), expression);
  }

  /** A case up to its statements or block: {@code case 1, 2 ->}, or all of {@code case 0 -> x;}. */
  private long labelEnd(CaseTree label) {
    if (label.getCaseKind() == CaseTree.CaseKind.RULE) {
      return label.getBody() instanceof BlockTree block
          ? positions.getStartPosition(unit, block) : positions.getEndPosition(unit, label);
    }
    return label.getStatements().isEmpty() ? positions.getEndPosition(unit, label)
        : positions.getStartPosition(unit, label.getStatements().get(0));
  }

  private String text(long start, long end) {
    if (content == null || start < 0 || end <= start || end > content.length()) {
      return "";
    }
    String text = content.subSequence((int) start, (int) end).toString()
        .replaceAll("\\s+", " ").trim()
        .replace("\\", "\\\\"); // a backslash-u in a comment would still be a Unicode escape
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 3) + "...";
  }

  private static CharSequence read(CompilationUnitTree unit) {
    try {
      return unit.getSourceFile().getCharContent(true);
    } catch (IOException | RuntimeException unreadable) {
      return null;
    }
  }
}
