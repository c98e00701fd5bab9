package dev.adjoint.processor.frontend;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.plan.DerivativeSignature;
import dev.adjoint.processor.plan.GeneratedNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Finds the pullback of a called method: the one Adjoint generates for a
 * {@code @Differentiable} method ({@code <Owner>Grad.<name>Pullback}), or one registered with
 * {@code @CustomGradient} in the method's class. The same rules check a registration's
 * signature, so a call and its registration always agree.
 */
public final class Callees {
  static final String DIFFERENTIABLE = "dev.adjoint.Differentiable";
  public static final String CUSTOM_GRADIENT = "dev.adjoint.CustomGradient";
  private static final String STOP_GRADIENT = "dev.adjoint.Gates.stopGradient";

  private Callees() {}

  /** The callee as IR; {@code code} is how generated code names the method. */
  static Callee of(ExecutableElement method, String code, Elements elements, Types types) {
    TypeElement owner = (TypeElement) method.getEnclosingElement();
    List<Type> parameters = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      Type type = dev.adjoint.processor.frontend.Types.of(p.asType());
      parameters.add(type == null ? Type.INT : type); // objects: never differentiated
    }
    String display = owner.getSimpleName() + "." + method.getSimpleName();
    if ((owner.getQualifiedName() + "." + method.getSimpleName()).equals(STOP_GRADIENT)) {
      return new Callee(code, display, null, null, null, null, parameters, true);
    }
    if (annotation(method, DIFFERENTIABLE) != null) {
      DerivativeSignature signature = signature(method, wrt(method));
      String grad = GeneratedNames.gradClass(owner).canonicalName();
      String hvp = MethodReader.order(method) == 2
          ? grad + "." + method.getSimpleName() + "Hvp" : null;
      return new Callee(code, display, grad + "." + signature.name(),
          grad + "." + method.getSimpleName() + "Jvp", hvp, signature, parameters, false);
    }
    // a pullback's seed is a double: only a method returning double can have one
    boolean scalarResult = method.getReturnType().getKind() == TypeKind.DOUBLE;
    for (Element member : owner.getEnclosedElements()) {
      AnnotationMirror custom = annotation(member, CUSTOM_GRADIENT);
      if (scalarResult && custom != null && method.getSimpleName().contentEquals(target(custom))
          && member instanceof ExecutableElement pullback
          && matches(method, pullback, types)) {
        return new Callee(code, display, owner.getQualifiedName() + "."
            + pullback.getSimpleName(), null, null, signature(method, Set.of()), parameters,
            false);
      }
    }
    return new Callee(code, display, null, null, null, null, parameters, false);
  }

  /**
   * The pullback signature of {@code method} that a {@code @CustomGradient} must have, as text
   * for messages, or null if {@code pullback} has it.
   */
  public static String mismatch(ExecutableElement method, ExecutableElement pullback,
      Types types) {
    return matches(method, pullback, types) ? null : expectedSignature(method, types);
  }

  public static String target(AnnotationMirror custom) {
    for (var entry : custom.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals("value")) {
        return (String) entry.getValue().getValue();
      }
    }
    return "";
  }

  public static AnnotationMirror annotation(Element element, String name) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      if (mirror.getAnnotationType().toString().equals(name)) {
        return mirror;
      }
    }
    return null;
  }

  private static boolean matches(ExecutableElement method, ExecutableElement pullback,
      Types types) {
    List<TypeMirror> expected = pullbackTypes(method, types);
    List<? extends VariableElement> actual = pullback.getParameters();
    if (actual.size() != expected.size() || pullback.getReturnType().getKind() != TypeKind.DOUBLE
        || !pullback.getModifiers().contains(Modifier.STATIC)) {
      return false;
    }
    for (int i = 0; i < expected.size(); i++) {
      if (!types.isSameType(types.erasure(expected.get(i)), types.erasure(actual.get(i).asType()))) {
        return false;
      }
    }
    return true;
  }

  private static String expectedSignature(ExecutableElement method, Types types) {
    DerivativeSignature signature = signature(method, Set.of());
    List<TypeMirror> parameterTypes = pullbackTypes(method, types);
    List<String> names = new ArrayList<>();
    signature.params().forEach(p -> names.add(p.var().name()));
    names.add(signature.seed());
    names.addAll(signature.derivativeNames());
    List<String> parameters = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      parameters.add(parameterTypes.get(i) + " " + names.get(i));
    }
    return "static double " + signature.name() + "(" + String.join(", ", parameters) + ")";
  }

  /**
   * The convention of {@code method}'s pullback: every {@code double}, {@code double[]} and
   * {@code double[][]} parameter differentiated, or those in {@code wrt} when it is not empty.
   */
  private static DerivativeSignature signature(ExecutableElement method, Set<String> wrt) {
    List<Param> params = new ArrayList<>();
    NameScope scope = new NameScope();
    for (VariableElement p : method.getParameters()) {
      String name = p.getSimpleName().toString();
      Type type = dev.adjoint.processor.frontend.Types.of(p.asType());
      boolean differentiable = type != null && isDifferentiable(type)
          && (wrt.isEmpty() || wrt.contains(name));
      params.add(new Param(new Var(name, type == null ? Type.OBJECT : type), p.asType(),
          differentiable));
      scope.reserve(name);
    }
    return DerivativeSignature.pullback(method.getSimpleName().toString(), params, scope);
  }

  /** The types of the pullback's parameters, in the order of its convention. */
  private static List<TypeMirror> pullbackTypes(ExecutableElement method, Types types) {
    DerivativeSignature signature = signature(method, Set.of());
    List<TypeMirror> parameters = new ArrayList<>();
    signature.params().forEach(p -> parameters.add(p.declaredType()));
    TypeMirror doubleType = types.getPrimitiveType(TypeKind.DOUBLE);
    parameters.add(doubleType);
    signature.derivatives().keySet().forEach(p -> parameters.add(p.declaredType()));
    if (signature.scalarBuffer() != null) {
      parameters.add(types.getArrayType(doubleType));
    }
    return parameters;
  }

  private static boolean isDifferentiable(Type type) {
    return type == Type.DOUBLE || type.isDoubleArray();
  }

  private static Set<String> wrt(ExecutableElement method) {
    return MethodReader.wrtNames(method);
  }
}
