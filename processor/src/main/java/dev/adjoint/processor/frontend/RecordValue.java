package dev.adjoint.processor.frontend;

import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.TypeElement;

/**
 * A record parameter (or an instance method's record receiver) as the lowering sees it: each
 * component a parameter of the IR, or a nested record. Records are immutable, so reading a
 * component is reading that parameter.
 */
final class RecordValue {
  /** One component: a parameter of the IR ({@code leaf}) or a nested record, never both. */
  record Component(Var leaf, RecordValue nested) {}

  final TypeElement type;
  private final Map<String, Component> components = new LinkedHashMap<>();

  RecordValue(TypeElement type) {
    this.type = type;
  }

  void add(String name, Component component) {
    components.put(name, component);
  }

  /** The component read by accessor (or field) {@code name}, or null if there is none. */
  Component component(String name) {
    return components.get(name);
  }

  /** The parameters of every component, nested ones included, in declaration order. */
  List<Var> leaves() {
    List<Var> all = new ArrayList<>();
    components.values().forEach(c -> {
      if (c.leaf() != null) {
        all.add(c.leaf());
      } else {
        all.addAll(c.nested().leaves());
      }
    });
    return all;
  }
}
