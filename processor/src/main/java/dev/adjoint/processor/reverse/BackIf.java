package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Origin;
import java.util.List;

/** Replays a forward branch backward: the same condition, each side's statements reversed. */
public record BackIf(Operand condition, List<BackStmt> then, List<BackStmt> otherwise,
    Origin origin) implements BackStmt {
  public BackIf {
    then = List.copyOf(then);
    otherwise = List.copyOf(otherwise);
  }
}
