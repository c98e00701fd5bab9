package dev.adjoint.processor.frontend;

import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.plan.DerivativeSignature;
import dev.adjoint.processor.plan.GeneratedNames;
import dev.adjoint.processor.plan.HvpSignature;
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
  public static final String CUSTOM_HVP = "dev.adjoint.CustomHvp";
  public static final String CUSTOM_JVP = "dev.adjoint.CustomJvp";

  /** What a user registers for a method Adjoint does not differentiate from its body. */
  public enum Registration {
    /** {@code @CustomGradient}: its pullback. */
    GRADIENT(CUSTOM_GRADIENT, "pullback", Message.CUSTOM_GRADIENT),
    /** {@code @CustomJvp}: its JVP. */
    JVP(CUSTOM_JVP, "JVP", Message.CUSTOM_JVP),
    /** {@code @CustomHvp}: its HVP, the tangent of the pullback. */
    HVP(CUSTOM_HVP, "HVP", Message.CUSTOM_HVP);

    private final String annotation;
    private final String derivative;
    private final Message mismatch;

    Registration(String annotation, String derivative, Message mismatch) {
      this.annotation = annotation;
      this.derivative = derivative;
      this.mismatch = mismatch;
    }

    /** The error for a registration of this kind that matches no method. */
    public Message mismatch() {
      return mismatch;
    }

    public String annotation() {
      return annotation;
    }

    /** {@code pullback}, {@code HVP}: what the registered method is, for messages. */
    public String derivative() {
      return derivative;
    }
  }

  private static final String STOP_GRADIENT = "dev.adjoint.Gates.stopGradient";
  /** The runtime's package: its gates read their arrays only and never use the tapes. */
  private static final String RUNTIME = "dev.adjoint";

  private Callees() {}

  /**
   * Whether a method returning {@code result} (null: neither double nor an array) can have a
   * registered derivative: if it returns double, double[] or double[][].
   */
  public static boolean registrable(Type result) {
    return result == Type.DOUBLE || (result != null && result.isDoubleArray());
  }

  /** The callee as IR; {@code code} is how generated code names the method. */
  static Callee of(ExecutableElement method, String code, Elements elements, Types types) {
    TypeElement owner = (TypeElement) method.getEnclosingElement();
    List<Type> parameters = new ArrayList<>();
    for (Param p : Parameters.of(method, Set.of(), types)) {
      Type type = p.var().type();
      parameters.add(type == Type.OBJECT ? Type.INT : type); // objects: never differentiated
    }
    String display = owner.getSimpleName() + "." + method.getSimpleName();
    if ((owner.getQualifiedName() + "." + method.getSimpleName()).equals(STOP_GRADIENT)) {
      return new Callee(code, display, null, null, null, null, null, parameters, true, true,
          false, true, null);
    }
    boolean runtime = elements.getPackageOf(owner).getQualifiedName().contentEquals(RUNTIME);
    if (annotation(method, DIFFERENTIABLE) != null) {
      DerivativeSignature signature = signature(method, wrt(method), types);
      String grad = GeneratedNames.gradClass(owner).canonicalName();
      String hvp = MethodReader.order(method) == 2
          ? grad + "." + method.getSimpleName() + "Hvp" : null;
      if (signature.params().stream().anyMatch(p -> p.component() != null)) {
        // its records arrive component by component: the value comes from the flat form
        code = grad + "." + GeneratedNames.flatName(method.getSimpleName().toString());
      }
      String pullback = grad + "." + signature.name();
      String backward = signature.result().isArray()
          ? grad + "." + GeneratedNames.backwardName(method.getSimpleName().toString()) : pullback;
      boolean flat = signature.params().stream().noneMatch(p -> p.component() != null);
      String into = signature.result() == Type.DOUBLE_ARRAY && flat
          ? grad + "." + GeneratedNames.intoName(method.getSimpleName().toString()) : null;
      return new Callee(code, display, pullback, backward,
          grad + "." + method.getSimpleName() + "Jvp", hvp, signature, parameters, false, true,
          true, false, into);
    }
    // a pullback's seed is shaped like the result: double or double[]
    String pullback = registered(method, Registration.GRADIENT, types);
    if (pullback != null) {
      return new Callee(code, display, pullback, pullback,
          registered(method, Registration.JVP, types),
          registered(method, Registration.HVP, types), signature(method, Set.of(), types),
          parameters, false, runtime, false, runtime, runtime ? into(method, types) : null);
    }
    // a JDK method (Double.isNaN, Math.floorMod) cannot reach this thread's tapes either
    boolean jdk = elements.getPackageOf(owner).getQualifiedName().toString().startsWith("java.");
    return new Callee(code, display, null, null, null, null, null, parameters, false, runtime,
        false, runtime || jdk, null);
  }

  /**
   * The runtime's method writing {@code method}'s {@code double[]} value into an array it is
   * given ({@code Vectors.reluInto(z, reuse)} for {@code relu(z)}), or null.
   */
  private static String into(ExecutableElement method, Types types) {
    TypeElement owner = (TypeElement) method.getEnclosingElement();
    String name = GeneratedNames.intoName(method.getSimpleName().toString());
    for (Element e : owner.getEnclosedElements()) {
      if (e instanceof ExecutableElement candidate
          && candidate.getSimpleName().contentEquals(name)
          && candidate.getParameters().size() == method.getParameters().size() + 1
          && MethodReader.resultType(candidate) == Type.DOUBLE_ARRAY) {
        return owner.getQualifiedName() + "." + name;
      }
    }
    return null;
  }

  /**
   * The qualified name of the method registered as {@code method}'s {@code kind} in its class
   * (with the right signature), or null.
   */
  private static String registered(ExecutableElement method, Registration kind, Types types) {
    if (!registrable(MethodReader.resultType(method))) {
      return null;
    }
    TypeElement owner = (TypeElement) method.getEnclosingElement();
    for (Element member : owner.getEnclosedElements()) {
      AnnotationMirror custom = annotation(member, kind.annotation());
      if (custom != null && method.getSimpleName().contentEquals(target(custom))
          && member instanceof ExecutableElement registered
          && matches(method, registered, kind, types)) {
        return owner.getQualifiedName() + "." + registered.getSimpleName();
      }
    }
    return null;
  }

  /**
   * The signature of {@code method}'s {@code kind} that a registration must have, as text for
   * messages, or null if {@code registered} has it.
   */
  public static String mismatch(ExecutableElement method, ExecutableElement registered,
      Registration kind, Types types) {
    return matches(method, registered, kind, types) ? null
        : expectedSignature(method, kind, types);
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

  private static boolean matches(ExecutableElement method, ExecutableElement registered,
      Registration kind, Types types) {
    List<TypeMirror> expected = parameterTypes(method, kind, types);
    List<? extends VariableElement> actual = registered.getParameters();
    // a vector's pullback (and HVP) may return nothing: its callers have the value already
    boolean backwardOnly = kind != Registration.JVP
        && registered.getReturnType().getKind() == TypeKind.VOID
        && MethodReader.resultType(method) != Type.DOUBLE;
    if (actual.size() != expected.size()
        || !backwardOnly && !types.isSameType(registered.getReturnType(), method.getReturnType())
        || !registered.getModifiers().contains(Modifier.STATIC)) {
      return false;
    }
    for (int i = 0; i < expected.size(); i++) {
      if (!types.isSameType(types.erasure(expected.get(i)), types.erasure(actual.get(i).asType()))) {
        return false;
      }
    }
    return true;
  }

  private static String expectedSignature(ExecutableElement method, Registration kind,
      Types types) {
    DerivativeSignature signature = signature(method, Set.of(), types);
    List<TypeMirror> parameterTypes = parameterTypes(method, kind, types);
    List<String> names = new ArrayList<>();
    signature.params().forEach(p -> names.add(p.var().name()));
    String name = signature.name();
    if (kind == Registration.JVP) {
      NameScope scope = new NameScope();
      signature.params().forEach(p -> scope.reserve(p.var().name()));
      DerivativeSignature jvp = DerivativeSignature.jvp(method.getSimpleName().toString(),
          signature.params(), signature.result(), scope);
      names.addAll(jvp.derivativeNames());
      name = jvp.name();
    } else {
      names.add(signature.seed());
      names.addAll(signature.derivativeNames());
    }
    if (kind == Registration.HVP) {
      HvpSignature hvp = hvpSignature(method, types);
      names.addAll(hvp.tangentNames());
      name = hvp.name();
    }
    List<String> parameters = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      parameters.add(parameterTypes.get(i) + " " + names.get(i));
    }
    String result = kind != Registration.JVP && signature.result() != Type.DOUBLE
        ? method.getReturnType() + " (or void)" : method.getReturnType().toString();
    return "static " + result + " " + name + "(" + String.join(", ", parameters) + ")";
  }

  /** The HVP convention of {@code method}, every double-carrying parameter differentiated. */
  private static HvpSignature hvpSignature(ExecutableElement method, Types types) {
    DerivativeSignature pullback = signature(method, Set.of(), types);
    NameScope scope = new NameScope();
    pullback.params().forEach(p -> scope.reserve(p.var().name()));
    pullback.derivativeNames().forEach(scope::reserve);
    scope.reserve(pullback.seed());
    return HvpSignature.of(method.getSimpleName().toString(), pullback, scope);
  }

  /**
   * The convention of {@code method}'s pullback: its parameters flattened ({@link Parameters}),
   * every {@code double}, {@code double[]} and {@code double[][]} differentiated, or those in
   * {@code wrt} when it is not empty.
   */
  private static DerivativeSignature signature(ExecutableElement method, Set<String> wrt,
      Types types) {
    NameScope scope = new NameScope();
    List<Param> params = Parameters.of(method, wrt, scope, new java.util.HashMap<>(), types)
        .params();
    return DerivativeSignature.pullback(method.getSimpleName().toString(), params,
        MethodReader.resultType(method), scope);
  }

  /** The types of the registered method's parameters, in the order of its convention. */
  private static List<TypeMirror> parameterTypes(ExecutableElement method, Registration kind,
      Types types) {
    DerivativeSignature signature = signature(method, Set.of(), types);
    List<TypeMirror> parameters = new ArrayList<>();
    signature.params().forEach(p -> parameters.add(p.declaredType()));
    TypeMirror doubleType = types.getPrimitiveType(TypeKind.DOUBLE);
    if (kind == Registration.JVP) {
      signature.params().stream().filter(Param::differentiable)
          .forEach(p -> parameters.add(p.declaredType()));
      parameters.add(types.getArrayType(method.getReturnType())); // tangentOut
      return parameters;
    }
    parameters.add(method.getReturnType()); // the seed: double, or double[] for a vector
    signature.derivatives().keySet().forEach(p -> parameters.add(p.declaredType()));
    if (signature.scalarBuffer() != null) {
      parameters.add(types.getArrayType(doubleType));
    }
    if (kind == Registration.HVP) {
      HvpSignature hvp = hvpSignature(method, types);
      hvp.directions().keySet().forEach(p -> parameters.add(p.declaredType()));
      parameters.add(method.getReturnType()); // the seed's tangent
      hvp.buffers().keySet().forEach(p -> parameters.add(p.declaredType()));
      if (hvp.scalarBuffer() != null) {
        parameters.add(types.getArrayType(doubleType));
      }
    }
    return parameters;
  }

  private static Set<String> wrt(ExecutableElement method) {
    return MethodReader.wrtNames(method);
  }
}
