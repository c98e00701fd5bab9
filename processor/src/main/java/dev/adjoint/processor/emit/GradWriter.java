package dev.adjoint.processor.emit;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.forward.Hvp;
import dev.adjoint.processor.forward.Jvp;
import dev.adjoint.processor.ir.Accumulate;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.Zeros;
import dev.adjoint.processor.plan.DerivativeSignature;
import dev.adjoint.processor.plan.GeneratedNames;
import dev.adjoint.processor.plan.HvpSignature;
import dev.adjoint.processor.reverse.Pullback;
import dev.adjoint.processor.reverse.ReusedResults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * Writes the two generated classes of a class with {@code @Differentiable} methods.
 *
 * <p>{@code <Class>Grad} is the public surface, known from the methods' signatures alone: per
 * method a gradient record, the method returning it and the pullback. It is written in the first
 * round, before javac types any method body, so that code next to the loss that uses
 * {@code <Class>Grad} (a training loop, {@code var g = LossGrad.loss(...)}) is typed correctly
 * when javac types the class. {@code <Class>Sweeps} (package-private) holds the forward and
 * backward sweeps, written in the next round from the typed bodies.
 */
public final class GradWriter {
  private static final ClassName GENERATED =
      ClassName.get("javax.annotation.processing", "Generated");
  private static final String PROCESSOR = "dev.adjoint.processor.DifferentiableProcessor";

  /** One method's public surface, known from its signature. */
  public record ApiMethod(ExecutableElement element, List<Param> params, String recordName,
      String jvpRecordName, SecondOrderNames secondOrder) {
    String name() {
      return element.getSimpleName().toString();
    }

    List<Param> differentiable() {
      return params.stream().filter(Param::differentiable).toList();
    }

  }

  /** The records of an order-2 method's HVP and Hessian. */
  public record SecondOrderNames(String hvpRecord, String hessianRecord) {}

  /** A method of the sweeps class: differentiated, or a stub for one that could not be. */
  public sealed interface SweepMethod permits Sweep, Stub, BackwardVariant, HvpVariant {
    ExecutableElement element();
  }

  /**
   * A differentiated method; {@code backward} (the pullback's body without the value, see
   * {@link dev.adjoint.processor.reverse.DeadCode}) is null unless it returns an array,
   * {@code hvp} null unless it is order 2.
   */
  public record Sweep(ExecutableElement element, Pullback pullback, Block backward, Jvp jvp,
      Hvp hvp) implements SweepMethod {}

  /**
   * A layer's backward pass without the buffers of {@code dropped}, for its callers in the same
   * class that pass zeros there ({@link dev.adjoint.processor.reverse.UnreadBuffers}), and, if
   * {@code value} is not null, given the value the caller holds, a parameter after the layer's
   * own ({@link dev.adjoint.processor.reverse.GivenValues}).
   */
  public record BackwardVariant(ExecutableElement element, Pullback pullback, String name,
      Set<Param> dropped, Var value, Block body) implements SweepMethod {}

  /**
   * A layer's HVP given the value and the tangent its callers hold, {@code value} after the
   * layer's parameters, {@code valueTangent} after the directions
   * ({@link dev.adjoint.processor.forward.GivenTangents}).
   */
  public record HvpVariant(ExecutableElement element, Hvp hvp, String name, Var value,
      Var valueTangent) implements SweepMethod {}

  /** A method with errors (already reported): its derivatives throw. */
  public record Stub(ExecutableElement element, List<Param> params, boolean secondOrder)
      implements SweepMethod {}

  private GradWriter() {}

  private static ClassName gradClass(TypeElement owner) {
    return className(GeneratedNames.gradClass(owner));
  }

  static ClassName sweepsClass(TypeElement owner) {
    return className(GeneratedNames.sweepsClass(owner));
  }

  private static ClassName className(GeneratedNames.GeneratedClass generated) {
    return ClassName.get(generated.packageName(), generated.simpleName());
  }

  /** What a method returns: a {@code double}, or a vector (the only other result accepted). */
  static Type result(ExecutableElement element) {
    return dev.adjoint.processor.frontend.MethodReader.resultType(element);
  }

  /**
   * The public pullback's convention and names: in a scope of the method's parameters alone,
   * then {@code value} for the gradient method's local.
   */
  private static DerivativeSignature publicSignature(ExecutableElement element,
      List<Param> params) {
    return DerivativeSignature.pullback(element.getSimpleName().toString(), params,
        result(element), scopeOf(params, List.of()));
  }

  /** The public JVP's convention and names, in a scope of the method's parameters alone. */
  private static DerivativeSignature publicJvpSignature(ExecutableElement element,
      List<Param> params) {
    return DerivativeSignature.jvp(element.getSimpleName().toString(), params,
        result(element), scopeOf(params, List.of()));
  }

  /** The public HVP's convention and names, in a scope of the method's parameters alone. */
  private static HvpSignature publicHvpSignature(ExecutableElement element, List<Param> params) {
    return HvpSignature.of(element.getSimpleName().toString(), params, result(element),
        scopeOf(params, List.of()));
  }

  /** Names for a public method: its parameters' and {@code taken} are reserved. */
  static NameScope scopeOf(List<Param> params, List<String> taken) {
    NameScope scope = new NameScope();
    params.forEach(p -> scope.reserve(p.var().name()));
    Declared.of(params).forEach(d -> scope.reserve(d.name()));
    taken.forEach(scope::reserve);
    return scope;
  }

  /** Adds the parameters of {@code signature}: the method's own, the seed, the derivatives'. */
  private static MethodSpec.Builder addParameters(MethodSpec.Builder spec,
      ExecutableElement element, DerivativeSignature signature) {
    spec.addParameters(parameters(element, signature.params()));
    return addDerivativeParameters(spec, signature);
  }

  /** Adds the parameters of {@code signature} after the method's own: the seed, the rest. */
  private static MethodSpec.Builder addDerivativeParameters(MethodSpec.Builder spec,
      DerivativeSignature signature) {
    if (signature.seed() != null) {
      spec.addParameter(javaType(signature.result()), signature.seed());
    }
    signature.derivatives().forEach((p, d) -> spec.addParameter(javaType(p.var().type()), d));
    if (signature.last() != null) {
      spec.addParameter(javaType(signature.mode() == DerivativeSignature.Mode.JVP
          ? signature.tangentOutType() : Type.DOUBLE_ARRAY), signature.last());
    }
    return spec;
  }

  /** Adds the parameters of {@code signature}: the pullback's, then their tangents. */
  static MethodSpec.Builder addParameters(MethodSpec.Builder spec,
      ExecutableElement element, HvpSignature signature) {
    addParameters(spec, element, signature.pullback());
    signature.directions().forEach((p, v) -> spec.addParameter(javaType(p.var().type()), v));
    spec.addParameter(javaType(signature.seedType()), signature.seedTangent());
    signature.buffers().forEach((p, h) -> spec.addParameter(javaType(p.var().type()), h));
    if (signature.scalarBuffer() != null) {
      spec.addParameter(double[].class, signature.scalarBuffer());
    }
    return spec;
  }

  public static JavaFile writeApi(TypeElement owner, List<ApiMethod> methods) {
    ClassName gradClass = gradClass(owner);
    TypeSpec.Builder type = TypeSpec.classBuilder(gradClass)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addOriginatingElement(owner)
        .addAnnotation(generated())
        .addJavadoc("Reverse-mode derivatives of the {@code @Differentiable} methods of {@link $T},"
            + "\ngenerated by Adjoint. Do not edit: change {@link $T} instead. The forward and"
            + "\nbackward sweeps are in {@code $L}.\n", ClassName.get(owner), ClassName.get(owner),
            sweepsClass(owner).simpleName())
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (ApiMethod method : methods) {
      ClassName record = gradClass.nestedClass(method.recordName());
      DerivativeSignature signature = publicSignature(method.element(), method.params());
      if (signature.result() == Type.DOUBLE) {
        type.addType(gradientRecord(owner, method, record));
        type.addMethod(gradientMethod(owner, method, record, signature));
      } else {
        VectorApi.addJacobian(type, owner, method, record, signature);
      }
      type.addMethod(publicPullback(owner, method, signature));
      if (signature.result().isArray() || signature.backwardReturnsAdjoint()) {
        type.addMethod(publicBackward(owner, method, signature));
      }
      if (GeneratedNames.hasBackwardFrom(signature.result(), method.params())) {
        type.addMethod(publicBackwardFrom(owner, method, signature));
      }
      if (hasInto(signature.result(), method.params())) {
        type.addMethod(publicInto(owner, method));
      }
      if (Declared.anyRecord(method.params())) {
        type.addMethod(flatPrimal(owner, method));
        type.addMethod(recordPullback(owner, method, signature));
      }
      ClassName jvpRecord = gradClass.nestedClass(method.jvpRecordName());
      DerivativeSignature jvp = publicJvpSignature(method.element(), method.params());
      type.addType(jvpRecord(owner, method, jvpRecord));
      type.addMethod(jvpMethod(owner, method, jvpRecord, jvp));
      type.addMethod(publicJvp(owner, method, jvp));
      if (Declared.anyRecord(method.params())) {
        type.addMethod(recordJvp(owner, method, jvpRecord, jvp));
      }
      if (method.secondOrder() != null) {
        SecondOrderApi.add(type, owner, method, gradClass,
            publicHvpSignature(method.element(), method.params()));
      }
    }
    return javaFile(gradClass, type);
  }

  public static JavaFile writeSweeps(TypeElement owner, List<SweepMethod> methods) {
    ClassName sweepsClass = sweepsClass(owner);
    TypeSpec.Builder type = TypeSpec.classBuilder(sweepsClass)
        .addModifiers(Modifier.FINAL)
        .addOriginatingElement(owner)
        .addAnnotation(generated())
        .addJavadoc("Forward and backward sweeps of the {@code @Differentiable} methods of"
            + " {@link $T},\ngenerated by Adjoint; call them through {@link $T}.\n",
            ClassName.get(owner), gradClass(owner))
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (SweepMethod method : methods) {
      if (method instanceof Sweep sweep) {
        if (Declared.anyRecord(sweep.pullback().primal().params())) {
          type.addMethod(flatSweep(owner, sweep));
        }
        type.addMethod(pullback(owner, sweep));
        if (hasInto(sweep.pullback().signature().result(), sweep.pullback().primal().params())) {
          type.addMethod(into(owner, sweep));
        }
        if (sweep.backward() != null) {
          type.addMethod(backward(owner, sweep));
        }
        type.addMethod(jvp(owner, sweep));
        if (sweep.hvp() != null) {
          type.addMethod(hvp(owner, sweep));
        }
      } else if (method instanceof BackwardVariant variant) {
        type.addMethod(backwardVariant(owner, variant));
      } else if (method instanceof HvpVariant variant) {
        type.addMethod(hvpVariant(owner, variant));
      } else {
        Stub stub = (Stub) method;
        if (Declared.anyRecord(stub.params())) {
          type.addMethod(MethodSpec.methodBuilder(GeneratedNames.flatName(
                  stub.element().getSimpleName().toString()))
              .addModifiers(Modifier.STATIC)
              .returns(TypeName.get(stub.element().getReturnType()))
              .addParameters(parameters(stub.element(), stub.params()))
              .addJavadoc(STUB_JAVADOC)
              .addCode(stubBody(stub))
              .build());
        }
        DerivativeSignature pullback = publicSignature(stub.element(), stub.params());
        type.addMethod(stub(stub, pullback));
        if (hasInto(pullback.result(), stub.params())) {
          type.addMethod(MethodSpec.methodBuilder(GeneratedNames.intoName(
                  stub.element().getSimpleName().toString()))
              .addModifiers(Modifier.STATIC)
              .returns(double[].class)
              .addParameters(intoParameters(stub.element(), stub.params(),
                  reuseName(stub.params())))
              .addJavadoc(STUB_JAVADOC)
              .addCode(stubBody(stub))
              .build());
        }
        if (pullback.result().isArray() || pullback.backwardReturnsAdjoint()) {
          String name = GeneratedNames.backwardName(stub.element().getSimpleName().toString());
          type.addMethod(addParameters(MethodSpec.methodBuilder(name), stub.element(),
                  pullback.backward(name))
              .addModifiers(Modifier.STATIC)
              .returns(pullback.backwardReturnsAdjoint() ? TypeName.DOUBLE : TypeName.VOID)
              .addJavadoc(STUB_JAVADOC)
              .addCode(stubBody(stub))
              .build());
        }
        if (GeneratedNames.hasBackwardFrom(pullback.result(), stub.params())) {
          String name =
              GeneratedNames.backwardFromName(stub.element().getSimpleName().toString());
          DerivativeSignature backward = pullback.backward(name);
          type.addMethod(addDerivativeParameters(MethodSpec.methodBuilder(name)
                  .addParameters(parameters(stub.element(), backward.params()))
                  .addParameter(javaType(backward.result()), valueName(backward)), backward)
              .addModifiers(Modifier.STATIC)
              .addJavadoc(STUB_JAVADOC)
              .addCode(stubBody(stub))
              .build());
        }
        type.addMethod(stub(stub, publicJvpSignature(stub.element(), stub.params())));
        if (stub.secondOrder()) {
          HvpSignature hvp = publicHvpSignature(stub.element(), stub.params());
          type.addMethod(addParameters(MethodSpec.methodBuilder(hvp.name()), stub.element(), hvp)
              .addModifiers(Modifier.STATIC)
              .returns(javaType(hvp.seedType()))
              .addJavadoc(STUB_JAVADOC)
              .addCode(stubBody(stub))
              .build());
        }
      }
    }
    return javaFile(sweepsClass, type);
  }

  private static JavaFile javaFile(ClassName name, TypeSpec.Builder type) {
    return JavaFile.builder(name.packageName(), type.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  private static AnnotationSpec generated() {
    return AnnotationSpec.builder(GENERATED).addMember("value", "$S", PROCESSOR).build();
  }

  // ---- the public surface ----------------------------------------------------------------

  private static TypeSpec gradientRecord(TypeElement owner, ApiMethod method, ClassName record) {
    MethodSpec.Builder components = MethodSpec.constructorBuilder()
        .addParameter(double.class, "value");
    List<Declared> differentiable = Declared.of(method.params()).stream()
        .filter(Declared::differentiable).toList();
    for (Declared d : differentiable) {
      components.addParameter(derivativeType(d), component(d.name()));
    }
    String partials = differentiable.stream()
        .map(d -> "{@code " + component(d.name()) + "} = df/d" + d.name())
        .collect(Collectors.joining(", "));
    boolean shaped = method.differentiable().stream().anyMatch(p -> p.var().type().isArray());
    boolean records = differentiable.stream().anyMatch(Declared::isRecord);
    return TypeSpec.recordBuilder(record)
        .addModifiers(Modifier.PUBLIC)
        .recordConstructor(components.build())
        .addJavadoc("Value and gradient of {@link $L}:\n{@code value} = f, $L$L.$L\n",
            link(owner, method.element()), partials,
            shaped ? " (arrays have the shape of their parameter)" : "",
            records ? "\nA record's gradient is a record of its type: each double component"
                + " holds its partial,\neach array its gradient; components not differentiated"
                + " hold 0.0 or null\n(int, String and other constants: the input's value)."
                : "")
        .build();
  }

  /** The record component of a parameter's derivative: {@code dx}; {@code do_} for {@code o}. */
  private static String component(String parameter) {
    return NameScope.identifier("d" + parameter);
  }

  private static MethodSpec gradientMethod(TypeElement owner, ApiMethod method, ClassName record,
      DerivativeSignature signature) {
    CodeBlock.Builder body = CodeBlock.builder();
    List<Declared> declared = Declared.of(method.params());
    unpackRecords(body, method.params());
    signature.derivatives().forEach((p, d) ->
        body.addStatement("$L $N = $L", p.var().type().javaName(), d, zeros(p.var())));
    List<Param> scalars = signature.scalars();
    if (signature.scalarBuffer() != null) {
      body.addStatement("double[] $N = new double[$L]", signature.scalarBuffer(), scalars.size());
    }
    String value = scopeOf(method.params(), signature.derivativeNames()).fresh("value");
    body.addStatement("double $N = $N($L, 1.0, $L)", value, signature.name(),
        arguments(method.params()), String.join(", ", signature.derivativeNames()));
    CodeBlock.Builder fields = CodeBlock.builder().add("$N", value);
    fields.add(derivativeFields(declared, signature.derivatives(), signature.scalarBuffer(),
        scalars));
    body.addStatement("return new $T($L)", record, fields.build());
    return MethodSpec.methodBuilder(method.name())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(record)
        .addParameters(declaredParameters(method.params()))
        .addJavadoc("Value and gradient of {@link $L}.\n", link(owner, method.element()))
        .addCode(body.build())
        .build();
  }

  /**
   * {@code , d<param>...}: per differentiated parameter as declared, its derivative from the
   * buffers ({@code arrays}, and {@code scalarBuffer} for the {@code double}s in the order of
   * {@code scalars}); a record's packed into a record of its type.
   */
  static CodeBlock derivativeFields(List<Declared> declared, java.util.Map<Param, String> arrays,
      String scalarBuffer, List<Param> scalars) {
    java.util.function.Function<Param, CodeBlock> derivative = p -> {
      if (!p.differentiable()) {
        return p.var().type() == Type.DOUBLE ? CodeBlock.of("0.0")
            : p.var().type().isDoubleArray() ? CodeBlock.of("null")
            : CodeBlock.of("$N", p.var().name());
      }
      return p.var().type().isArray() ? CodeBlock.of("$N", arrays.get(p))
          : CodeBlock.of("$N[$L]", scalarBuffer, scalars.indexOf(p));
    };
    CodeBlock.Builder fields = CodeBlock.builder();
    for (Declared d : declared) {
      if (d.differentiable()) {
        fields.add(", $L", d.isRecord() ? d.pack(derivative)
            : derivative.apply(d.components().get(0)));
      }
    }
    return fields.build();
  }

  /** The type of a derivative of {@code d}: its record type, or its array or {@code double}. */
  static TypeName derivativeType(Declared d) {
    return d.isRecord() ? TypeName.get(d.type()) : javaType(d.components().get(0).var().type());
  }

  /**
   * Declares the derivative parameters of the differentiated parameters as declared ({@code
   * prefix<param>}, a record for a record), and unpacks each record's into the flat names
   * {@code flat} gives its differentiated components; returns the parameters' names.
   */
  static List<String> declaredDerivatives(MethodSpec.Builder spec, CodeBlock.Builder body,
      List<Param> params, NameScope scope, String prefix, java.util.Map<Param, String> flat) {
    List<String> names = new ArrayList<>();
    for (Declared d : Declared.of(params)) {
      if (!d.differentiable()) {
        continue;
      }
      if (!d.isRecord()) {
        Param p = d.components().get(0);
        spec.addParameter(javaType(p.var().type()), flat.get(p));
        names.add(flat.get(p));
        continue;
      }
      String name = scope.fresh(NameScope.identifier(prefix + d.name()));
      spec.addParameter(d.parameter(name));
      names.add(name);
      for (Param p : d.components()) {
        if (p.differentiable()) {
          body.addStatement("$T $N = $L", TypeName.get(p.declaredType()), flat.get(p),
              Declared.read(name, p));
        }
      }
    }
    return names;
  }

  /** Declares a local per component of each record parameter, named as the flat parameter. */
  static void unpackRecords(CodeBlock.Builder body, List<Param> params) {
    Declared.of(params).stream().filter(Declared::isRecord)
        .forEach(d -> d.unpack(body, d.name(), p -> p.var().name()));
  }

  /**
   * The method itself with each record passed component by component: what a caller's
   * generated code calls for the value (the call's arguments are flat there).
   */
  private static MethodSpec flatPrimal(TypeElement owner, ApiMethod method) {
    return MethodSpec.methodBuilder(GeneratedNames.flatName(method.name()))
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(TypeName.get(method.element().getReturnType()))
        .addParameters(parameters(method.element(), method.params()))
        .addJavadoc("{@link $L} with its records passed component by component, as the code"
            + "\ngenerated for a method calling it does (no record is built per call).\n",
            link(owner, method.element()))
        .addStatement("return $T.$N($L)", sweepsClass(owner),
            GeneratedNames.flatName(method.name()), arguments(method.params()))
        .build();
  }

  /**
   * The pullback taking records as declared: the inputs, the seed, a buffer record per record
   * parameter (its arrays receive the adjoints), the arrays' buffers, and {@code double[]} for
   * the {@code double} parameters and components.
   */
  private static MethodSpec recordPullback(TypeElement owner, ApiMethod method,
      DerivativeSignature signature) {
    NameScope scope = scopeOf(method.params(), signature.derivativeNames());
    scope.reserve(signature.seed());
    MethodSpec.Builder spec = MethodSpec.methodBuilder(signature.name())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(javaType(signature.result()))
        .addParameters(declaredParameters(method.params()))
        .addParameter(javaType(signature.result()), signature.seed());
    CodeBlock.Builder body = CodeBlock.builder();
    CodeBlock.Builder javadoc = CodeBlock.builder().add("Pullback of {@link $L} with records as"
        + " declared:\nreturns its value f and adds {@code $N} times its gradient to the buffers"
        + "\n(the caller zeroes them first, or accumulates):\n<pre>\n",
        link(owner, method.element()), signature.seed());
    for (Declared d : Declared.of(method.params())) {
      if (d.isRecord()) {
        d.unpack(body, d.name(), p -> p.var().name());
      }
      if (!d.differentiable()) {
        continue;
      }
      if (!d.isRecord()) {
        Param p = d.components().get(0);
        if (p.var().type().isArray()) {
          spec.addParameter(javaType(p.var().type()), signature.derivatives().get(p));
        }
        describe(javadoc, signature, p, d.name());
        continue;
      }
      String buffer = scope.fresh(component(d.name()));
      spec.addParameter(d.parameter(buffer));
      for (Param p : d.components()) {
        if (p.differentiable() && p.var().type().isArray()) {
          body.addStatement("$T $N = $L", TypeName.get(p.declaredType()),
              signature.derivatives().get(p), Declared.read(buffer, p));
          String index = p.var().type() == Type.DOUBLE_MATRIX ? "[i][j]" : "[i]";
          javadoc.add("$L$L += $N * df/d($L)$L\n", Declared.read(buffer, p), index,
              signature.seed(), Declared.read(d.name(), p), index);
        } else if (p.differentiable()) {
          describe(javadoc, signature, p, "(" + Declared.read(d.name(), p) + ")");
        }
      }
    }
    if (signature.scalarBuffer() != null) {
      spec.addParameter(double[].class, signature.scalarBuffer());
    }
    List<String> arguments = new ArrayList<>();
    arguments.add(arguments(method.params()));
    arguments.add(signature.seed());
    arguments.addAll(signature.derivativeNames());
    body.addStatement("return $N($L)", signature.name(), String.join(", ", arguments));
    return spec.addJavadoc(javadoc.add("</pre>\n").build()).addCode(body.build()).build();
  }

  /** The JVP taking records as declared, its tangents too: a record's tangent is a record. */
  private static MethodSpec recordJvp(TypeElement owner, ApiMethod method, ClassName record,
      DerivativeSignature jvp) {
    NameScope scope = scopeOf(method.params(), jvp.derivativeNames());
    MethodSpec.Builder spec = MethodSpec.methodBuilder(jvp.name())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(record)
        .addParameters(declaredParameters(method.params()));
    CodeBlock.Builder body = CodeBlock.builder();
    unpackRecords(body, method.params());
    List<String> tangents = declaredDerivatives(spec, body, method.params(), scope, "d",
        jvp.derivatives());
    List<String> arguments = new ArrayList<>();
    arguments.add(arguments(method.params()));
    arguments.addAll(jvp.derivatives().values());
    return spec
        .addJavadoc("Value and directional derivative of {@link $L} along the tangents\n"
            + "($L: one per differentiated parameter, of its type; a record's is a record\n"
            + "whose double and array components are the tangents of its own): forward mode.\n",
            link(owner, method.element()), String.join(", ", tangents))
        .addCode(body.build())
        .addStatement("return $N($L)", jvp.name(), String.join(", ", arguments))
        .build();
  }

  /** The Javadoc line saying where {@code p}'s adjoint goes. */
  private static void describe(CodeBlock.Builder javadoc, DerivativeSignature signature, Param p,
      String name) {
    String seed = signature.seed();
    switch (p.var().type()) {
      case DOUBLE_ARRAY -> javadoc.add("$N[i] += $N * df/d$L[i]\n",
          signature.derivatives().get(p), seed, name);
      case DOUBLE_MATRIX -> javadoc.add("$N[i][j] += $N * df/d$L[i][j]\n",
          signature.derivatives().get(p), seed, name);
      default -> javadoc.add("$N[$L] += $N * df/d$L\n", signature.scalarBuffer(),
          signature.scalars().indexOf(p), seed, name);
    }
  }

  /** The parameters as declared: records whole. */
  static List<ParameterSpec> declaredParameters(List<Param> params) {
    return Declared.of(params).stream().map(Declared::parameter).toList();
  }

  private static MethodSpec publicPullback(TypeElement owner, ApiMethod method,
      DerivativeSignature signature) {
    String seed = signature.seed();
    boolean vector = signature.result() != Type.DOUBLE;
    CodeBlock.Builder javadoc = CodeBlock.builder()
        .add(vector ? "Pullback (vector-Jacobian product) of {@link $L}:\nreturns its value f (a"
            + " fresh array) and adds {@code $N}ᵀ J to the buffers\n(the caller zeroes them"
            + " first, or accumulates):\n<pre>\n"
            : "Pullback of {@link $L}:\nreturns its value f and adds {@code $N} times its gradient"
            + " to the buffers\n(the caller zeroes them first, or accumulates):\n<pre>\n",
            link(owner, method.element()), seed);
    String times = vector ? "Σ_k " + seed + "[k] * df[k]" : seed + " * df";
    for (Param p : method.differentiable()) {
      String name = p.var().name();
      if (p.var().type() == Type.DOUBLE_ARRAY) {
        javadoc.add("$N[i] += $L/d$L[i]\n", signature.derivatives().get(p), times, name);
      } else if (p.var().type() == Type.DOUBLE_MATRIX) {
        javadoc.add("$N[i][j] += $L/d$L[i][j]\n", signature.derivatives().get(p), times, name);
      } else {
        javadoc.add("$N[$L] += $L/d$L\n", signature.scalarBuffer(),
            signature.scalars().indexOf(p), times, name);
      }
    }
    javadoc.add("</pre>\nSaved values go on this thread's tapes ({@code DoubleStack.forThisThread()}),"
        + "\nso once they have grown a call allocates nothing but what the method itself does.\n");
    MethodSpec.Builder spec = MethodSpec.methodBuilder(signature.name())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(javaType(signature.result()));
    addParameters(spec, method.element(), signature);
    List<String> arguments = new ArrayList<>();
    arguments.add(arguments(method.params()));
    arguments.add(seed);
    arguments.addAll(signature.derivativeNames());
    return spec.addJavadoc(javadoc.build())
        .addStatement("return $T.$N($L)", sweepsClass(owner), signature.name(),
            String.join(", ", arguments))
        .build();
  }

  /**
   * The backward pass alone of a method returning an array, or returning {@code double} with
   * one differentiated {@code double} parameter (whose adjoint it returns), for generated
   * callers.
   */
  private static MethodSpec publicBackward(TypeElement owner, ApiMethod method,
      DerivativeSignature pullback) {
    String name = GeneratedNames.backwardName(method.element().getSimpleName().toString());
    DerivativeSignature signature = pullback.backward(name);
    List<String> arguments = new ArrayList<>();
    arguments.add(arguments(method.params()));
    arguments.add(signature.seed());
    arguments.addAll(signature.derivativeNames());
    MethodSpec.Builder spec = addParameters(MethodSpec.methodBuilder(name), method.element(),
        signature).addModifiers(Modifier.PUBLIC, Modifier.STATIC);
    if (pullback.backwardReturnsAdjoint()) {
      return spec.returns(double.class)
          .addJavadoc("The backward pass of {@link $L} alone: returns what {@link #$N} adds to"
              + " the\nadjoint of {@code $N}$L, without computing the value or needing a"
              + " buffer.\nGenerated callers call it in their backward sweeps, having computed"
              + " the value in\ntheir forward sweeps.\n",
              link(owner, method.element()), pullback.name(),
              pullback.scalars().get(0).var().name(),
              signature.derivativeNames().isEmpty() ? ""
                  : " (and adds the array parameters' adjoints\nto their buffers, as the pullback"
                      + " does)")
          .addStatement("return $T.$N($L)", sweepsClass(owner), name,
              String.join(", ", arguments))
          .build();
    }
    return spec
        .addJavadoc("The backward pass of {@link $L} alone: adds what {@link #$N} adds to the"
            + " buffers,\nwithout computing the value. Generated callers call it in their"
            + " backward sweeps,\nhaving computed the value in their forward sweeps.\n",
            link(owner, method.element()), pullback.name())
        .addStatement("$T.$N($L)", sweepsClass(owner), name, String.join(", ", arguments))
        .build();
  }

  /**
   * The backward pass alone of a method returning an array, given the value the method returned
   * for the same arguments, which its caller holds: a layer's activations are read, not
   * computed again.
   */
  private static MethodSpec publicBackwardFrom(TypeElement owner, ApiMethod method,
      DerivativeSignature pullback) {
    String name = GeneratedNames.backwardFromName(method.name());
    DerivativeSignature signature = pullback.backward(name);
    String value = valueName(signature);
    List<String> arguments = new ArrayList<>();
    arguments.add(arguments(method.params()));
    arguments.add(value);
    arguments.add(signature.seed());
    arguments.addAll(signature.derivativeNames());
    MethodSpec.Builder spec = MethodSpec.methodBuilder(name)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addParameters(parameters(method.element(), signature.params()))
        .addParameter(javaType(signature.result()), value);
    return addDerivativeParameters(spec, signature)
        .addJavadoc("The backward pass of {@link $L} alone, given {@code $N}, the value it"
            + " returned\nfor these arguments: adds what {@link #$N} adds to the buffers,"
            + " reading the value\ninstead of computing again what the backward pass needs"
            + " of it (a layer's activations).\nGenerated callers holding the value call it;"
            + " given another array, the result is\nundefined.\n",
            link(owner, method.element()), value, pullback.name())
        .addStatement("$T.$N($L)", sweepsClass(owner), name, String.join(", ", arguments))
        .build();
  }

  /** The name of the value a backward pass is given: one no other parameter of it has. */
  private static String valueName(DerivativeSignature backward) {
    List<String> taken = new ArrayList<>(backward.derivativeNames());
    taken.add(backward.seed());
    return scopeOf(backward.params(), taken).fresh("value");
  }

  private static TypeSpec jvpRecord(TypeElement owner, ApiMethod method, ClassName record) {
    TypeName result = javaType(result(method.element()));
    return TypeSpec.recordBuilder(record)
        .addModifiers(Modifier.PUBLIC)
        .recordConstructor(MethodSpec.constructorBuilder()
            .addParameter(result, "value")
            .addParameter(result, "tangent")
            .build())
        .addJavadoc("Value and directional derivative of {@link $L}:\n{@code value} = f,"
            + " {@code tangent} = the derivative of f along the tangents given.\n",
            link(owner, method.element()))
        .build();
  }

  private static MethodSpec jvpMethod(TypeElement owner, ApiMethod method, ClassName record,
      DerivativeSignature jvp) {
    String tangent = scopeOf(method.params(), jvp.derivativeNames()).fresh("tangent");
    List<String> arguments = new ArrayList<>();
    arguments.add(arguments(method.params()));
    arguments.addAll(jvp.derivatives().values());
    arguments.add(tangent);
    MethodSpec.Builder spec = MethodSpec.methodBuilder(jvp.name())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(record)
        .addParameters(parameters(method.element(), method.params()));
    jvp.derivatives().forEach((p, d) -> spec.addParameter(javaType(p.var().type()), d));
    return spec
        .addJavadoc("Value and directional derivative of {@link $L} along the tangents\n"
            + "($L: one per differentiated parameter, of its shape): forward mode, one pass.\n",
            link(owner, method.element()), String.join(", ", jvp.derivatives().values()))
        .addStatement("$T $N = new double[1]$L", javaType(jvp.tangentOutType()), tangent,
            "[]".repeat(jvp.tangentOutType().rank() - 1))
        .addStatement("return new $T($N($L), $N[0])", record, jvp.name(),
            String.join(", ", arguments), tangent)
        .build();
  }

  private static MethodSpec publicJvp(TypeElement owner, ApiMethod method,
      DerivativeSignature jvp) {
    MethodSpec.Builder spec = MethodSpec.methodBuilder(jvp.name())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(javaType(jvp.result()));
    List<String> arguments = new ArrayList<>();
    arguments.add(arguments(method.params()));
    arguments.addAll(jvp.derivativeNames());
    return addParameters(spec, method.element(), jvp)
        .addJavadoc("JVP of {@link $L}, allocation-free: returns its value f and writes the"
            + " derivative of f\nalong the tangents into {@code $N[0]}.\n",
            link(owner, method.element()), jvp.last())
        .addStatement("return $T.$N($L)", sweepsClass(owner), jvp.name(),
            String.join(", ", arguments))
        .build();
  }

  static String zeros(Var array) {
    return JavaPrinter.expr(new Zeros(array));
  }

  // ---- the sweeps ------------------------------------------------------------------------

  private static MethodSpec pullback(TypeElement owner, Sweep method) {
    Pullback pullback = method.pullback();
    Function f = pullback.primal();
    CodeBlock.Builder body = CodeBlock.builder();
    new JavaPrinter(body, pullback.tapes(), f.names().fresh("k")).print(pullback.body());
    body.addStatement("return $N", pullback.returned().name());
    return derivative(method.element(), pullback.signature(),
        CodeBlock.of("Sweeps of {@link $L}.\n", link(owner, method.element())), body.build());
  }

  /**
   * The pullback's body without the value: its backward pass alone; when it returns the adjoint
   * of its one {@code double} parameter, the last addition into the scalar buffer is returned
   * instead.
   */
  private static MethodSpec backward(TypeElement owner, Sweep method) {
    Pullback pullback = method.pullback();
    Function f = pullback.primal();
    String name = GeneratedNames.backwardName(f.name());
    DerivativeSignature signature = pullback.signature().backward(name);
    List<Stmt> statements = new ArrayList<>(method.backward().statements());
    String returned = null;
    if (pullback.signature().backwardReturnsAdjoint()) {
      returned = "0.0"; // nothing flows into the parameter
      String buffer = pullback.signature().scalarBuffer();
      for (int k = statements.size() - 1; k >= 0; k--) {
        if (statements.get(k) instanceof Accumulate add && add.target().name().equals(buffer)) {
          returned = JavaPrinter.operand(add.value());
          statements.remove(k);
          break;
        }
      }
    }
    CodeBlock.Builder body = CodeBlock.builder();
    new JavaPrinter(body, pullback.tapes(), f.names().fresh("k")).print(new Block(statements));
    MethodSpec.Builder spec = addParameters(MethodSpec.methodBuilder(name), method.element(),
        signature)
        .addModifiers(Modifier.STATIC)
        .addJavadoc("Backward pass of {@link $L}: its pullback without the value.\n",
            link(owner, method.element()));
    if (returned != null) {
      body.addStatement("return $L", returned);
      spec.returns(double.class);
    }
    return spec.addCode(body.build()).build();
  }

  private static MethodSpec backwardVariant(TypeElement owner, BackwardVariant variant) {
    Pullback pullback = variant.pullback();
    DerivativeSignature full = pullback.signature();
    Map<Param, String> kept = new LinkedHashMap<>(full.derivatives());
    variant.dropped().forEach(kept::remove);
    DerivativeSignature signature = new DerivativeSignature(full.mode(), variant.name(),
        full.params(), full.seed(), kept, full.last(), full.result());
    CodeBlock.Builder body = CodeBlock.builder();
    new JavaPrinter(body, pullback.tapes(), pullback.primal().names().fresh("k"))
        .print(variant.body());
    MethodSpec.Builder spec = MethodSpec.methodBuilder(variant.name())
        .addModifiers(Modifier.STATIC);
    if (variant.value() == null) {
      addParameters(spec, variant.element(), signature);
    } else {
      spec.addParameters(parameters(variant.element(), signature.params()))
          .addParameter(javaType(variant.value().type()), variant.value().name());
      addDerivativeParameters(spec, signature);
    }
    String without = variant.dropped().isEmpty() ? ""
        : " without " + variant.dropped().stream().map(p -> full.derivatives().get(p))
            .collect(Collectors.joining(", "));
    boolean[] read = {false};
    Statements.forEach(variant.body(), stmt -> read[0] |= variant.value() != null
        && Statements.mentioned(stmt).contains(variant.value()));
    String purpose = variant.value() == null ? "for callers whose argument's adjoint nobody reads"
        : "given its value {@code " + variant.value().name() + "}, which its callers hold"
            + (read[0] ? "" : " (its backward pass does not read the value)");
    return spec.addJavadoc("Backward pass of {@link $L}$L: $L.\n", link(owner, variant.element()),
            without, purpose)
        .addCode(body.build())
        .build();
  }

  /** Whether a method gets {@code <name>Into}: it returns {@code double[]}, has no record. */
  private static boolean hasInto(Type result, List<Param> params) {
    return result == Type.DOUBLE_ARRAY && !Declared.anyRecord(params);
  }

  /** The parameters of {@code <name>Into}: the method's, then {@code double[] reuse}. */
  private static List<ParameterSpec> intoParameters(ExecutableElement element,
      List<Param> params, String reuse) {
    List<ParameterSpec> parameters = new ArrayList<>(parameters(element, params));
    parameters.add(ParameterSpec.builder(double[].class, reuse).build());
    return parameters;
  }

  /** {@code reuse}, or a name no parameter has. */
  private static String reuseName(List<Param> params) {
    return scopeOf(params, List.of()).fresh("reuse");
  }

  private static MethodSpec publicInto(TypeElement owner, ApiMethod method) {
    String name = GeneratedNames.intoName(method.name());
    return MethodSpec.methodBuilder(name)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(double[].class)
        .addParameters(intoParameters(method.element(), method.params(),
            reuseName(method.params())))
        .addJavadoc("{@link $L}'s value, written into {@code $N} when it has the value's length"
            + " and\nthe method makes its result by {@code new double[n]} or {@code clone()}"
            + " (else into a new\narray, as the method does); returns the array written."
            + " Generated callers call it in\na loop whose iterations make the value and never"
            + " keep it.\n", link(owner, method.element()), reuseName(method.params()))
        .addStatement("return $T.$N($L, $N)", sweepsClass(owner), name,
            arguments(method.params()), reuseName(method.params()))
        .build();
  }

  /** The method itself, making its result in an array it is given ({@link ReusedResults}). */
  private static MethodSpec into(TypeElement owner, Sweep method) {
    Function f = method.pullback().primal();
    Var reuse = new Var(f.names().fresh("reuse"), Type.DOUBLE_ARRAY);
    CodeBlock.Builder body = CodeBlock.builder();
    new JavaPrinter(body, null, f.names().fresh("k")).print(ReusedResults.into(f,
        dev.adjoint.processor.reverse.Declarations.ofPrimal(f), reuse));
    body.addStatement("return $N", f.result().name());
    return MethodSpec.methodBuilder(GeneratedNames.intoName(f.name()))
        .addModifiers(Modifier.STATIC)
        .returns(double[].class)
        .addParameters(intoParameters(method.element(), f.params(), reuse.name()))
        .addJavadoc("{@link $L}, its result made in {@code $N} when that has its length.\n",
            link(owner, method.element()), reuse.name())
        .addCode(body.build())
        .build();
  }

  /** The method itself over its records' components: the primal IR, printed. */
  private static MethodSpec flatSweep(TypeElement owner, Sweep method) {
    Function f = method.pullback().primal();
    CodeBlock.Builder body = CodeBlock.builder();
    new JavaPrinter(body, null, f.names().fresh("k"))
        .print(dev.adjoint.processor.reverse.Declarations.ofPrimal(f));
    body.addStatement("return $N", f.result().name());
    return MethodSpec.methodBuilder(GeneratedNames.flatName(f.name()))
        .addModifiers(Modifier.STATIC)
        .returns(TypeName.get(method.element().getReturnType()))
        .addParameters(parameters(method.element(), f.params()))
        .addJavadoc("{@link $L} over its records' components.\n", link(owner, method.element()))
        .addCode(body.build())
        .build();
  }

  private static MethodSpec jvp(TypeElement owner, Sweep method) {
    Jvp jvp = method.jvp();
    Function f = jvp.primal();
    CodeBlock.Builder body = CodeBlock.builder();
    if (jvp.unsupported() != null) {
      body.addStatement("throw new $T($S)", UnsupportedOperationException.class,
          "Adjoint cannot differentiate " + f.name() + " in forward mode yet: "
              + jvp.unsupported() + "; use " + f.name() + "Pullback");
    } else {
      new JavaPrinter(body, null, f.names().fresh("k")).print(jvp.body());
      body.addStatement("return $N", f.result().name());
    }
    return derivative(method.element(), jvp.signature(),
        CodeBlock.of("Forward mode of {@link $L}.\n", link(owner, method.element())),
        body.build());
  }

  private static final String STUB_JAVADOC =
      "Not generated: the compiler reported why at the method.\n";

  /** A derivative of a method with errors (already reported): it throws. */
  private static MethodSpec stub(Stub method, DerivativeSignature signature) {
    return derivative(method.element(), signature, CodeBlock.of(STUB_JAVADOC), stubBody(method));
  }

  private static CodeBlock stubBody(Stub method) {
    return CodeBlock.builder().addStatement("throw new $T($S)", IllegalStateException.class,
        "Adjoint could not differentiate " + method.element().getSimpleName()
            + "; see the compile errors").build();
  }

  private static MethodSpec hvp(TypeElement owner, Sweep method) {
    Hvp hvp = method.hvp();
    Function f = hvp.pullback().primal();
    CodeBlock.Builder body = CodeBlock.builder();
    if (hvp.unsupported() != null) {
      body.addStatement("throw new $T($S)", UnsupportedOperationException.class,
          "Adjoint cannot differentiate " + f.name() + " twice yet: " + hvp.unsupported());
    } else {
      new JavaPrinter(body, hvp.pullback().tapes(), hvp.names().fresh("k")).print(hvp.body());
      body.addStatement("return $N", f.result().name());
    }
    return addParameters(MethodSpec.methodBuilder(hvp.signature().name()), method.element(),
        hvp.signature())
        .addModifiers(Modifier.STATIC)
        .returns(javaType(hvp.signature().seedType()))
        .addJavadoc("Second order of {@link $L}: the tangent of its pullback, forward over"
            + " reverse.\n", link(owner, method.element()))
        .addCode(body.build())
        .build();
  }

  private static MethodSpec hvpVariant(TypeElement owner, HvpVariant variant) {
    Hvp hvp = variant.hvp();
    HvpSignature signature = hvp.signature();
    CodeBlock.Builder body = CodeBlock.builder();
    new JavaPrinter(body, hvp.pullback().tapes(), hvp.names().fresh("k")).print(hvp.body());
    MethodSpec.Builder spec = MethodSpec.methodBuilder(variant.name())
        .addModifiers(Modifier.STATIC)
        .addParameters(parameters(variant.element(), signature.pullback().params()))
        .addParameter(javaType(variant.value().type()), variant.value().name());
    addDerivativeParameters(spec, signature.pullback());
    signature.directions().forEach((p, v) -> spec.addParameter(javaType(p.var().type()), v));
    spec.addParameter(javaType(variant.valueTangent().type()), variant.valueTangent().name());
    spec.addParameter(javaType(signature.seedType()), signature.seedTangent());
    signature.buffers().forEach((p, h) -> spec.addParameter(javaType(p.var().type()), h));
    if (signature.scalarBuffer() != null) {
      spec.addParameter(double[].class, signature.scalarBuffer());
    }
    return spec.addJavadoc("Second order of {@link $L}, given its value {@code $L} and that"
            + " value's tangent {@code $L},\nwhich its callers hold: the tangent of its backward"
            + " pass, forward over reverse.\n", link(owner, variant.element()),
            variant.value().name(), variant.valueTangent().name())
        .addCode(body.build())
        .build();
  }

  /** A derivative method of the sweeps class: static, returning the method's value. */
  private static MethodSpec derivative(ExecutableElement element, DerivativeSignature signature,
      CodeBlock javadoc, CodeBlock body) {
    MethodSpec.Builder spec = MethodSpec.methodBuilder(signature.name())
        .addModifiers(Modifier.STATIC)
        .returns(javaType(signature.result()));
    return addParameters(spec, element, signature)
        .addJavadoc(javadoc)
        .addCode(body)
        .build();
  }

  // ---- types, signatures and links -------------------------------------------------------

  static TypeName javaType(Type type) {
    return switch (type) {
      case DOUBLE_ARRAY -> TypeName.get(double[].class);
      case DOUBLE_MATRIX -> TypeName.get(double[][].class);
      case DOUBLE_TENSOR -> TypeName.get(double[][][].class);
      case INT_ARRAY -> TypeName.get(int[].class);
      case BOOLEAN_ARRAY -> TypeName.get(boolean[].class);
      default -> TypeName.DOUBLE;
    };
  }

  /** The method's parameters, after the receiver ({@code self}) of an instance method. */
  static List<ParameterSpec> parameters(ExecutableElement element, List<Param> params) {
    return params.stream()
        .map(p -> ParameterSpec.builder(TypeName.get(p.declaredType()), p.var().name()).build())
        .toList();
  }

  static String arguments(List<Param> params) {
    return params.stream().map(p -> p.var().name()).collect(Collectors.joining(", "));
  }

  static String link(TypeElement owner, ExecutableElement method) {
    String params = method.getParameters().stream()
        .map(p -> TypeName.get(p.asType()).toString())
        .collect(Collectors.joining(", "));
    return owner.getQualifiedName() + "#" + method.getSimpleName() + "(" + params + ")";
  }
}
