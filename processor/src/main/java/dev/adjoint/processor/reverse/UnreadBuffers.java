package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Nested;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.Zeros;
import dev.adjoint.processor.plan.GeneratedNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A call of a layer's backward pass that passes zeros for an argument whose adjoint nobody reads
 * (the data row {@code x} of a first layer) calls, when the layer is in the same class, a variant
 * of that backward pass without the buffer: its contributions, and whatever only they need, are
 * left out ({@link DeadCode}), as a person writing the first layer's backward pass does not
 * compute {@code dx}. Only a buffer the layer adds into element by element qualifies (not one it
 * passes on to another call).
 */
public final class UnreadBuffers {
  /** A variant to generate: {@code callee}'s backward pass without the buffers of {@code dropped}. */
  public record Variant(String name, String callee, Set<Param> dropped) {}

  private final Map<String, Pullback> layers;
  private final String gradClass;
  private final Map<String, Variant> variants = new LinkedHashMap<>();

  /**
   * @param layers the pullbacks of the class's methods returning arrays, by method name
   * @param gradClass the qualified name of the class's {@code <Class>Grad}
   */
  public UnreadBuffers(Map<String, Pullback> layers, String gradClass) {
    this.layers = layers;
    this.gradClass = gradClass;
  }

  /** The variants the rewritten pullbacks call, by name. */
  public Map<String, Variant> variants() {
    return variants;
  }

  /** {@code pullback} with its calls of same-class layers given unread zeros rewritten. */
  public Pullback rewrite(Pullback pullback) {
    return pullback.withBody(block(pullback.body()));
  }

  private Block block(Block block) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt stmt : block.statements()) {
      out.add(stmt instanceof DerivativeCall call ? call(call)
          : Statements.mapBlocks(stmt, this::block));
    }
    return new Block(out);
  }

  private Stmt call(DerivativeCall call) {
    String callee = null;
    for (String name : layers.keySet()) {
      if (call.method().equals(gradClass + "." + GeneratedNames.backwardName(name))) {
        callee = name;
      }
    }
    if (callee == null) {
      return call;
    }
    Pullback layer = layers.get(callee);
    var signature = layer.signature();
    int first = signature.params().size() + 1; // after the arguments and the seed
    List<Param> buffered = new ArrayList<>(signature.derivatives().keySet());
    Set<Param> dropped = new LinkedHashSet<>();
    List<Operand> arguments = new ArrayList<>(call.arguments().subList(0, first));
    for (int k = 0; k < buffered.size(); k++) {
      Operand argument = call.arguments().get(first + k);
      Param param = buffered.get(k);
      if (argument instanceof Nested nested && nested.expr() instanceof Zeros
          && onlyAddedInto(layer, buffer(layer, param))) {
        dropped.add(param);
      } else {
        arguments.add(argument);
      }
    }
    if (dropped.isEmpty()) {
      return call;
    }
    arguments.addAll(call.arguments().subList(first + buffered.size(), call.arguments().size()));
    StringBuilder name = new StringBuilder(GeneratedNames.backwardName(callee));
    dropped.forEach(p -> name.append("Without")
        .append(Character.toUpperCase(p.var().name().charAt(0)))
        .append(p.var().name().substring(1)));
    variants.putIfAbsent(name.toString(), new Variant(name.toString(), callee, dropped));
    return new DerivativeCall(name.toString(), arguments, call.callee(), call.origin());
  }

  /** The buffer of {@code param} in {@code layer}'s pullback. */
  public static Var buffer(Pullback layer, Param param) {
    return new Var(layer.signature().derivatives().get(param), param.var().type());
  }

  /** Whether {@code layer} only adds into {@code buffer}'s elements, and names it nowhere else. */
  private static boolean onlyAddedInto(Pullback layer, Var buffer) {
    boolean[] other = {false};
    Statements.forEach(layer.body(), stmt -> {
      List<Operand> read = new ArrayList<>();
      if (stmt instanceof Accumulate add && add.target().equals(buffer) && add.intoElement()) {
        read.addAll(add.indices());
        read.add(add.value());
      } else if (Statements.vars(stmt).contains(buffer)) {
        other[0] = true;
      }
      other[0] |= Exprs.vars(read).contains(buffer);
    });
    return !other[0];
  }
}
