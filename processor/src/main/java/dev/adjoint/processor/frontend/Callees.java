package dev.adjoint.processor.frontend;

import dev.adjoint.processor.emit.GradWriter;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Type;
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
      return new Callee(code, display, null, parameters, falses(parameters), true);
    }
    if (annotation(method, DIFFERENTIABLE) != null) {
      Set<String> wrt = wrt(method);
      List<Boolean> differentiated = new ArrayList<>();
      for (int i = 0; i < parameters.size(); i++) {
        String name = method.getParameters().get(i).getSimpleName().toString();
        differentiated.add(isDifferentiable(parameters.get(i))
            && (wrt.isEmpty() || wrt.contains(name)));
      }
      String grad = GradWriter.gradClassName(owner).canonicalName();
      return new Callee(code, display, grad + "." + method.getSimpleName() + "Pullback",
          parameters, differentiated, false);
    }
    for (Element member : owner.getEnclosedElements()) {
      AnnotationMirror custom = annotation(member, CUSTOM_GRADIENT);
      if (custom != null && method.getSimpleName().contentEquals(target(custom))
          && member instanceof ExecutableElement pullback
          && matches(method, pullback, types)) {
        List<Boolean> differentiated = new ArrayList<>();
        parameters.forEach(t -> differentiated.add(isDifferentiable(t)));
        return new Callee(code, display, owner.getQualifiedName() + "."
            + pullback.getSimpleName(), parameters, differentiated, false);
      }
    }
    return new Callee(code, display, null, parameters, falses(parameters), false);
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
    List<PullbackParameter> expected = pullbackParameters(method, types);
    List<? extends VariableElement> actual = pullback.getParameters();
    if (actual.size() != expected.size() || pullback.getReturnType().getKind() != TypeKind.DOUBLE
        || !pullback.getModifiers().contains(Modifier.STATIC)) {
      return false;
    }
    for (int i = 0; i < expected.size(); i++) {
      if (!types.isSameType(types.erasure(expected.get(i).type()),
          types.erasure(actual.get(i).asType()))) {
        return false;
      }
    }
    return true;
  }

  private static String expectedSignature(ExecutableElement method, Types types) {
    return "static double " + method.getSimpleName() + "Pullback("
        + String.join(", ", pullbackParameters(method, types).stream()
            .map(p -> p.type() + " " + p.name()).toList())
        + ")";
  }

  /** One parameter of a pullback, as the processor generates it. */
  private record PullbackParameter(TypeMirror type, String name) {}

  /**
   * The parameters of {@code method}'s pullback: its own, {@code double seed}, a buffer per
   * {@code double[]}/{@code double[][]} parameter, {@code double[] dScalars} if any is a double.
   */
  private static List<PullbackParameter> pullbackParameters(ExecutableElement method,
      Types types) {
    List<PullbackParameter> parameters = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      parameters.add(new PullbackParameter(p.asType(), p.getSimpleName().toString()));
    }
    TypeMirror doubleType = types.getPrimitiveType(TypeKind.DOUBLE);
    parameters.add(new PullbackParameter(doubleType, "seed"));
    boolean scalars = false;
    for (VariableElement p : method.getParameters()) {
      Type type = dev.adjoint.processor.frontend.Types.of(p.asType());
      if (type != null && type.isDoubleArray()) {
        parameters.add(new PullbackParameter(p.asType(),
            NameScope.identifier("d" + p.getSimpleName())));
      }
      scalars |= type == Type.DOUBLE;
    }
    if (scalars) {
      parameters.add(new PullbackParameter(types.getArrayType(doubleType), "dScalars"));
    }
    return parameters;
  }

  private static boolean isDifferentiable(Type type) {
    return type == Type.DOUBLE || type.isDoubleArray();
  }

  private static List<Boolean> falses(List<Type> parameters) {
    List<Boolean> none = new ArrayList<>();
    parameters.forEach(p -> none.add(false));
    return none;
  }

  private static Set<String> wrt(ExecutableElement method) {
    return MethodReader.wrtNames(method);
  }
}
