package dev.adjoint.processor.emit;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.Assign;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Break;
import dev.adjoint.processor.ir.CloneArray;
import dev.adjoint.processor.ir.Constant;
import dev.adjoint.processor.ir.Copy;
import dev.adjoint.processor.ir.Declare;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.If;
import dev.adjoint.processor.ir.Loop;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Store;
import dev.adjoint.processor.ir.Terms;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.ir.Zeros;
import dev.adjoint.processor.reverse.Accumulate;
import dev.adjoint.processor.reverse.AddArray;
import dev.adjoint.processor.reverse.Adjoint;
import dev.adjoint.processor.reverse.BackIf;
import dev.adjoint.processor.reverse.BackLoop;
import dev.adjoint.processor.reverse.BackStmt;
import dev.adjoint.processor.reverse.Capture;
import dev.adjoint.processor.reverse.Comment;
import dev.adjoint.processor.reverse.PullbackCall;
import dev.adjoint.processor.reverse.Reset;
import dev.adjoint.processor.reverse.Restore;
import dev.adjoint.processor.reverse.ZeroInit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
  private static final ClassName DOUBLE_STACK = ClassName.get("dev.adjoint", "DoubleStack");
  private static final ClassName INT_STACK = ClassName.get("dev.adjoint", "IntStack");
  private static final ClassName REFERENCE_STACK = ClassName.get("dev.adjoint", "ReferenceStack");

  /** One method's public surface, known from its signature. */
  public record ApiMethod(ExecutableElement element, List<Param> params, String recordName) {
    String name() {
      return element.getSimpleName().toString();
    }

    List<Param> differentiable() {
      return params.stream().filter(Param::differentiable).toList();
    }

    List<Param> scalars() {
      return differentiable().stream().filter(p -> !p.var().type().isArray()).toList();
    }
  }

  /** A method of the sweeps class: differentiated, or a stub for one that could not be. */
  public sealed interface SweepMethod permits Sweep, Stub {
    ExecutableElement element();
  }

  /** A differentiated method. */
  public record Sweep(ExecutableElement element, Adjoint adjoint) implements SweepMethod {}

  /** A method with errors (already reported): its pullback throws. */
  public record Stub(ExecutableElement element, List<Param> params) implements SweepMethod {}

  /** The names of the public pullback's extra parameters. */
  private record PullbackNames(String seed, Map<Param, String> arrayBuffers, String buffer,
      String value) {
    static PullbackNames of(ApiMethod method) {
      NameScope scope = new NameScope();
      method.params().forEach(p -> scope.reserve(p.var().name()));
      Map<Param, String> arrays = new LinkedHashMap<>();
      String seed = scope.fresh("seed");
      for (Param p : method.differentiable()) {
        if (p.var().type().isArray()) {
          arrays.put(p, scope.fresh("d" + p.var().name()));
        }
      }
      return new PullbackNames(seed, arrays, scope.fresh("dScalars"), scope.fresh("value"));
    }

    List<String> buffers(ApiMethod method) {
      List<String> all = new ArrayList<>(arrayBuffers.values());
      if (!method.scalars().isEmpty()) {
        all.add(buffer);
      }
      return all;
    }
  }

  private GradWriter() {}

  /** {@code CircuitsGrad} for {@code demo.Circuits}; {@code Outer_InnerGrad} for nested. */
  public static ClassName gradClassName(TypeElement owner) {
    return generatedName(owner, "Grad");
  }

  /** {@code CircuitsSweeps} for {@code demo.Circuits}. */
  public static ClassName sweepsClassName(TypeElement owner) {
    return generatedName(owner, "Sweeps");
  }

  private static ClassName generatedName(TypeElement owner, String suffix) {
    ClassName name = ClassName.get(owner);
    return ClassName.get(name.packageName(), String.join("_", name.simpleNames()) + suffix);
  }

  public static JavaFile writeApi(TypeElement owner, List<ApiMethod> methods) {
    ClassName gradClass = gradClassName(owner);
    TypeSpec.Builder type = TypeSpec.classBuilder(gradClass)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addOriginatingElement(owner)
        .addAnnotation(generated())
        .addJavadoc("Reverse-mode derivatives of the {@code @Differentiable} methods of {@link $T},"
            + "\ngenerated by Adjoint. Do not edit: change {@link $T} instead. The forward and"
            + "\nbackward sweeps are in {@code $L}.\n", ClassName.get(owner), ClassName.get(owner),
            sweepsClassName(owner).simpleName())
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (ApiMethod method : methods) {
      ClassName record = gradClass.nestedClass(method.recordName());
      PullbackNames names = PullbackNames.of(method);
      type.addType(gradientRecord(owner, method, record));
      type.addMethod(gradientMethod(owner, method, record, names));
      type.addMethod(publicPullback(owner, method, names));
    }
    return javaFile(gradClass, type);
  }

  public static JavaFile writeSweeps(TypeElement owner, List<SweepMethod> methods) {
    ClassName sweepsClass = sweepsClassName(owner);
    TypeSpec.Builder type = TypeSpec.classBuilder(sweepsClass)
        .addModifiers(Modifier.FINAL)
        .addOriginatingElement(owner)
        .addAnnotation(generated())
        .addJavadoc("Forward and backward sweeps of the {@code @Differentiable} methods of"
            + " {@link $T},\ngenerated by Adjoint; call them through {@link $T}.\n",
            ClassName.get(owner), gradClassName(owner))
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (SweepMethod method : methods) {
      type.addMethod(method instanceof Sweep sweep ? pullback(owner, sweep) : stub((Stub) method));
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
    for (Param p : method.differentiable()) {
      components.addParameter(javaType(p.var().type()), component(p));
    }
    String partials = method.differentiable().stream()
        .map(p -> "{@code " + component(p) + "} = df/d" + p.var().name())
        .collect(Collectors.joining(", "));
    return TypeSpec.recordBuilder(record)
        .addModifiers(Modifier.PUBLIC)
        .recordConstructor(components.build())
        .addJavadoc("Value and gradient of {@link $L}:\n{@code value} = f, $L$L.\n",
            link(owner, method.element()), partials,
            method.differentiable().stream().anyMatch(p -> p.var().type().isArray())
                ? " (arrays have the shape of their parameter)" : "")
        .build();
  }

  /** The record component of a parameter's derivative: {@code dx}; {@code do_} for {@code o}. */
  private static String component(Param p) {
    return NameScope.identifier("d" + p.var().name());
  }

  private static MethodSpec gradientMethod(TypeElement owner, ApiMethod method, ClassName record,
      PullbackNames names) {
    CodeBlock.Builder body = CodeBlock.builder();
    names.arrayBuffers().forEach((p, d) ->
        body.addStatement("$L $N = $L", p.var().type().javaName(), d, zeros(p.var())));
    if (!method.scalars().isEmpty()) {
      body.addStatement("double[] $N = new double[$L]", names.buffer(), method.scalars().size());
    }
    body.addStatement("double $N = $N($L, 1.0, $L)", names.value(), method.name() + "Pullback",
        arguments(method.params()), String.join(", ", names.buffers(method)));
    CodeBlock.Builder fields = CodeBlock.builder().add("$N", names.value());
    for (Param p : method.differentiable()) {
      if (p.var().type().isArray()) {
        fields.add(", $N", names.arrayBuffers().get(p));
      } else {
        fields.add(", $N[$L]", names.buffer(), method.scalars().indexOf(p));
      }
    }
    body.addStatement("return new $T($L)", record, fields.build());
    return MethodSpec.methodBuilder(method.name())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(record)
        .addParameters(parameters(method.element(), method.params()))
        .addJavadoc("Value and gradient of {@link $L}.\n", link(owner, method.element()))
        .addCode(body.build())
        .build();
  }

  private static MethodSpec publicPullback(TypeElement owner, ApiMethod method,
      PullbackNames names) {
    CodeBlock.Builder javadoc = CodeBlock.builder()
        .add("Pullback of {@link $L}:\nreturns its value f and adds {@code $N} times its gradient"
            + " to the buffers\n(the caller zeroes them first, or accumulates):\n<pre>\n",
            link(owner, method.element()), names.seed());
    for (Param p : method.differentiable()) {
      String name = p.var().name();
      if (p.var().type() == Type.DOUBLE_ARRAY) {
        javadoc.add("$N[i] += $N * df/d$L[i]\n", names.arrayBuffers().get(p), names.seed(), name);
      } else if (p.var().type() == Type.DOUBLE_MATRIX) {
        javadoc.add("$N[i][j] += $N * df/d$L[i][j]\n", names.arrayBuffers().get(p), names.seed(),
            name);
      } else {
        javadoc.add("$N[$L] += $N * df/d$L\n", names.buffer(), method.scalars().indexOf(p),
            names.seed(), name);
      }
    }
    javadoc.add("</pre>\nSaved values go on this thread's tapes ({@code DoubleStack.forThisThread()}),"
        + "\nso once they have grown a call allocates nothing but what the method itself does.\n");
    MethodSpec.Builder spec = MethodSpec.methodBuilder(method.name() + "Pullback")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(double.class)
        .addParameters(parameters(method.element(), method.params()))
        .addParameter(double.class, names.seed());
    names.arrayBuffers().forEach((p, d) -> spec.addParameter(javaType(p.var().type()), d));
    if (!method.scalars().isEmpty()) {
      spec.addParameter(double[].class, names.buffer());
    }
    List<String> arguments = new ArrayList<>();
    arguments.add(arguments(method.params()));
    arguments.add(names.seed());
    arguments.addAll(names.buffers(method));
    return spec.addJavadoc(javadoc.build())
        .addStatement("return $T.$N($L)", sweepsClassName(owner), method.name() + "Pullback",
            String.join(", ", arguments))
        .build();
  }

  private static String zeros(Var array) {
    return JavaPrinter.expr(new Zeros(array));
  }

  // ---- the sweeps ------------------------------------------------------------------------

  private static MethodSpec pullback(TypeElement owner, Sweep method) {
    Adjoint adjoint = method.adjoint();
    Function f = adjoint.primal();
    Adjoint.Names names = adjoint.names();
    List<Param> wrt = f.differentiableParams();
    List<Param> scalars = wrt.stream().filter(p -> !p.var().type().isArray()).toList();
    CodeBlock.Builder body = CodeBlock.builder();
    BackwardSweep backward = new BackwardSweep(adjoint, body);
    new ForwardSweep(adjoint, body, backward).emit();
    body.add("\n// backward sweep\n");
    backward.emit(adjoint.backward());
    boolean flushes = false;
    for (int i = 0; i < scalars.size(); i++) {
      Var d = adjoint.paramAdjoints().get(scalars.get(i).var());
      if (d != null) {
        if (!flushes) {
          body.add("\n");
          flushes = true;
        }
        body.addStatement("$N[$L] += $N", names.buffer(), i, d.name());
      }
    }
    body.addStatement("return $N", f.result().name());
    MethodSpec.Builder spec = MethodSpec.methodBuilder(f.name() + "Pullback")
        .addModifiers(Modifier.STATIC)
        .returns(double.class)
        .addParameters(parameters(method.element(), f.params()))
        .addParameter(double.class, names.seed());
    for (Param p : wrt) {
      if (p.var().type().isArray()) {
        spec.addParameter(javaType(p.var().type()), adjoint.paramAdjoints().get(p.var()).name());
      }
    }
    if (!scalars.isEmpty()) {
      spec.addParameter(double[].class, names.buffer());
    }
    return spec
        .addJavadoc("Sweeps of {@link $L}.\n", link(owner, method.element()))
        .addCode(body.build())
        .build();
  }

  private static MethodSpec stub(Stub method) {
    ApiMethod api = new ApiMethod(method.element(), method.params(), "");
    PullbackNames names = PullbackNames.of(api);
    MethodSpec.Builder spec = MethodSpec.methodBuilder(api.name() + "Pullback")
        .addModifiers(Modifier.STATIC)
        .returns(double.class)
        .addParameters(parameters(method.element(), method.params()))
        .addParameter(double.class, names.seed());
    names.arrayBuffers().forEach((p, d) -> spec.addParameter(javaType(p.var().type()), d));
    if (!api.scalars().isEmpty()) {
      spec.addParameter(double[].class, names.buffer());
    }
    return spec
        .addJavadoc("Not generated: the compiler reported why at the method.\n")
        .addStatement("throw new $T($S)", IllegalStateException.class,
            "Adjoint could not differentiate " + api.name() + "; see the compile errors")
        .build();
  }

  /** Writes the forward sweep: the primal, pushing what the backward sweep needs back. */
  private static final class ForwardSweep {
    private final Adjoint adjoint;
    private final CodeBlock.Builder out;
    /** Writes the backward pass of fused loops, inside them. */
    private final BackwardSweep backward;
    private final Set<Var> declared = new HashSet<>();
    private final Set<Var> assignedInLoops = new HashSet<>();
    private final Set<Var> counters = new HashSet<>();
    private final Origin[] lastOrigin = new Origin[1];

    /** Variables declared at the top of the method: see {@link #findHoisted}. */
    private final Set<Var> hoisted = new LinkedHashSet<>();

    ForwardSweep(Adjoint adjoint, CodeBlock.Builder out, BackwardSweep backward) {
      this.adjoint = adjoint;
      this.out = out;
      this.backward = backward;
      adjoint.primal().params().forEach(p -> declared.add(p.var()));
      collectLoopAssignments(adjoint.primal().body(), false);
      findHoisted();
    }

    /**
     * A variable first assigned inside a branch or loop is declared at the top of the method,
     * with its type's zero, when the backward sweep reads it (it runs after those scopes end) or
     * when another block assigns it too (a loop's variable on two paths).
     */
    private void findHoisted() {
      Map<Var, Set<Block>> blocks = new LinkedHashMap<>();
      Block root = adjoint.primal().body();
      walkAssignments(root, (v, block) -> blocks
          .computeIfAbsent(v, x -> java.util.Collections.newSetFromMap(
              new java.util.IdentityHashMap<>()))
          .add(block));
      Set<Var> pushedTargets = new HashSet<>();
      adjoint.pushed().forEach(stmt -> {
        if (stmt instanceof Assign assign) {
          pushedTargets.add(assign.target()); // its old value is pushed: it must exist first
        }
      });
      blocks.forEach((v, where) -> {
        boolean nested = !where.contains(root);
        if (nested && !counters.contains(v) && !declared.contains(v)
            && (adjoint.readByBackward().contains(v) || pushedTargets.contains(v)
                || where.size() > 1)) {
          hoisted.add(v);
        }
      });
    }

    private static void walkAssignments(Block block,
        java.util.function.BiConsumer<Var, Block> action) {
      for (Stmt stmt : block.statements()) {
        if (stmt instanceof Assign assign) {
          action.accept(assign.target(), block);
        } else if (stmt instanceof Declare declare) {
          action.accept(declare.var(), block);
        } else if (stmt instanceof If branch) {
          walkAssignments(branch.then(), action);
          walkAssignments(branch.otherwise(), action);
        } else if (stmt instanceof Loop loop) {
          walkAssignments(loop.header(), action);
          walkAssignments(loop.body(), action);
        }
      }
    }

    private void collectLoopAssignments(Block block, boolean inLoop) {
      for (Stmt stmt : block.statements()) {
        if (stmt instanceof Assign assign && inLoop) {
          assignedInLoops.add(assign.target());
        } else if (stmt instanceof Declare declare && inLoop) {
          assignedInLoops.add(declare.var());
        } else if (stmt instanceof If branch) {
          collectLoopAssignments(branch.then(), inLoop);
          collectLoopAssignments(branch.otherwise(), inLoop);
        } else if (stmt instanceof Loop loop) {
          if (loop.counted() != null) {
            counters.add(loop.counted().index());
          }
          collectLoopAssignments(loop.header(), true);
          collectLoopAssignments(loop.body(), true);
        }
      }
    }

    void emit() {
      Adjoint.Names names = adjoint.names();
      boolean doubles = false;
      boolean ints = adjoint.trips().values().stream().anyMatch(Adjoint.Trips::onTape);
      boolean arrays = false;
      for (Stmt stmt : adjoint.pushed()) {
        Type type = stmt instanceof Assign assign ? assign.target().type() : Type.DOUBLE;
        doubles |= Tapes.of(type) == Tapes.DOUBLES;
        ints |= Tapes.of(type) == Tapes.INTS;
        arrays |= Tapes.of(type) == Tapes.ARRAYS;
      }
      if (doubles) {
        out.addStatement("$T $N = $T.forThisThread()", DOUBLE_STACK, names.doubleTape(),
            DOUBLE_STACK);
      }
      if (ints) {
        out.addStatement("$T $N = $T.forThisThread()", INT_STACK, names.intTape(), INT_STACK);
      }
      if (arrays) {
        out.addStatement("$T $N = $T.forThisThread()", REFERENCE_STACK, names.referenceTape(),
            REFERENCE_STACK);
      }
      // by name: the map is keyed by identity, whose order differs from run to run
      for (Adjoint.Trips trips : adjoint.trips().values().stream()
          .sorted(java.util.Comparator.comparing(Adjoint.Trips::name)).toList()) {
        if (!trips.onTape()) {
          out.addStatement("int $N = 0", trips.name()); // read after the loop's scope ends
        }
      }
      adjoint.scratch().forEach((buffer, size) ->
          out.addStatement("double[] $N = new double[$L]", buffer.name(), size));
      adjoint.shadows().forEach((v, shadow) ->
          out.addStatement("$L $N = null", v.type().javaName(), shadow.name()));
      for (Var v : hoisted) {
        declared.add(v);
        out.addStatement("$L $N = $L", v.type().javaName(), v.name(), v.type().zero());
      }
      adjoint.primal().body().statements().forEach(this::emit);
    }

    private void emit(Stmt stmt) {
      if (stmt instanceof Declare declare) {
        Var v = declare.var();
        if (declared.add(v)) {
          if (assignedInLoops.contains(v)) {
            out.addStatement("$L $N = $L", v.type().javaName(), v.name(), v.type().zero());
          } else {
            out.addStatement("$L $N", v.type().javaName(), v.name());
          }
        }
      } else if (stmt instanceof Assign assign) {
        comment(assign.origin());
        Var target = assign.target();
        Var shadow = adjoint.shadows().get(target);
        if (adjoint.pushed().contains(assign)) {
          out.addStatement("$L", Tapes.push(adjoint.names(), target.type(), target.name()));
          if (shadow != null) {
            out.addStatement("$L", Tapes.push(adjoint.names(), target.type(), shadow.name()));
          }
        }
        String code = JavaPrinter.expr(assign.value());
        if (declared.add(target)) {
          out.addStatement("$L $N = $L", target.type().javaName(), target.name(), code);
        } else {
          out.addStatement("$N = $L", target.name(), code);
        }
        if (shadow != null) {
          out.addStatement("$N = $L", shadow.name(), shadowOf(assign.value()));
        }
      } else if (stmt instanceof Store store) {
        comment(store.origin());
        String element = JavaPrinter.element(store.array(), store.indices());
        if (adjoint.pushed().contains(store)) {
          out.addStatement("$L", Tapes.push(adjoint.names(),
              new Restore(store.array(), store.indices()).type(), element));
        }
        out.addStatement("$L $L= $L", element,
            store.compound() == null ? "" : store.compound().symbol(),
            JavaPrinter.operand(store.value()));
      } else if (stmt instanceof If branch) {
        comment(branch.origin());
        if (branch.then().isEmpty()) {
          out.beginControlFlow("if (!$L)", JavaPrinter.operand(branch.condition()));
          emitBlock(branch.otherwise());
        } else {
          out.beginControlFlow("if ($L)", JavaPrinter.operand(branch.condition()));
          emitBlock(branch.then());
          if (!branch.otherwise().isEmpty()) {
            out.nextControlFlow("else");
            emitBlock(branch.otherwise());
          }
        }
        out.endControlFlow();
      } else if (stmt instanceof Loop loop) {
        emitLoop(loop);
      } else if (stmt instanceof Break) {
        out.addStatement("break");
      }
    }

    /** The shadow adjoint of an array made by {@code value}: zeros, or another's shadow. */
    private String shadowOf(Expr value) {
      if (value instanceof Copy copy) {
        return adjoint.shadows().get((Var) copy.a()).name();
      }
      if (value instanceof CloneArray clone) {
        return zeros(clone.array());
      }
      return JavaPrinter.expr(value); // new double[n]: zeros of the same size
    }

    private void emitLoop(Loop loop) {
      comment(loop.origin());
      Loop.Counted counted = loop.counted();
      if (counted != null) {
        var fused = adjoint.fused().get(loop);
        if (fused != null) {
          out.add("// the adjoints this loop's backward passes read, known before it runs\n");
          backward.emit(fused.before());
        }
        out.beginControlFlow("for (int $N = $L; $N $L $L; $N++)", counted.index().name(),
            JavaPrinter.operand(counted.from()), counted.index().name(),
            counted.inclusive() ? "<=" : "<", JavaPrinter.operand(counted.to()),
            counted.index().name());
        emitBlock(loop.body());
        if (fused != null) {
          out.add("// backward pass of this iteration, fused: no adjoint flows between"
              + " iterations\n");
          backward.emit(fused.body());
        }
        out.endControlFlow();
        return;
      }
      Adjoint.Trips trips = adjoint.trips().get(loop);
      if (trips != null && trips.onTape()) {
        out.addStatement("int $N = 0", trips.name());
      }
      out.beginControlFlow("while (true)");
      if (loop.testAtEnd()) {
        countTrip(trips);
        emitBlock(loop.body());
        emitTest(loop);
      } else {
        emitTest(loop);
        countTrip(trips);
        emitBlock(loop.body());
      }
      out.endControlFlow();
      if (trips != null && trips.onTape()) {
        out.addStatement("$N.push($N)", adjoint.names().intTape(), trips.name());
      }
    }

    private void emitTest(Loop loop) {
      emitBlock(loop.header());
      if (!(loop.test() instanceof Constant constant && constant.code().equals("true"))) {
        out.beginControlFlow("if (!$L)", JavaPrinter.operand(loop.test()));
        out.addStatement("break");
        out.endControlFlow();
      }
    }

    private void countTrip(Adjoint.Trips trips) {
      if (trips != null) {
        out.addStatement("$N++", trips.name());
      }
    }

    private void emitBlock(Block block) {
      block.statements().forEach(this::emit);
    }

    private void comment(Origin origin) {
      commentIfNew(origin, lastOrigin, out);
    }

  }

  /** Writes the backward sweep. */
  private static final class BackwardSweep {
    private final Adjoint adjoint;
    private final CodeBlock.Builder out;
    private final Origin[] lastOrigin = new Origin[1];
    private final String index;

    BackwardSweep(Adjoint adjoint, CodeBlock.Builder out) {
      this.adjoint = adjoint;
      this.out = out;
      this.index = adjoint.primal().names().fresh("k");
    }

    void emit(List<BackStmt> statements) {
      for (BackStmt stmt : statements) {
        if (stmt instanceof ZeroInit init) {
          out.addStatement("$L $N = $L", init.adjoint().type().javaName(), init.adjoint().name(),
              init.shape() == null ? "0.0" : zeros(init.shape()));
        } else if (stmt instanceof Accumulate add) {
          commentIfNew(add.origin(), lastOrigin, out);
          String target = JavaPrinter.element(add.target(), add.indices());
          var subtracted = JavaPrinter.negated(add.value());
          if (add.declares()) {
            out.addStatement("double $L = $L", target, JavaPrinter.operand(add.value()));
          } else if (subtracted != null) {
            out.addStatement("$L -= $L", target, JavaPrinter.operand(subtracted));
          } else {
            out.addStatement("$L += $L", target, JavaPrinter.operand(add.value()));
          }
        } else if (stmt instanceof Reset reset) {
          commentIfNew(reset.origin(), lastOrigin, out);
          out.addStatement("$L = 0.0", JavaPrinter.element(reset.target(), reset.indices()));
        } else if (stmt instanceof Restore restore) {
          out.addStatement("$L = $L", JavaPrinter.element(restore.target(), restore.indices()),
              Tapes.pop(adjoint.names(), restore.type()));
        } else if (stmt instanceof PullbackCall call) {
          commentIfNew(call.origin(), lastOrigin, out);
          out.addStatement("$L($L)", call.pullback(), call.arguments().stream()
              .map(JavaPrinter::operand).collect(Collectors.joining(", ")));
        } else if (stmt instanceof Comment comment) {
          out.add("// $L\n", comment.text());
        } else if (stmt instanceof Capture capture) {
          out.addStatement("$L $N = $L", capture.target().type().javaName(),
              capture.target().name(), JavaPrinter.expr(capture.value()));
        } else if (stmt instanceof AddArray add) {
          String target = JavaPrinter.operand(add.target());
          out.beginControlFlow("for (int $N = 0; $N < $L.length; $N++)", index, index, target,
              index);
          out.addStatement("$L[$N] += $N[$N]", target, index, add.source().name(), index);
          out.endControlFlow();
        } else if (stmt instanceof BackIf branch) {
          emitIf(branch);
        } else if (stmt instanceof BackLoop loop) {
          emitLoop(loop);
        }
      }
    }

    private void emitIf(BackIf branch) {
      commentIfNew(branch.origin(), lastOrigin, out);
      String condition = JavaPrinter.operand(branch.condition());
      if (branch.then().isEmpty()) {
        out.beginControlFlow("if (!$L)", condition);
        emit(branch.otherwise());
      } else {
        out.beginControlFlow("if ($L)", condition);
        emit(branch.then());
        if (!branch.otherwise().isEmpty()) {
          out.nextControlFlow("else");
          emit(branch.otherwise());
        }
      }
      out.endControlFlow();
    }

    private void emitLoop(BackLoop back) {
      commentIfNew(back.origin(), lastOrigin, out);
      Loop.Counted counted = back.loop().counted();
      if (counted != null) {
        String i = counted.index().name();
        String last = JavaPrinter.operand(
            counted.inclusive() ? back.to() : Terms.minusOne(back.to()));
        out.beginControlFlow("for (int $N = $L; $N >= $L; $N--)", i, last, i,
            JavaPrinter.operand(back.from()), i);
      } else {
        String trips = back.trips().name();
        if (back.tripsOnTape()) {
          out.addStatement("int $N = $N.pop()", trips, adjoint.names().intTape());
        }
        out.beginControlFlow("for (; $N > 0; $N--)", trips, trips);
      }
      emit(back.body());
      out.endControlFlow();
    }
  }

  private static void commentIfNew(Origin origin, Origin[] last, CodeBlock.Builder out) {
    if (origin == null) {
      return;
    }
    Origin previous = last[0];
    if (previous == null || previous.line() != origin.line()
        || !previous.text().equals(origin.text())) {
      out.add("// line $L: $L\n", origin.line(), origin.text());
    }
    last[0] = origin;
  }

  // ---- types, signatures and links -------------------------------------------------------

  private static TypeName javaType(Type type) {
    return switch (type) {
      case DOUBLE_ARRAY -> TypeName.get(double[].class);
      case DOUBLE_MATRIX -> TypeName.get(double[][].class);
      case INT_ARRAY -> TypeName.get(int[].class);
      default -> TypeName.DOUBLE;
    };
  }

  /** The method's parameters, after the receiver ({@code self}) of an instance method. */
  private static List<ParameterSpec> parameters(ExecutableElement element, List<Param> params) {
    return params.stream()
        .map(p -> ParameterSpec.builder(TypeName.get(p.declaredType()), p.var().name()).build())
        .toList();
  }

  private static String arguments(List<Param> params) {
    return params.stream().map(p -> p.var().name()).collect(Collectors.joining(", "));
  }

  private static String link(TypeElement owner, ExecutableElement method) {
    String params = method.getParameters().stream()
        .map(p -> TypeName.get(p.asType()).toString())
        .collect(Collectors.joining(", "));
    return owner.getQualifiedName() + "#" + method.getSimpleName() + "(" + params + ")";
  }

  /**
   * The record's name: the method's, capitalized ({@code circuit} gives {@code Circuit}). If that
   * would shadow a class the generated code or the method's body names ({@code Math}, the owner,
   * a constant's class), {@code Gradient} is appended; overloads are numbered ({@code Circuit2}).
   */
  public static String recordNameFor(String method, TypeElement owner, Set<String> namesInBody,
      Set<String> records) {
    Set<String> shadowed = new HashSet<>(Set.of("Math", "StrictMath", "Double", "Generated"));
    shadowed.addAll(ClassName.get(owner).simpleNames());
    shadowed.add(gradClassName(owner).simpleName());
    shadowed.add(sweepsClassName(owner).simpleName());
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
