package dev.adjoint.processor.plan;

import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Types;

/**
 * The names of the generated classes and records of a class with {@code @Differentiable}
 * methods: one place, read by the frontend (calls to another class's pullbacks), the processor
 * and the writers.
 */
public final class GeneratedNames {
  private GeneratedNames() {}

  /** A generated top-level class: its package and simple name. */
  public record GeneratedClass(String packageName, String simpleName) {
    /** {@code demo.CircuitsGrad}; {@code CircuitsGrad} in the unnamed package. */
    public String canonicalName() {
      return packageName.isEmpty() ? simpleName : packageName + "." + simpleName;
    }
  }

  /** {@code CircuitsGrad} for {@code demo.Circuits}; {@code Outer_InnerGrad} for nested. */
  public static GeneratedClass gradClass(TypeElement owner) {
    return generated(owner, "Grad");
  }

  /** {@code CircuitsSweeps} for {@code demo.Circuits}. */
  public static GeneratedClass sweepsClass(TypeElement owner) {
    return generated(owner, "Sweeps");
  }

  private static GeneratedClass generated(TypeElement owner, String suffix) {
    Deque<String> simpleNames = new ArrayDeque<>();
    Element e = owner;
    while (e instanceof TypeElement type) {
      simpleNames.addFirst(type.getSimpleName().toString());
      e = type.getEnclosingElement();
    }
    while (e != null && !(e instanceof PackageElement)) {
      e = e.getEnclosingElement();
    }
    String packageName = e == null ? "" : ((PackageElement) e).getQualifiedName().toString();
    return new GeneratedClass(packageName, String.join("_", simpleNames) + suffix);
  }

  /**
   * The method a {@code <Class>Grad} has for a method with record parameters: the method itself
   * with each record passed component by component, so generated callers can call it.
   */
  public static String flatName(String method) {
    return method + "Flat";
  }

  /**
   * The name of the backward pass alone of a method returning an array: its pullback without the
   * value, which generated callers call in their backward sweeps (they have the value already).
   */
  public static String backwardName(String method) {
    return method + "Backward";
  }

  /**
   * The name of the backward pass of a method returning an array given the value it returned,
   * which a caller holding that value calls instead of the one computing it again.
   */
  public static String backwardFromName(String method) {
    return givenVariant(backwardName(method));
  }

  /** The name of the variant of a backward pass (or of one of its variants) given the value. */
  public static String givenVariant(String backward) {
    return backward + "From";
  }

  /**
   * Whether a method returning {@code result} from {@code params} gets
   * {@link #backwardFromName}: it returns an array and has no record parameter.
   */
  public static boolean hasBackwardFrom(Type result, List<Param> params) {
    return result.isArray() && params.stream().allMatch(p -> p.component() == null);
  }

  /**
   * The name of the method writing a {@code double[]} result into an array it is given, when that
   * array has the result's length: what generated code calls in a loop whose iterations make the
   * result and never keep it.
   */
  public static String intoName(String method) {
    return method + "Into";
  }

  /**
   * The signatures, {@code name(type, ...)} with erased types, of the methods {@code <Class>Grad}
   * gets for {@code method}: the gradient (the Jacobian of a vector output), the pullback and the
   * two JVPs; at order 2 also the two HVPs and the Hessian.
   */
  public static List<String> apiSignatures(String method, List<Param> params, Type result,
      int order, Types types) {
    DerivativeSignature pullback =
        DerivativeSignature.pullback(method, params, result, new NameScope());
    DerivativeSignature jvp = DerivativeSignature.jvp(method, params, result, new NameScope());
    List<String> own = params.stream()
        .map(p -> types.erasure(p.declaredType()).toString()).toList();
    List<String> declared = new ArrayList<>();
    List<String> derivatives = new ArrayList<>(); // as declared: a record's is a record
    String root = null;
    for (Param p : params) {
      if (p.component() == null) {
        declared.add(types.erasure(p.declaredType()).toString());
        if (p.differentiable()) {
          derivatives.add(p.var().type().javaName());
        }
      } else if (!p.component().root().equals(root)) {
        declared.add(types.erasure(p.component().rootType()).toString());
        if (params.stream().anyMatch(q -> q.differentiable() && q.component() != null
            && q.component().root().equals(p.component().root()))) {
          derivatives.add(types.erasure(p.component().rootType()).toString());
        }
      }
      root = p.component() == null ? null : p.component().root();
    }
    boolean records = declared.size() != own.size();
    List<String> pullbackTypes = new ArrayList<>(own);
    pullbackTypes.add(result.javaName());
    pullback.derivatives().keySet().forEach(p -> pullbackTypes.add(p.var().type().javaName()));
    if (pullback.scalarBuffer() != null) {
      pullbackTypes.add("double[]");
    }
    List<String> jvpTypes = new ArrayList<>(own);
    jvp.derivatives().keySet().forEach(p -> jvpTypes.add(p.var().type().javaName()));
    List<String> jvpBuffer = new ArrayList<>(jvpTypes);
    jvpBuffer.add(jvp.tangentOutType().javaName());
    String gradientName = result == Type.DOUBLE ? method : method + "Jacobian";
    List<String> all = new ArrayList<>(List.of(
        signature(gradientName, result == Type.DOUBLE ? declared : own),
        signature(pullback.name(), pullbackTypes), signature(jvp.name(), jvpTypes),
        signature(jvp.name(), jvpBuffer)));
    if (result.isArray()) {
      all.add(signature(backwardName(method), pullbackTypes));
    } else if (pullback.backwardReturnsAdjoint()) {
      all.add(signature(backwardName(method), pullbackTypes.subList(0, pullbackTypes.size() - 1)));
    }
    if (hasBackwardFrom(result, params)) {
      List<String> fromTypes = new ArrayList<>(own);
      fromTypes.add(result.javaName());
      fromTypes.addAll(pullbackTypes.subList(own.size(), pullbackTypes.size()));
      all.add(signature(backwardFromName(method), fromTypes));
    }
    if (result == Type.DOUBLE_ARRAY && !records) {
      List<String> intoTypes = new ArrayList<>(own);
      intoTypes.add("double[]");
      all.add(signature(intoName(method), intoTypes));
    }
    if (records) {
      all.add(signature(flatName(method), own));
      List<String> recordJvp = new ArrayList<>(declared);
      recordJvp.addAll(derivatives);
      all.add(signature(jvp.name(), recordJvp));
      List<String> recordPullback = new ArrayList<>(declared);
      recordPullback.add(result.javaName());
      derivatives.stream().filter(t -> !t.equals("double")).forEach(recordPullback::add);
      if (pullback.scalarBuffer() != null) {
        recordPullback.add("double[]");
      }
      all.add(signature(pullback.name(), recordPullback));
    }
    if (order == 2) {
      HvpSignature hvp = HvpSignature.of(method, params, result, new NameScope());
      List<String> hvpTypes = new ArrayList<>(declared);
      hvpTypes.addAll(derivatives);
      List<String> full = new ArrayList<>(pullbackTypes);
      hvp.directions().keySet().forEach(p -> full.add(p.var().type().javaName()));
      full.add(hvp.seedType().javaName());
      hvp.buffers().keySet().forEach(p -> full.add(p.var().type().javaName()));
      if (hvp.scalarBuffer() != null) {
        full.add("double[]");
      }
      all.add(signature(hvp.name(), hvpTypes));
      all.add(signature(hvp.name(), full));
      all.add(signature(method + "Hessian", declared));
    }
    return all;
  }

  private static String signature(String name, List<String> types) {
    return name + "(" + String.join(", ", types) + ")";
  }

  /**
   * The gradient record's name: the method's, capitalized ({@code circuit} gives
   * {@code Circuit}). If that would shadow a class the generated code or the method's body names
   * ({@code Math}, the owner, a constant's class), {@code Gradient} is appended; overloads are
   * numbered ({@code Circuit2}).
   */
  public static String recordName(String method, TypeElement owner, Set<String> namesInBody,
      Set<String> records) {
    Set<String> shadowed = new HashSet<>(Set.of("Math", "StrictMath", "Double", "Generated"));
    for (Element e = owner; e instanceof TypeElement type; e = e.getEnclosingElement()) {
      shadowed.add(type.getSimpleName().toString());
    }
    shadowed.add(gradClass(owner).simpleName());
    shadowed.add(sweepsClass(owner).simpleName());
    shadowed.addAll(namesInBody);
    String name = method.substring(0, 1).toUpperCase(Locale.ROOT) + method.substring(1);
    if (shadowed.contains(name)) {
      name += "Gradient";
    }
    String candidate = name;
    for (int i = 2; records.contains(candidate) || shadowed.contains(candidate); i++) {
      candidate = name + i;
    }
    return candidate;
  }
}
