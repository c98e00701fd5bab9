package dev.adjoint.processor.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.plan.DerivativeSignature;
import dev.adjoint.processor.plan.GeneratedNames;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * The Jacobian of a method returning a vector, {@code fJacobian(args...)}: a record of the value
 * and, per differentiated parameter, {@code d<param>} with the output index first. It runs one
 * JVP per input when the inputs are fewer than the outputs (forward mode), else one pullback per
 * output with a unit seed (reverse mode): the cheaper of the two.
 */
final class VectorApi {
  private static final ClassName FLAT = FlatInputs.FLAT;
  private static final ClassName SHAPES = ClassName.get("dev.adjoint", "Shapes");

  private VectorApi() {}

  static void addJacobian(TypeSpec.Builder type, TypeElement owner, GradWriter.ApiMethod method,
      ClassName record, DerivativeSignature pullback) {
    type.addType(record(owner, method, record));
    type.addMethod(jacobian(owner, method, record, pullback));
  }

  /** {@code double} gives {@code double[]}, {@code double[]} gives {@code double[][]}, ... */
  private static TypeName rows(Type type) {
    return ArrayTypeName.of(GradWriter.javaType(type));
  }

  private static TypeSpec record(TypeElement owner, GradWriter.ApiMethod method,
      ClassName record) {
    boolean matrix = GradWriter.result(method.element()) == Type.DOUBLE_MATRIX;
    MethodSpec.Builder components = MethodSpec.constructorBuilder()
        .addParameter(matrix ? double[][].class : double[].class, "value");
    for (Param p : method.differentiable()) {
      components.addParameter(rows(p.var().type()), NameScope.identifier("d" + p.var().name()));
    }
    return TypeSpec.recordBuilder(record)
        .addModifiers(Modifier.PUBLIC)
        .recordConstructor(components.build())
        .addJavadoc("Value and Jacobian of {@link $L}: {@code value} = f, and per parameter"
            + " {@code d<x>[k]} = df[k]/dx,\nof x's shape (output index first$L).\n",
            GradWriter.link(owner, method.element()),
            matrix ? ", k the row-major index of an element of f" : "")
        .build();
  }

  private static MethodSpec jacobian(TypeElement owner, GradWriter.ApiMethod method,
      ClassName record, DerivativeSignature pullback) {
    Type result = pullback.result();
    DerivativeSignature jvp = DerivativeSignature.jvp(method.name(), method.params(), result,
        new NameScope());
    List<String> taken = new ArrayList<>(List.of(pullback.seed()));
    if (pullback.scalarBuffer() != null) {
      taken.add(pullback.scalarBuffer());
    }
    NameScope scope = GradWriter.scopeOf(method.params(), taken);
    String value = scope.fresh("value");
    String m = scope.fresh("m");
    String n = scope.fresh("n");
    String k = scope.fresh("k");
    String j = scope.fresh("j");
    List<Param> inputs = method.differentiable();
    CodeBlock.Builder body = CodeBlock.builder();
    body.addStatement("$T $N = $L", GradWriter.javaType(result), value,
        primalCall(owner, method));
    if (result == Type.DOUBLE_MATRIX) {
      body.addStatement("int $N = $T.size($N)", m, FLAT, value); // outputs, row-major
    } else {
      body.addStatement("int $N = $N.length", m, value);
    }
    List<String> offsets = FlatInputs.declare(body, inputs, scope, n);
    List<String> jacobians = new ArrayList<>();
    for (Param p : inputs) {
      String d = scope.fresh("d" + p.var().name());
      jacobians.add(d);
      String name = p.var().name();
      switch (p.var().type()) {
        case DOUBLE -> body.addStatement("double[] $N = new double[$N]", d, m);
        case DOUBLE_ARRAY -> body.addStatement("double[][] $N = new double[$N][$N.length]", d, m,
            name);
        default -> {
          body.addStatement("double[][][] $N = new double[$N][][]", d, m);
          body.addStatement("for (int $N = 0; $N < $N; $N++) $N[$N] = $T.zerosLike($N)", k, k, m,
              k, d, k, SHAPES, name);
        }
      }
    }
    body.add("// forward mode when there are fewer inputs than outputs, else reverse mode\n");
    body.beginControlFlow("if ($N < $N)", n, m);
    forward(body, owner, method, jvp, inputs, offsets, jacobians, scope, m, n, j);
    body.nextControlFlow("else");
    reverse(body, owner, method, pullback, inputs, jacobians, scope, m, k);
    body.endControlFlow();
    body.addStatement("return new $T($N, $L)", record, value, String.join(", ", jacobians));
    return MethodSpec.methodBuilder(method.name() + "Jacobian")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(record)
        .addParameters(GradWriter.parameters(method.element(), method.params()))
        .addJavadoc("Value and Jacobian of {@link $L}: one JVP per input (forward mode) when the"
            + " inputs are fewer\nthan the outputs, else one pullback per output (reverse"
            + " mode).\n", GradWriter.link(owner, method.element()))
        .addCode(body.build())
        .build();
  }

  /**
   * {@code Owner.f(args)}, or {@code self.f(rest)} for an instance method; {@code fFlat(args)}
   * with records, whose components the Jacobian takes one by one.
   */
  private static CodeBlock primalCall(TypeElement owner, GradWriter.ApiMethod method) {
    List<Param> params = method.params();
    if (Declared.anyRecord(params)) {
      return CodeBlock.of("$N($L)", GeneratedNames.flatName(method.name()),
          GradWriter.arguments(params));
    }
    if (method.element().getModifiers().contains(Modifier.STATIC)) {
      return CodeBlock.of("$T.$N($L)", ClassName.get(owner), method.name(),
          GradWriter.arguments(params));
    }
    return CodeBlock.of("$N.$N($L)", params.get(0).var().name(), method.name(),
        GradWriter.arguments(params.subList(1, params.size())));
  }

  /** Column j of every Jacobian from the JVP along the j-th unit direction. */
  private static void forward(CodeBlock.Builder body, TypeElement owner,
      GradWriter.ApiMethod method, DerivativeSignature jvp, List<Param> inputs,
      List<String> offsets, List<String> jacobians, NameScope scope, String m, String n,
      String j) {
    String out = scope.fresh("tangentOut");
    String column = scope.fresh("column");
    String r = scope.fresh("r");
    boolean matrix = jvp.result() == Type.DOUBLE_MATRIX;
    body.addStatement("$T $N = new double[1]$L", GradWriter.javaType(jvp.tangentOutType()), out,
        "[]".repeat(jvp.tangentOutType().rank() - 1));
    if (matrix) {
      body.addStatement("double[] $N = new double[$N]", column, m); // a tangent, row-major
    }
    List<String> tangents = new ArrayList<>();
    java.util.Map<Param, String> directions = new java.util.HashMap<>();
    for (Param p : inputs) {
      String v = scope.fresh("v" + p.var().name());
      directions.put(p, v);
      if (p.var().type().isArray()) {
        body.addStatement("$L $N = $L", p.var().type().javaName(), v, GradWriter.zeros(p.var()));
        tangents.add(v);
      } else {
        tangents.add("(" + j + " == " + offsets.get(inputs.indexOf(p)) + " ? 1.0 : 0.0)");
      }
    }
    body.beginControlFlow("for (int $N = 0; $N < $N; $N++)", j, j, n, j);
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).var().type().isArray()) {
        body.addStatement("$T.basis($N, $N - $N)", FLAT, directions.get(inputs.get(i)), j,
            offsets.get(i));
      }
    }
    List<String> arguments = new ArrayList<>();
    arguments.add(GradWriter.arguments(method.params()));
    arguments.addAll(tangents);
    arguments.add(out);
    body.addStatement("$T.$N($L)", GradWriter.sweepsClass(owner), jvp.name(),
        String.join(", ", arguments));
    if (matrix) {
      body.addStatement("$T.copyInto($N[0], $N, 0)", FLAT, out, column);
    } else {
      body.addStatement("double[] $N = $N[0]", column, out);
    }
    for (int i = 0; i < inputs.size(); i++) {
      Param p = inputs.get(i);
      String offset = offsets.get(i);
      body.beginControlFlow("if ($N >= $N && $N < $N + $L)", j, offset, j, offset,
          FlatInputs.size(p));
      body.beginControlFlow("for (int $N = 0; $N < $N; $N++)", r, r, m, r);
      if (p.var().type() == Type.DOUBLE) {
        body.addStatement("$N[$N] = $N[$N]", jacobians.get(i), r, column, r);
      } else {
        body.addStatement("$T.set($N[$N], $N - $N, $N[$N])", FLAT, jacobians.get(i), r, j, offset,
            column, r);
      }
      body.endControlFlow();
      body.endControlFlow();
    }
    body.endControlFlow();
  }

  /** Row k of every Jacobian from the pullback with the k-th unit seed. */
  private static void reverse(CodeBlock.Builder body, TypeElement owner,
      GradWriter.ApiMethod method, DerivativeSignature pullback, List<Param> inputs,
      List<String> jacobians, NameScope scope, String m, String k) {
    String seed = pullback.seed();
    boolean matrix = pullback.result() == Type.DOUBLE_MATRIX;
    if (matrix) {
      body.addStatement("double[][] $N = $T.zerosLike($N)", seed, SHAPES,
          GradWriter.scopeOf(method.params(), List.of()).fresh("value"));
    } else {
      body.addStatement("double[] $N = new double[$N]", seed, m);
    }
    if (pullback.scalarBuffer() != null) {
      body.addStatement("double[] $N = new double[$L]", pullback.scalarBuffer(),
          pullback.scalars().size());
    }
    body.beginControlFlow("for (int $N = 0; $N < $N; $N++)", k, k, m, k);
    if (matrix) {
      body.addStatement("$T.basis($N, $N)", FLAT, seed, k);
    } else {
      body.addStatement("$N[$N] = 1.0", seed, k);
    }
    List<String> arguments = new ArrayList<>();
    arguments.add(GradWriter.arguments(method.params()));
    arguments.add(seed);
    for (Param p : pullback.derivatives().keySet()) {
      arguments.add(jacobians.get(inputs.indexOf(p)) + "[" + k + "]");
    }
    if (pullback.scalarBuffer() != null) {
      body.addStatement("$T.zero($N)", FLAT, pullback.scalarBuffer());
      arguments.add(pullback.scalarBuffer());
    }
    body.addStatement("$T.$N($L)", GradWriter.sweepsClass(owner), pullback.name(),
        String.join(", ", arguments));
    for (Param p : pullback.scalars()) {
      body.addStatement("$N[$N] = $N[$L]", jacobians.get(inputs.indexOf(p)), k,
          pullback.scalarBuffer(), pullback.scalars().indexOf(p));
    }
    if (!matrix) {
      body.addStatement("$N[$N] = 0.0", seed, k);
    }
    body.endControlFlow();
  }
}
