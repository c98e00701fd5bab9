package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.plan.DerivativeSignature;
import dev.adjoint.processor.plan.HvpSignature;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * The public second-order surface of an order-2 method {@code f}: the HVP record and
 * {@code fHvp(args..., directions...)}, the allocation-free {@code fHvp} in the full convention,
 * and {@code fHessian(args...)}, which runs one HVP per unit direction.
 */
final class SecondOrderApi {
  private static final ClassName FLAT = FlatInputs.FLAT;
  private final TypeElement owner;
  private final GradWriter.ApiMethod method;
  private final HvpSignature hvp;
  private final DerivativeSignature pullback;

  private SecondOrderApi(TypeElement owner, GradWriter.ApiMethod method, HvpSignature hvp) {
    this.owner = owner;
    this.method = method;
    this.hvp = hvp;
    this.pullback = hvp.pullback();
  }

  static void add(TypeSpec.Builder type, TypeElement owner, GradWriter.ApiMethod method,
      ClassName gradClass, HvpSignature hvp) {
    SecondOrderApi api = new SecondOrderApi(owner, method, hvp);
    if (hvp.seedType().isArray()) {
      type.addMethod(api.publicHvp()); // for the HVPs of its callers: no Hessian of a vector
      return;
    }
    ClassName hvpRecord = gradClass.nestedClass(method.secondOrder().hvpRecord());
    ClassName hessianRecord = gradClass.nestedClass(method.secondOrder().hessianRecord());
    type.addType(api.hvpRecord(hvpRecord));
    type.addMethod(api.hvpMethod(hvpRecord));
    type.addMethod(api.publicHvp());
    type.addType(api.hessianRecord(hessianRecord));
    type.addMethod(api.hessianMethod(hessianRecord));
  }

  private String link() {
    return GradWriter.link(owner, method.element());
  }

  private TypeSpec hvpRecord(ClassName record) {
    MethodSpec.Builder components = MethodSpec.constructorBuilder()
        .addParameter(double.class, "value");
    List<Declared> differentiable = differentiable();
    for (Declared d : differentiable) {
      components.addParameter(GradWriter.derivativeType(d), NameScope.identifier("d" + d.name()));
    }
    for (Declared d : differentiable) {
      components.addParameter(GradWriter.derivativeType(d), NameScope.identifier("h" + d.name()));
    }
    return TypeSpec.recordBuilder(record)
        .addModifiers(Modifier.PUBLIC)
        .recordConstructor(components.build())
        .addJavadoc("Value, gradient and Hessian-vector product of {@link $L}:\n{@code value} ="
            + " f, {@code d<x>} = df/dx, {@code h<x>} = the x part of H v, each of its"
            + " parameter's shape$L.\n", link(), Declared.anyRecord(method.params())
                ? "\n(a record's, a record of its type)" : "")
        .build();
  }

  /** The differentiated parameters as declared. */
  private List<Declared> differentiable() {
    return Declared.of(method.params()).stream().filter(Declared::differentiable).toList();
  }

  /** {@code double[] dx = new double[x.length]} for each buffer of the full convention. */
  private void declareBuffers(CodeBlock.Builder body) {
    pullback.derivatives().forEach((p, d) -> body.addStatement("$L $N = $L",
        p.var().type().javaName(), d, GradWriter.zeros(p.var())));
    if (pullback.scalarBuffer() != null) {
      body.addStatement("double[] $N = new double[$L]", pullback.scalarBuffer(),
          pullback.scalars().size());
    }
    hvp.buffers().forEach((p, h) -> body.addStatement("$L $N = $L",
        p.var().type().javaName(), h, GradWriter.zeros(p.var())));
    if (hvp.scalarBuffer() != null) {
      body.addStatement("double[] $N = new double[$L]", hvp.scalarBuffer(),
          pullback.scalars().size());
    }
  }

  /** The call of the sweeps' HVP with seed 1, the given directions and seed tangent 0. */
  private CodeBlock sweepsCall(List<String> directions) {
    List<String> arguments = new ArrayList<>();
    arguments.add(GradWriter.arguments(method.params()));
    arguments.add("1.0");
    arguments.addAll(pullback.derivativeNames());
    arguments.addAll(directions);
    arguments.add("0.0");
    arguments.addAll(hvp.buffers().values());
    if (hvp.scalarBuffer() != null) {
      arguments.add(hvp.scalarBuffer());
    }
    return CodeBlock.of("$T.$N($L)", GradWriter.sweepsClass(owner), hvp.name(),
        String.join(", ", arguments));
  }

  /** {@code value, dx, dScalars[0], ...}: the record's components from the buffers. */
  private CodeBlock gradientFields(String value) {
    return CodeBlock.builder().add("$N", value).add(GradWriter.derivativeFields(
        Declared.of(method.params()), pullback.derivatives(), pullback.scalarBuffer(),
        pullback.scalars())).build();
  }

  private MethodSpec hvpMethod(ClassName record) {
    List<String> taken = new ArrayList<>(pullback.derivativeNames());
    taken.addAll(hvp.tangentNames());
    NameScope scope = GradWriter.scopeOf(method.params(), taken);
    String value = scope.fresh("value");
    MethodSpec.Builder spec = MethodSpec.methodBuilder(hvp.name())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(record)
        .addParameters(GradWriter.declaredParameters(method.params()));
    CodeBlock.Builder body = CodeBlock.builder();
    GradWriter.unpackRecords(body, method.params());
    List<String> directions = GradWriter.declaredDerivatives(spec, body, method.params(), scope,
        "v", hvp.directions());
    declareBuffers(body);
    body.addStatement("double $N = $L", value,
        sweepsCall(new ArrayList<>(hvp.directions().values())));
    CodeBlock fields = CodeBlock.builder().add(gradientFields(value))
        .add(GradWriter.derivativeFields(Declared.of(method.params()), hvp.buffers(),
            hvp.scalarBuffer(), pullback.scalars())).build();
    body.addStatement("return new $T($L)", record, fields);
    return spec
        .addJavadoc("Value, gradient and Hessian-vector product of {@link $L} along the directions"
            + "\n($L: one per differentiated parameter, of its shape): forward over reverse, one"
            + " pass\nthat costs a few gradients.\n", link(), String.join(", ", directions))
        .addCode(body.build())
        .build();
  }

  private MethodSpec publicHvp() {
    List<String> arguments = new ArrayList<>();
    arguments.add(GradWriter.arguments(method.params()));
    arguments.add(pullback.seed());
    arguments.addAll(pullback.derivativeNames());
    arguments.addAll(hvp.tangentNames());
    MethodSpec.Builder spec = MethodSpec.methodBuilder(hvp.name())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(GradWriter.javaType(hvp.seedType()));
    String hBuffers = String.join(", ", hvp.buffers().values())
        + (hvp.scalarBuffer() == null ? "" : (hvp.buffers().isEmpty() ? "" : ", ")
            + hvp.scalarBuffer());
    GradWriter.addParameters(spec, method.element(), hvp);
    if (hvp.seedType().isArray()) {
      spec.addJavadoc("HVP of {@link $L}, allocation-free: the tangent of its pullback along the"
          + " directions\n(and {@code $N} along {@code $N}), what the HVP of a scalar function"
          + " calling it calls.\nReturns the value, adds to the buffers what the pullback adds"
          + " ({@code $N}ᵀ J) and to the\nH v buffers its tangent ({@code $N}ᵀ J + Σ_i"
          + " {@code $N}_i H_i v; $L).\n", link(), hvp.seedTangent(), pullback.seed(),
          pullback.seed(), hvp.seedTangent(), pullback.seed(), hBuffers);
    } else {
      spec.addJavadoc("HVP of {@link $L}, allocation-free: the tangent of its pullback along the"
          + " directions\n(and {@code $N} along {@code $N}). Returns f, adds {@code $N} times the"
          + " gradient to the\nbuffers as the pullback does, and {@code $N} times the gradient"
          + " plus {@code $N} times\nH v to the H v buffers ($L).\n", link(),
          hvp.seedTangent(), pullback.seed(), pullback.seed(), hvp.seedTangent(),
          pullback.seed(), hBuffers);
    }
    return spec
        .addStatement("return $T.$N($L)", GradWriter.sweepsClass(owner), hvp.name(),
            String.join(", ", arguments))
        .build();
  }

  private TypeSpec hessianRecord(ClassName record) {
    MethodSpec.Builder components = MethodSpec.constructorBuilder()
        .addParameter(double.class, "value");
    for (Declared d : differentiable()) {
      components.addParameter(GradWriter.derivativeType(d), NameScope.identifier("d" + d.name()));
    }
    components.addParameter(double[][].class, "hessian");
    return TypeSpec.recordBuilder(record)
        .addModifiers(Modifier.PUBLIC)
        .recordConstructor(components.build())
        .addJavadoc("Value, gradient and Hessian of {@link $L}: {@code hessian[i][j]} ="
            + " d²f/dx_i dx_j over\nthe differentiated inputs flattened in declaration order"
            + " (matrices row by row$L).\n", link(), Declared.anyRecord(method.params())
                ? ", records\ncomponent by component" : "")
        .build();
  }

  private MethodSpec hessianMethod(ClassName record) {
    List<String> taken = new ArrayList<>(pullback.derivativeNames());
    taken.addAll(hvp.tangentNames());
    NameScope scope = GradWriter.scopeOf(method.params(), taken);
    String n = scope.fresh("n");
    String hessian = scope.fresh("hessian");
    String value = scope.fresh("value");
    String k = scope.fresh("k");
    List<Param> inputs = method.differentiable();
    CodeBlock.Builder body = CodeBlock.builder();
    GradWriter.unpackRecords(body, method.params());
    List<String> offsets = FlatInputs.declare(body, inputs, scope, n);
    body.addStatement("double[][] $N = new double[$N][$N]", hessian, n, n);
    declareBuffers(body);
    List<String> directions = new ArrayList<>();
    CodeBlock.Builder basis = CodeBlock.builder();
    CodeBlock.Builder zero = CodeBlock.builder();
    CodeBlock.Builder copy = CodeBlock.builder();
    for (int i = 0; i < inputs.size(); i++) {
      Param p = inputs.get(i);
      String offset = offsets.get(i);
      if (p.var().type().isArray()) {
        String direction = hvp.directions().get(p);
        body.addStatement("$L $N = $L", p.var().type().javaName(), direction,
            GradWriter.zeros(p.var()));
        directions.add(direction);
        basis.addStatement("$T.basis($N, $N - $N)", FLAT, direction, k, offset);
        zero.addStatement("$T.zero($N)", FLAT, pullback.derivatives().get(p));
        zero.addStatement("$T.zero($N)", FLAT, hvp.buffers().get(p));
        copy.addStatement("$T.copyInto($N, $N[$N], $N)", FLAT, hvp.buffers().get(p), hessian, k,
            offset);
      } else {
        directions.add("(" + k + " == " + offset + " ? 1.0 : 0.0)");
        copy.addStatement("$N[$N][$N] = $N[$L]", hessian, k, offset, hvp.scalarBuffer(),
            pullback.scalars().indexOf(p));
      }
    }
    if (pullback.scalarBuffer() != null) {
      zero.addStatement("$T.zero($N)", FLAT, pullback.scalarBuffer());
      zero.addStatement("$T.zero($N)", FLAT, hvp.scalarBuffer());
    }
    body.addStatement("double $N = 0.0", value);
    body.add("// column k of the Hessian is H e_k: one HVP per unit direction (at least one call,"
        + " for the value)\n");
    body.beginControlFlow("for (int $N = 0; $N == 0 || $N < $N; $N++)", k, k, k, n, k)
        .add(basis.build())
        .add(zero.build())
        .addStatement("$N = $L", value, sweepsCall(directions))
        .beginControlFlow("if ($N < $N)", k, n)
        .add(copy.build())
        .endControlFlow()
        .endControlFlow();
    body.addStatement("return new $T($L, $N)", record, gradientFields(value), hessian);
    return MethodSpec.methodBuilder(method.name() + "Hessian")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(record)
        .addParameters(GradWriter.declaredParameters(method.params()))
        .addJavadoc("Value, gradient and Hessian of {@link $L}: one HVP (forward over reverse)"
            + " per differentiated\ninput, n passes of a few gradients each.\n", link())
        .addCode(body.build())
        .build();
  }
}
