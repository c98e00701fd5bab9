package dev.adjoint.processor.ir;

import java.util.List;

/**
 * One {@code @Differentiable} method in IR form: parameters, a body that assigns {@code result}
 * on every path, and the generated method's reserved names.
 */
public record Function(String name, List<Param> params, Var result, Block body, NameScope names) {
  public Function {
    params = List.copyOf(params);
  }

  public List<Param> differentiableParams() {
    return params.stream().filter(Param::differentiable).toList();
  }
}
