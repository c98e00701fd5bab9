package dev.adjoint.processor.ir;

import java.util.List;
import javax.lang.model.type.TypeMirror;

/**
 * A parameter of the differentiated method: its variable, its declared type (for the generated
 * signatures) and whether the gradient includes it. A record parameter is flattened into one
 * parameter per component; {@code component} says where each sits in the record (null for a
 * parameter of the method itself).
 */
public record Param(Var var, TypeMirror declaredType, boolean differentiable,
    Component component) {

  public Param(Var var, TypeMirror declaredType, boolean differentiable) {
    this(var, declaredType, differentiable, null);
  }

  /**
   * A component of a record parameter: the record parameter's name and type, and the accessors
   * that read this component from it ({@code [layer1, W]} for {@code p.layer1().W()}).
   */
  public record Component(String root, TypeMirror rootType, List<String> path) {
    public Component {
      path = List.copyOf(path);
    }
  }
}
