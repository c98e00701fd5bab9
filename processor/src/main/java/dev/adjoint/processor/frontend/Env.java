package dev.adjoint.processor.frontend;

import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.lang.model.element.Element;

/** The current SSA version of each local variable and parameter, on one path through the body. */
final class Env {
  /** The version of a local declared without a value, until it is assigned. */
  static final Var UNASSIGNED = new Var("<unassigned>", Type.DOUBLE);

  final Map<Element, Var> versions;

  Env(Map<Element, Var> versions) {
    this.versions = versions;
  }

  Env copy() {
    return new Env(new LinkedHashMap<>(versions));
  }
}
