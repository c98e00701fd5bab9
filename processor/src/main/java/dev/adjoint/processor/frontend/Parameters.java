package dev.adjoint.processor.frontend;

import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;

/**
 * A method's parameters as the IR sees them, the one place that flattens records: a parameter
 * whose type is a record (and the receiver of an instance method of a record) becomes one
 * parameter per component, nested records recursively, named {@code <param>_<component>}. A
 * {@code double}, {@code double[]} or {@code double[][]} component is differentiated with its
 * record; any other is a constant carried along. The receiver of an instance method of any
 * other class is {@code self}, never differentiated.
 */
public final class Parameters {
  static final String NO_DERIVATIVE = "dev.adjoint.NoDerivative";
  /** The name {@code wrt} gives the receiver of an instance method. */
  static final String RECEIVER = "this";

  private final NameScope names;
  private final Set<String> wrt;
  private final List<Param> params = new ArrayList<>();

  private Parameters(NameScope names, Set<String> wrt) {
    this.names = names;
    this.wrt = wrt;
  }

  /** What {@link #of} gives: the flat parameters, and the records for the lowering. */
  record Flattened(List<Param> params, Map<Element, RecordValue> records, RecordValue receiver) {}

  /**
   * The parameters of {@code method}, each claiming its name in {@code names} (the method's own
   * names first); {@code versions} receives each plain parameter's variable.
   */
  static Flattened of(ExecutableElement method, Set<String> wrt, NameScope names,
      Map<Element, Var> versions, javax.lang.model.util.Types types) {
    for (VariableElement p : method.getParameters()) {
      names.reserve(p.getSimpleName().toString());
    }
    Parameters flat = new Parameters(names, wrt);
    Map<Element, RecordValue> records = new java.util.LinkedHashMap<>();
    RecordValue receiver = null;
    TypeElement owner = (TypeElement) method.getEnclosingElement();
    if (!method.getModifiers().contains(Modifier.STATIC)) {
      TypeMirror self = types.erasure(owner.asType());
      if (isRecord(self)) {
        String name = names.fresh(receiverName(owner));
        receiver = flat.record(name, self, self, List.of(),
            wrt.isEmpty() || wrt.contains(RECEIVER), new HashSet<>());
      } else {
        flat.params.add(new Param(new Var(names.fresh("self"), Type.OBJECT), self, false));
      }
    }
    for (VariableElement p : method.getParameters()) {
      String name = p.getSimpleName().toString();
      boolean wanted = wanted(p, wrt);
      if (isRecord(p.asType())) {
        records.put(p, flat.record(names.claim(name), p.asType(), p.asType(), List.of(), wanted,
            new HashSet<>()));
        continue;
      }
      Type type = Types.of(p.asType());
      Var v = new Var(names.claim(name), type == null ? Type.OBJECT : type);
      flat.params.add(new Param(v, p.asType(), wanted && differentiable(type)));
      if (type != null) {
        versions.put(p, v);
      }
    }
    return new Flattened(List.copyOf(flat.params), records, receiver);
  }

  /** The parameters of {@code method}, flattened, named as in its source. */
  public static List<Param> of(ExecutableElement method, Set<String> wrt,
      javax.lang.model.util.Types types) {
    return of(method, wrt, new NameScope(), new java.util.HashMap<>(), types).params();
  }

  /** Flattens the record {@code root} reaches at {@code path} (its type {@code type}). */
  private RecordValue record(String root, TypeMirror rootType, TypeMirror type,
      List<String> path, boolean wanted, Set<TypeElement> enclosing) {
    TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
    enclosing.add(element);
    RecordValue value = new RecordValue(element);
    for (RecordComponentElement c : element.getRecordComponents()) {
      List<String> at = new ArrayList<>(path);
      at.add(c.getSimpleName().toString());
      boolean kept = wanted && Callees.annotation(c, NO_DERIVATIVE) == null;
      if (isRecord(c.asType())
          && !enclosing.contains((TypeElement) ((DeclaredType) c.asType()).asElement())) {
        value.add(c.getSimpleName().toString(), new RecordValue.Component(null,
            record(root, rootType, c.asType(), at, kept, new HashSet<>(enclosing))));
        continue;
      }
      Type t = Types.of(c.asType());
      Var v = new Var(names.fresh(root + "_" + String.join("_", at)),
          t == null ? Type.OBJECT : t);
      params.add(new Param(v, c.asType(), kept && differentiable(t),
          new Param.Component(root, rootType, at)));
      value.add(c.getSimpleName().toString(), new RecordValue.Component(v, null));
    }
    return value;
  }

  /** The record types of {@code method}'s parameters and receiver, nested ones included. */
  static java.util.Set<TypeElement> recordTypes(ExecutableElement method) {
    java.util.Set<TypeElement> found = new java.util.LinkedHashSet<>();
    if (!method.getModifiers().contains(Modifier.STATIC)) {
      collectRecords(method.getEnclosingElement().asType(), found);
    }
    method.getParameters().forEach(p -> collectRecords(p.asType(), found));
    return found;
  }

  private static void collectRecords(TypeMirror type, java.util.Set<TypeElement> found) {
    if (isRecord(type) && found.add((TypeElement) ((DeclaredType) type).asElement())) {
      for (RecordComponentElement c
          : ((TypeElement) ((DeclaredType) type).asElement()).getRecordComponents()) {
        collectRecords(c.asType(), found);
      }
    }
  }

  /**
   * Whether parameter {@code p} is asked for: named by {@code wrt} (or {@code wrt} empty) and
   * not marked {@code @NoDerivative}.
   */
  static boolean wanted(VariableElement p, Set<String> wrt) {
    return (wrt.isEmpty() || wrt.contains(p.getSimpleName().toString()))
        && Callees.annotation(p, NO_DERIVATIVE) == null;
  }

  private static boolean differentiable(Type type) {
    return type == Type.DOUBLE || (type != null && type.isDoubleArray());
  }

  /** Whether {@code type} is a record class. */
  static boolean isRecord(TypeMirror type) {
    return type instanceof DeclaredType declared
        && declared.asElement().getKind() == ElementKind.RECORD;
  }

  /** The receiver's name: the record's, first letter lower case ({@code Mlp} gives {@code mlp}). */
  static String receiverName(TypeElement owner) {
    String simple = owner.getSimpleName().toString();
    return simple.substring(0, 1).toLowerCase(Locale.ROOT) + simple.substring(1);
  }
}
