package dev.adjoint.processor.emit;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Param;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;

/**
 * A parameter as the user declared it, over the flat parameters the IR has: a parameter of the
 * method itself, or a record parameter and the parameters its components became. The public
 * methods take these, unpack records into their components for the flat derivatives, and pack
 * the components' derivatives into records of the same type.
 *
 * @param name the parameter's name
 * @param type its declared type
 * @param components the flat parameters: the parameter itself, or its record's components
 */
record Declared(String name, TypeMirror type, List<Param> components) {

  /** The declared parameters over {@code flat}, in order. */
  static List<Declared> of(List<Param> flat) {
    List<Declared> declared = new ArrayList<>();
    for (int i = 0; i < flat.size(); ) {
      Param p = flat.get(i);
      if (p.component() == null) {
        declared.add(new Declared(p.var().name(), p.declaredType(), List.of(p)));
        i++;
        continue;
      }
      int end = i;
      while (end < flat.size() && flat.get(end).component() != null
          && flat.get(end).component().root().equals(p.component().root())) {
        end++;
      }
      declared.add(new Declared(p.component().root(), p.component().rootType(),
          List.copyOf(flat.subList(i, end))));
      i = end;
    }
    return declared;
  }

  /** Whether any method parameter is a record. */
  static boolean anyRecord(List<Param> flat) {
    return flat.stream().anyMatch(p -> p.component() != null);
  }

  boolean isRecord() {
    return components.get(0).component() != null;
  }

  boolean differentiable() {
    return components.stream().anyMatch(Param::differentiable);
  }

  ParameterSpec parameter() {
    return ParameterSpec.builder(TypeName.get(type), name).build();
  }

  /** A parameter of this one's type named {@code name}: a tangent, a buffer, a direction. */
  ParameterSpec parameter(String name) {
    return ParameterSpec.builder(TypeName.get(type), name).build();
  }

  /** {@code from.layer().W()}: component {@code p} of the record held by {@code from}. */
  static CodeBlock read(String from, Param p) {
    return CodeBlock.of("$N.$L()", from, String.join("().", p.component().path()));
  }

  /**
   * Declares a local per component, named by {@code local}, holding that component of the
   * record {@code from} ({@code double[][] p_W1 = p.W1();}).
   */
  void unpack(CodeBlock.Builder body, String from, Function<Param, String> local) {
    for (Param p : components) {
      body.addStatement("$T $N = $L", TypeName.get(p.declaredType()), local.apply(p),
          read(from, p));
    }
  }

  /** {@code new Mlp(...)}: a record of this type whose components are {@code value}'s. */
  CodeBlock pack(Function<Param, CodeBlock> value) {
    return pack(type, List.of(), value);
  }

  private CodeBlock pack(TypeMirror record, List<String> path,
      Function<Param, CodeBlock> value) {
    TypeElement element = (TypeElement) ((DeclaredType) record).asElement();
    List<CodeBlock> args = new ArrayList<>();
    for (RecordComponentElement c : element.getRecordComponents()) {
      List<String> at = new ArrayList<>(path);
      at.add(c.getSimpleName().toString());
      Param leaf = components.stream().filter(p -> p.component().path().equals(at))
          .findFirst().orElse(null);
      args.add(leaf != null ? value.apply(leaf) : pack(c.asType(), at, value));
    }
    return CodeBlock.of("new $T($L)", TypeName.get(record), CodeBlock.join(args, ", "));
  }
}
