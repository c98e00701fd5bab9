package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.Zeros;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The adjoint arrays a loop makes in each iteration (of a layer's output, of a per-example
 * scratch row, the buffer for an argument's adjoint nobody reads) become one array per loop,
 * zeroed in each iteration where it was made: {@code dscores = Shapes.zeroed(dscores, scores)}
 * reuses the array when the shape is the same, as a person keeps one {@code dscores} row for a
 * whole batch. Nothing but the allocation changes: each iteration sees zeros, as before, and
 * no such array outlives its iteration (it is declared in the loop's body; a buffer passed to a
 * pullback receives adjoints, which are added out of it before the iteration ends).
 */
public final class AdjointScratch {
  private final NameScope names;
  private final Map<Var, Integer> declarations = new HashMap<>();
  /** The arrays' declarations, before the body. */
  private final List<Stmt> hoisted = new ArrayList<>();

  private AdjointScratch(NameScope names) {
    this.names = names;
  }

  /** {@code pullback} with the adjoint arrays made in loops made once. */
  public static Pullback of(Pullback pullback) {
    AdjointScratch pass = new AdjointScratch(pullback.primal().names());
    Statements.forEach(pullback.body(), stmt -> {
      Var declared = stmt instanceof Declare declare ? declare.var()
          : stmt instanceof Accumulate add && add.declares() ? add.target() : null;
      if (declared != null) {
        pass.declarations.merge(declared, 1, Integer::sum);
      }
    });
    Block body = pass.block(pullback.body(), false);
    List<Stmt> all = new ArrayList<>(pass.hoisted);
    all.addAll(body.statements());
    return pullback.withBody(new Block(all));
  }

  private Block block(Block block, boolean inLoop) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      if (inLoop && stmt instanceof Declare declare && declare.init() instanceof Zeros zeros
          && zeros.reuse() == null && declarations.get(declare.var()) == 1) {
        out.add(reuse(declare.var(), zeros.shape()));
      } else if (inLoop && stmt instanceof DerivativeCall call) {
        List<Operand> arguments = new ArrayList<>();
        for (Operand argument : call.arguments()) {
          if (argument instanceof Nested nested && nested.expr() instanceof Zeros zeros
              && zeros.reuse() == null) {
            Var scratch = new Var(names.fresh("d" + zeros.shape().name()), nested.type());
            out.add(reuse(scratch, zeros.shape()));
            arguments.add(scratch);
          } else {
            arguments.add(argument);
          }
        }
        out.add(new DerivativeCall(call.method(), arguments, call.callee(), call.origin()));
      } else {
        boolean nestedInLoop = inLoop || !(stmt instanceof If); // a loop's blocks are in it
        out.add(Statements.mapBlocks(stmt, nested -> block(nested, nestedInLoop)));
      }
    }
    return new Block(out);
  }

  /** {@code array = Shapes.zeroed(array, shape)}, {@code array} declared before the body. */
  private Stmt reuse(Var array, Var shape) {
    hoisted.add(new Declare(array, Declarations.zero(array.type())));
    return new Assign(array, new Zeros(shape, array), null);
  }
}
