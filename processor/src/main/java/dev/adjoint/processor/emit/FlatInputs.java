package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * The differentiated inputs of a method seen as one flat vector, declaration order, matrices row
 * by row: how the generated Hessian and Jacobian drivers number them ({@code dev.adjoint.Flat}
 * walks them at run time).
 */
final class FlatInputs {
  static final ClassName FLAT = ClassName.get("dev.adjoint", "Flat");

  private FlatInputs() {}

  /** The size of an input, flattened: 1, {@code x.length}, {@code Flat.size(W)}. */
  static CodeBlock size(Param p) {
    String name = p.var().name();
    return p.var().type() == Type.DOUBLE ? CodeBlock.of("1")
        : p.var().type() == Type.DOUBLE_ARRAY ? CodeBlock.of("$N.length", name)
        : CodeBlock.of("$T.size($N)", FLAT, name);
  }

  /**
   * Declares {@code int at<x>}, where each input starts, then {@code int n}, their total; returns
   * the offsets' names, one per input.
   */
  static List<String> declare(CodeBlock.Builder body, List<Param> inputs, NameScope scope,
      String n) {
    List<String> offsets = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      String offset = scope.fresh("at" + inputs.get(i).var().name());
      offsets.add(offset);
      body.addStatement("int $N = $L", offset, i == 0 ? CodeBlock.of("0")
          : CodeBlock.of("$N + $L", offsets.get(i - 1), size(inputs.get(i - 1))));
    }
    body.addStatement("int $N = $N + $L", n, offsets.get(offsets.size() - 1),
        size(inputs.get(inputs.size() - 1)));
    return offsets;
  }
}
