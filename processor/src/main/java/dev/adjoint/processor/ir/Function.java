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

  /** The same function with its own copy of the names, for another generated method. */
  public Function withOwnNames() {
    return new Function(name, params, result, body, names.copy());
  }

  public List<Param> differentiableParams() {
    return params.stream().filter(Param::differentiable).toList();
  }
}
