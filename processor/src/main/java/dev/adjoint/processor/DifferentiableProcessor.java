package dev.adjoint.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import com.sun.source.util.Trees;
import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Reporter;
import dev.adjoint.processor.emit.GradWriter;
import dev.adjoint.processor.forward.GivenTangents;
import dev.adjoint.processor.forward.Hvp;
import dev.adjoint.processor.forward.Jvp;
import dev.adjoint.processor.forward.Tangent;
import dev.adjoint.processor.frontend.Callees;
import dev.adjoint.processor.frontend.CarriedValues;
import dev.adjoint.processor.frontend.ElementIncrements;
import dev.adjoint.processor.frontend.MethodReader;
import dev.adjoint.processor.frontend.ProcessingEnvironments;
import dev.adjoint.processor.frontend.ReassignedLocals;
import dev.adjoint.processor.frontend.SameElementReads;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.DerivativeCall;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.MathCall;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Statements;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.plan.DerivativeSignature;
import dev.adjoint.processor.plan.GeneratedNames;
import dev.adjoint.processor.reverse.AdjointRows;
import dev.adjoint.processor.reverse.AdjointScratch;
import dev.adjoint.processor.reverse.AlternatingAdjoints;
import dev.adjoint.processor.reverse.BorrowedScalarBuffers;
import dev.adjoint.processor.reverse.ChosenIterations;
import dev.adjoint.processor.reverse.ChosenValues;
import dev.adjoint.processor.reverse.CommonFactors;
import dev.adjoint.processor.reverse.DeadCode;
import dev.adjoint.processor.reverse.FirstContribution;
import dev.adjoint.processor.reverse.FoldedNegations;
import dev.adjoint.processor.reverse.GivenValues;
import dev.adjoint.processor.reverse.InOrderLoops;
import dev.adjoint.processor.reverse.InvariantValues;
import dev.adjoint.processor.reverse.JammedLoops;
import dev.adjoint.processor.reverse.LocalTapes;
import dev.adjoint.processor.reverse.MappedRows;
import dev.adjoint.processor.reverse.ParameterRows;
import dev.adjoint.processor.reverse.Pullback;
import dev.adjoint.processor.reverse.ReadBackSums;
import dev.adjoint.processor.reverse.ReturnedAdjoints;
import dev.adjoint.processor.reverse.ReusedResults;
import dev.adjoint.processor.reverse.ReverseSweep;
import dev.adjoint.processor.reverse.RowSums;
import dev.adjoint.processor.reverse.RowWalks;
import dev.adjoint.processor.reverse.SettledRows;
import dev.adjoint.processor.reverse.SunkDeclarations;
import dev.adjoint.processor.reverse.Taping;
import dev.adjoint.processor.reverse.UnreadBuffers;
import dev.adjoint.processor.reverse.UnreadResets;
import dev.adjoint.processor.reverse.ValueAndPullback;
import dev.adjoint.processor.reverse.ZeroSkipping;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Orchestrates, in two rounds per class. First, from the signatures alone, the public
 * {@code <Class>Grad} (records, gradient methods, pullbacks); then, in the next round, with
 * {@code <Class>Grad} known to javac, each method body through the pipeline (frontend, activity,
 * reverse sweep) into {@code <Class>Sweeps}. Typing a body makes javac type its whole class, so
 * it must wait until the classes that class uses exist. A failure in one method becomes a
 * diagnostic on that method; the others still get their code.
 */
@AutoService(Processor.class)
public final class DifferentiableProcessor extends AbstractProcessor {
  static final String ANNOTATION = "dev.adjoint.Differentiable";

  private final Consumer<ExecutableElement> beforeEachMethod;
  private Reporter reporter;
  private Optional<Trees> trees = Optional.empty();
  /** Classes whose Grad is written and whose sweeps are due, with their accepted methods. */
  private final Map<String, Set<String>> sweepsDue = new LinkedHashMap<>();
  private final Set<String> seen = new LinkedHashSet<>();

  public DifferentiableProcessor() {
    this(method -> { });
  }

  /** For tests: {@code beforeEachMethod} runs first in each method's pipeline. */
  DifferentiableProcessor(Consumer<ExecutableElement> beforeEachMethod) {
    this.beforeEachMethod = beforeEachMethod;
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    reporter = new Reporter(env.getMessager());
    trees = ProcessingEnvironments.trees(env);
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(ANNOTATION, Callees.CUSTOM_GRADIENT, Callees.CUSTOM_JVP, Callees.CUSTOM_HVP);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (String name : List.copyOf(sweepsDue.keySet())) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      if (type == null || writeSweeps(type, sweepsDue.get(name), round.processingOver())) {
        sweepsDue.remove(name);
      }
    }
    for (Callees.Registration kind : Callees.Registration.values()) {
      TypeElement custom = processingEnv.getElementUtils().getTypeElement(kind.annotation());
      if (custom != null) {
        round.getElementsAnnotatedWith(custom).forEach(e -> checkRegistration(e, kind));
      }
    }
    TypeElement annotation = processingEnv.getElementUtils().getTypeElement(ANNOTATION);
    if (annotation == null) {
      return false;
    }
    Map<TypeElement, List<ExecutableElement>> byClass = new LinkedHashMap<>();
    for (Element element : round.getElementsAnnotatedWith(annotation)) {
      if (element.getKind() == ElementKind.METHOD) {
        byClass.computeIfAbsent((TypeElement) element.getEnclosingElement(),
            type -> new ArrayList<>()).add((ExecutableElement) element);
      }
    }
    byClass.forEach((type, methods) -> {
      if (seen.add(type.getQualifiedName().toString())) {
        writeApi(type, methods);
      }
    });
    return false;
  }

  /**
   * A {@code @CustomGradient("f")} (a {@code @CustomHvp("f")}) must sit beside a method {@code f}
   * and have the signature of the pullback (the HVP) Adjoint would generate for it; say so at the
   * annotation otherwise.
   */
  private void checkRegistration(Element element, Callees.Registration kind) {
    if (!(element instanceof ExecutableElement pullback)) {
      return;
    }
    Message message = kind.mismatch();
    AnnotationMirror mirror = Callees.annotation(pullback, kind.annotation());
    String target = Callees.target(mirror);
    List<ExecutableElement> candidates = new ArrayList<>();
    for (Element member : pullback.getEnclosingElement().getEnclosedElements()) {
      if (member.getKind() == ElementKind.METHOD && member.getSimpleName().contentEquals(target)) {
        candidates.add((ExecutableElement) member);
      }
    }
    var types = processingEnv.getTypeUtils();
    AnnotationValue value = mirror.getElementValues().values().iterator().next();
    List<ExecutableElement> scalar = candidates.stream()
        .filter(m -> Callees.registrable(MethodReader.resultType(m))).toList();
    if (!candidates.isEmpty() && scalar.isEmpty()) {
      if (kind == Callees.Registration.GRADIENT) {
        reporter.error(pullback, mirror, value, Message.CUSTOM_GRADIENT_RESULT, target,
            candidates.get(0).getReturnType());
      } else {
        reporter.error(pullback, mirror, value, message, target,
            "names a method returning " + candidates.get(0).getReturnType(),
            "registered for a method returning double, double[] or double[][]");
      }
      return;
    }
    if (scalar.stream().anyMatch(m -> Callees.mismatch(m, pullback, kind, types) == null)) {
      return;
    }
    if (candidates.isEmpty()) {
      reporter.error(pullback, mirror, value, message, target,
          "names no method of " + pullback.getEnclosingElement().getSimpleName(),
          "a static method of the same class");
    } else {
      reporter.error(pullback, mirror, value, message, target,
          "does not match the " + kind.derivative() + " of '" + target + "'",
          Callees.mismatch(scalar.get(0), pullback, kind, types));
    }
  }

  /** First round: checks the signatures and writes {@code <Class>Grad}. */
  private void writeApi(TypeElement owner, List<ExecutableElement> methods) {
    if (trees.isEmpty()) {
      for (ExecutableElement method : methods) {
        reporter.error(method, Message.NO_TREES, method.getSimpleName(),
            processingEnv.getClass().getName());
      }
      return;
    }
    MethodReader reader = new MethodReader(trees.get(), processingEnv.getElementUtils(),
        processingEnv.getTypeUtils(), reporter);
    List<GradWriter.ApiMethod> api = new ArrayList<>();
    Set<String> records = new LinkedHashSet<>();
    Set<String> accepted = new LinkedHashSet<>();
    Map<String, ExecutableElement> generated = new LinkedHashMap<>();
    String gradClass = GeneratedNames.gradClass(owner).simpleName();
    for (ExecutableElement method : methods) {
      try {
        Optional<List<Param>> params = reader.readSignature(method);
        if (params.isPresent() && !clashes(method, params.get(), gradClass, generated)) {
          String name = method.getSimpleName().toString();
          String record = GeneratedNames.recordName(name, owner, reader.namesInBody(method),
              records);
          records.add(record);
          String jvpRecord = GeneratedNames.recordName(name + "Jvp", owner,
              reader.namesInBody(method), records);
          records.add(jvpRecord);
          GradWriter.SecondOrderNames secondOrder = null;
          if (MethodReader.order(method) == 2) {
            String hvpRecord = GeneratedNames.recordName(name + "Hvp", owner,
                reader.namesInBody(method), records);
            records.add(hvpRecord);
            String hessianRecord = GeneratedNames.recordName(name + "Hessian", owner,
                reader.namesInBody(method), records);
            records.add(hessianRecord);
            secondOrder = new GradWriter.SecondOrderNames(hvpRecord, hessianRecord);
          }
          api.add(new GradWriter.ApiMethod(method, params.get(), record, jvpRecord,
              secondOrder));
          accepted.add(key(method));
        }
      } catch (RuntimeException e) {
        reporter.error(method, Message.INTERNAL_ERROR, method.getSimpleName(), e);
      }
    }
    if (!api.isEmpty() && write(owner, GradWriter.writeApi(owner, api))) {
      sweepsDue.put(owner.getQualifiedName().toString(), accepted);
    }
  }

  /**
   * True, after reporting it, if a method {@code <Class>Grad} would get for {@code method} has
   * the signature of one it gets for another ({@code loss} and {@code lossJvp} both giving
   * {@code lossJvp(double, double)}); else records {@code method}'s.
   */
  private boolean clashes(ExecutableElement method, List<Param> params, String gradClass,
      Map<String, ExecutableElement> generated) {
    List<String> signatures = GeneratedNames.apiSignatures(method.getSimpleName().toString(),
        params, MethodReader.resultType(method), MethodReader.order(method),
        processingEnv.getTypeUtils());
    for (String signature : signatures) {
      ExecutableElement other = generated.get(signature);
      if (other != null) {
        reporter.error(method, Message.GENERATED_CLASH, method.getSimpleName(), gradClass,
            signature, other.getSimpleName());
        return true;
      }
    }
    signatures.forEach(s -> generated.put(s, method));
    return false;
  }

  /**
   * Second round: differentiates the accepted methods and writes {@code <Class>Sweeps}; false
   * to wait for a later round when a body does not compile yet.
   */
  private boolean writeSweeps(TypeElement owner, Set<String> accepted, boolean last) {
    MethodReader reader = new MethodReader(trees.orElseThrow(), processingEnv.getElementUtils(),
        processingEnv.getTypeUtils(), reporter);
    List<GradWriter.SweepMethod> sweeps = new ArrayList<>();
    for (ExecutableElement method : annotatedMethods(owner)) {
      if (!accepted.contains(key(method))) {
        continue;
      }
      GradWriter.SweepMethod sweep = null;
      try {
        beforeEachMethod.accept(method);
        MethodReader.Result result = reader.readBody(method,
            GeneratedNames.sweepsClass(owner).simpleName());
        if (result instanceof MethodReader.Result.Incomplete && !last) {
          return false;
        }
        if (result instanceof MethodReader.Result.Read read) {
          sweep = differentiate(method, read.function());
        } else if (result instanceof MethodReader.Result.Rejected rejected
            && rejected.partial() != null) {
          reportProblems(method, Activity.of(rejected.partial()));
        }
      } catch (Throwable t) {
        reporter.error(method, Message.INTERNAL_ERROR, method.getSimpleName(), t);
      }
      if (sweep == null) {
        sweep = new GradWriter.Stub(method,
            reader.readSignature(method).orElseThrow(IllegalStateException::new),
            MethodReader.order(method) == 2);
      }
      sweeps.add(sweep);
    }
    try {
      write(owner, GradWriter.writeSweeps(owner, printable(owner, sweeps, this::exists)));
    } catch (RuntimeException e) { // a last rewrite failed: say so, never throw into javac
      reporter.error(owner, Message.INTERNAL_ERROR, owner.getSimpleName(), e);
    }
    return true;
  }

  /**
   * The class's sweeps as printed: calls of its own layers given zeros for an unread adjoint
   * call variants without that buffer ({@link UnreadBuffers}), calls of scalar helpers through a
   * one-element buffer call their backward pass returning the adjoint ({@link ReturnedAdjoints}),
   * matrices used row by row kept as one row ({@link AdjointRows}), adjoint arrays made per
   * iteration reused ({@link AdjointScratch}) and not cleared where the iteration leaves them at
   * zero ({@link SettledRows}), sums and backward passes that walk matrices down their columns
   * turned to walk rows ({@link RowSums}, {@link RowWalks}),
   * backward loops of independent iterations run in the forward
   * order ({@link InOrderLoops}), variables declared in the loops that alone use them ({@link
   * SunkDeclarations}), and the backward pass alone ({@link DeadCode})
   * of each layer and of each scalar method of one {@code double} parameter; last, the room and
   * hand-backs of the tapes kept in locals ({@link LocalTapes}), in every body printed.
   */
  private static List<GradWriter.SweepMethod> printable(TypeElement owner,
      List<GradWriter.SweepMethod> sweeps, Predicate<String> exists) {
    Map<String, GradWriter.Sweep> layers = new LinkedHashMap<>();
    Map<String, Pullback> pullbacks = new LinkedHashMap<>();
    for (GradWriter.SweepMethod method : sweeps) {
      if (method instanceof GradWriter.Sweep sweep
          && sweep.pullback().primal().result().type().isArray()) {
        layers.put(sweep.pullback().primal().name(), sweep);
        pullbacks.put(sweep.pullback().primal().name(), sweep.pullback());
      }
    }
    UnreadBuffers unread =
        new UnreadBuffers(pullbacks, GeneratedNames.gradClass(owner).canonicalName());
    List<GradWriter.SweepMethod> out = new ArrayList<>();
    Map<String, Pullback> printedLayers = new LinkedHashMap<>();
    for (GradWriter.SweepMethod method : sweeps) {
      if (method instanceof GradWriter.Sweep sweep) {
        Pullback printed = printed(unread.rewrite(sweep.pullback()));
        if (layers.containsKey(printed.primal().name())) {
          printedLayers.put(printed.primal().name(), printed);
        }
        boolean backward = layers.containsKey(printed.primal().name())
            || printed.signature().backwardReturnsAdjoint();
        out.add(new GradWriter.Sweep(sweep.element(),
            LocalTapes.of(withScalarCallsMerged(unread.rewrite(sweep.pullback()), printed)),
            backward ? backwardOnly(printed, Set.of()) : null, sweep.jvp(),
            printed(sweep.hvp())));
      } else {
        out.add(method);
      }
    }
    Set<String> done = new LinkedHashSet<>();
    while (done.size() < unread.variants().size()) {
      for (UnreadBuffers.Variant variant : List.copyOf(unread.variants().values())) {
        if (done.add(variant.name())) {
          GradWriter.Sweep layer = layers.get(variant.callee());
          Pullback printed = printed(unread.rewrite(layer.pullback()));
          Set<Var> buffers = new LinkedHashSet<>();
          variant.dropped().forEach(p -> buffers.add(UnreadBuffers.buffer(printed, p)));
          out.add(new GradWriter.BackwardVariant(layer.element(), printed, variant.name(),
              variant.dropped(), null, backwardOnly(printed, buffers)));
        }
      }
    }
    return givenTangents(owner,
        givenValues(owner, out, layers, printedLayers, unread, exists), layers);
  }

  /**
   * {@code methods} with their HVPs' calls of this class's layers' HVPs given the value and
   * tangent they hold ({@link GivenTangents}), and the variants those calls call.
   */
  private static List<GradWriter.SweepMethod> givenTangents(TypeElement owner,
      List<GradWriter.SweepMethod> methods, Map<String, GradWriter.Sweep> layers) {
    String gradClass = GeneratedNames.gradClass(owner).canonicalName();
    Map<String, GivenTangents.Variant> byHvp = new LinkedHashMap<>();
    Map<String, String> jvpOf = new LinkedHashMap<>();
    Map<String, ExecutableElement> elementOf = new LinkedHashMap<>();
    for (GradWriter.Sweep layer : layers.values()) {
      Pullback pullback = layer.pullback();
      GivenTangents.Variant variant = layer.hvp() == null || !GeneratedNames.hasBackwardFrom(
          pullback.primal().result().type(), pullback.signature().params()) ? null
          : GivenTangents.variant(layer.hvp());
      if (variant != null) {
        String hvp = gradClass + "." + variant.hvp().signature().name();
        byHvp.put(hvp, new GivenTangents.Variant(variant.name(), printed(variant.hvp()),
            variant.value(), variant.valueTangent()));
        jvpOf.put(hvp, gradClass + "." + layer.jvp().signature().name());
        elementOf.put(hvp, layer.element());
      }
    }
    if (byHvp.isEmpty()) {
      return methods;
    }
    GivenTangents given = new GivenTangents(byHvp, jvpOf);
    List<GradWriter.SweepMethod> out = new ArrayList<>();
    for (GradWriter.SweepMethod method : methods) {
      out.add(method instanceof GradWriter.Sweep sweep && sweep.hvp() != null
          && sweep.hvp().body() != null && sweep.hvp().unsupported() == null
          ? new GradWriter.Sweep(sweep.element(), sweep.pullback(), sweep.backward(),
              sweep.jvp(), sweep.hvp().withBody(given.rewrite(sweep.hvp().body())))
          : method);
    }
    given.called().forEach(hvp -> {
      GivenTangents.Variant variant = byHvp.get(hvp);
      out.add(new GradWriter.HvpVariant(elementOf.get(hvp), variant.hvp(), variant.name(),
          variant.value(), variant.valueTangent()));
    });
    return out;
  }

  /**
   * Whether {@code layer}'s backward pass, given the value the layer returned, does less than
   * without it: its result can be bound to the value and the backward pass reads it (a tanh
   * layer's; not a dense layer's, which reads only its arguments and the seed).
   */
  private static boolean readsItsValue(Pullback layer) {
    Pullback bound = GivenValues.given(layer, givenValue(layer));
    return bound != null
        && !backwardOnly(bound, Set.of()).equals(backwardOnly(layer, Set.of()));
  }

  /** The parameter holding the value a variant of {@code layer}'s backward pass is given. */
  private static Var givenValue(Pullback layer) {
    return new Var(layer.primal().names().copy().fresh("given"), layer.primal().result().type());
  }

  /**
   * The body of {@code variant} of {@code layer}'s backward pass, given a value it cannot use:
   * a call of the backward pass it is the variant of, without the buffers {@code dropped}.
   */
  private static Block delegation(Pullback layer, GivenValues.Variant variant,
      Set<Param> dropped) {
    DerivativeSignature signature = layer.signature();
    List<Operand> arguments = new ArrayList<>();
    signature.params().forEach(p -> arguments.add(p.var()));
    arguments.add(new Var(signature.seed(), signature.result()));
    signature.derivatives().forEach((p, name) -> {
      if (!dropped.contains(p)) {
        arguments.add(new Var(name, p.var().type()));
      }
    });
    if (signature.last() != null) {
      arguments.add(new Var(signature.last(), Type.DOUBLE_ARRAY));
    }
    String base = variant.base().substring(variant.base().lastIndexOf('.') + 1);
    return new Block(List.of(new DerivativeCall(base, arguments, null, null)));
  }

  /** Whether the method {@code qualified} ({@code pkg.LayersGrad.denseBackwardFrom}) exists. */
  private boolean exists(String qualified) {
    int dot = qualified.lastIndexOf('.');
    TypeElement type = processingEnv.getElementUtils().getTypeElement(qualified.substring(0, dot));
    return type != null && type.getEnclosedElements().stream().anyMatch(e ->
        e.getKind() == ElementKind.METHOD
            && e.getSimpleName().contentEquals(qualified.substring(dot + 1)));
  }

  /**
   * {@code methods} with their calls of layers' backward passes given the values they hold
   * ({@link GivenValues}): this class's layers' through the variants those calls need, other
   * classes' through their public variants, where {@code exists} finds them (a class compiled
   * before such variants were generated has none). Every layer without record parameters gets
   * its variant, which its {@code <Class>Grad} makes public.
   */
  private static List<GradWriter.SweepMethod> givenValues(TypeElement owner,
      List<GradWriter.SweepMethod> methods, Map<String, GradWriter.Sweep> layers,
      Map<String, Pullback> printedLayers, UnreadBuffers unread, Predicate<String> exists) {
    String gradClass = GeneratedNames.gradClass(owner).canonicalName();
    Map<String, String> layerOf = new LinkedHashMap<>();
    printedLayers.keySet().forEach(name ->
        layerOf.put(gradClass + "." + GeneratedNames.backwardName(name), name));
    unread.variants().values().forEach(v -> layerOf.put(v.name(), v.callee()));
    Map<String, Integer> elsewhere = new LinkedHashMap<>();
    for (GradWriter.SweepMethod method : methods) {
      for (Block body : bodies(method)) {
        Statements.forEach(body, stmt -> {
          if (stmt instanceof DerivativeCall call && call.callee() != null
              && call.callee().generated() && call.method().equals(call.callee().backward())
              && !layerOf.containsKey(call.method())
              && exists.test(GeneratedNames.givenVariant(call.method()))) {
            elsewhere.put(call.method(), call.callee().signature().params().size());
          }
        });
      }
    }
    Map<String, String> useful = new LinkedHashMap<>(layerOf);
    useful.values().removeIf(name -> !readsItsValue(printedLayers.get(name)));
    GivenValues given = new GivenValues(printedLayers, useful, elsewhere);
    List<GradWriter.SweepMethod> out = new ArrayList<>();
    for (GradWriter.SweepMethod method : methods) {
      if (method instanceof GradWriter.Sweep sweep) {
        out.add(new GradWriter.Sweep(sweep.element(),
            sweep.pullback().withBody(given.rewrite(sweep.pullback().body())),
            sweep.backward() == null ? null : given.rewrite(sweep.backward()), sweep.jvp(),
            sweep.hvp()));
      } else {
        out.add(method);
      }
    }
    Map<String, GivenValues.Variant> variants = new LinkedHashMap<>(given.variants());
    printedLayers.forEach((name, layer) -> {
      String variant = GeneratedNames.backwardFromName(name);
      if (GeneratedNames.hasBackwardFrom(layer.primal().result().type(),
          layer.signature().params())) {
        variants.putIfAbsent(variant, new GivenValues.Variant(variant,
            gradClass + "." + GeneratedNames.backwardName(name), name));
      }
    });
    for (GivenValues.Variant variant : variants.values()) {
      Pullback layer = printedLayers.get(variant.callee());
      UnreadBuffers.Variant without = unread.variants().get(variant.base());
      Set<Param> dropped = without == null ? Set.of() : without.dropped();
      Set<Var> buffers = new LinkedHashSet<>();
      dropped.forEach(p -> buffers.add(UnreadBuffers.buffer(layer, p)));
      Var value = givenValue(layer);
      Pullback bound = GivenValues.given(layer, value);
      Block body = bound == null ? null : backwardOnly(bound, buffers);
      if (body == null || body.equals(backwardOnly(layer, buffers))) {
        body = delegation(layer, variant, dropped); // the value is of no use to it
      }
      out.add(new GradWriter.BackwardVariant(layers.get(variant.callee()).element(), layer,
          variant.name(), dropped, value, body));
    }
    // a variant without buffers that every call now reaches through its given-value variant
    Set<String> called = new HashSet<>();
    for (GradWriter.SweepMethod method : out) {
      for (Block body : bodies(method)) {
        Statements.forEach(body, stmt -> {
          if (stmt instanceof DerivativeCall call) {
            called.add(call.method());
          }
        });
      }
    }
    out.removeIf(m -> m instanceof GradWriter.BackwardVariant variant && variant.value() == null
        && !called.contains(variant.name()));
    return out;
  }

  /** The bodies {@code method} prints. */
  private static List<Block> bodies(GradWriter.SweepMethod method) {
    if (method instanceof GradWriter.Sweep sweep) {
      List<Block> bodies = new ArrayList<>(List.of(sweep.pullback().body()));
      if (sweep.backward() != null) {
        bodies.add(sweep.backward());
      }
      if (sweep.hvp() != null && sweep.hvp().body() != null) {
        bodies.add(sweep.hvp().body());
      }
      return bodies;
    }
    return method instanceof GradWriter.BackwardVariant variant ? List.of(variant.body())
        : List.of();
  }

  /**
   * The backward pass alone of a printed pullback, without the contributions to {@code unread};
   * a loop that only fed those contributions may now run in the forward order.
   */
  private static Block backwardOnly(Pullback printed, Set<Var> unread) {
    return LocalTapes.of(
        JammedLoops.of(InOrderLoops.of(printed.withBody(DeadCode.backwardOnly(printed, unread))))
            .body());
  }

  /**
   * The pullback method's own body: each call of a scalar helper whose backward pass runs in the
   * same block gives the value and the adjoint in one call ({@link ValueAndPullback}), the
   * adjoint back through the pullback's buffer of scalar adjoints, borrowed ({@link
   * BorrowedScalarBuffers}); else {@code printed}. Only there: the backward passes and variants
   * cut from {@code printed} have no such buffer, and keep the helper's backward pass returning
   * its adjoint ({@link ReturnedAdjoints}).
   */
  private static Pullback withScalarCallsMerged(Pullback pullback, Pullback printed) {
    if (pullback.signature().scalarBuffer() == null) {
      return printed;
    }
    Pullback chosen = ChosenIterations.of(pullback);
    Pullback merged = ValueAndPullback.ofScalarCalls(chosen);
    if (merged == chosen) {
      return printed;
    }
    Pullback borrowed = BorrowedScalarBuffers.of(printedFrom(merged));
    return BorrowedScalarBuffers.madeBuffers(borrowed)
        > BorrowedScalarBuffers.madeBuffers(printed) ? printed : borrowed;
  }

  /** The last rewrites of a pullback as printed, after its HVP was taken from it. */
  private static Pullback printed(Pullback pullback) {
    return printedFrom(ChosenIterations.of(pullback));
  }

  private static Pullback printedFrom(Pullback chosen) {
    return AlternatingAdjoints.of(MappedRows.of(UnreadResets.of(CommonFactors.of(
        FoldedNegations.of(ParameterRows.of(InvariantValues.of(ValueAndPullback.of(
            ReusedResults.of(RowSums.of(SunkDeclarations.of(ChosenValues.of(ReadBackSums.of(
                JammedLoops.of(InOrderLoops.of(RowWalks.of(SettledRows.of(AdjointScratch.of(
                    AdjointRows.of(ReturnedAdjoints.of(chosen))))))))))))))))))));
  }

  /** The last rewrites of an HVP as printed (none for a missing or unsupported one). */
  private static Hvp printed(Hvp hvp) {
    return hvp == null || hvp.body() == null ? hvp
        : hvp.withBody(LocalTapes.of(SunkDeclarations.of(UnreadResets.of(CommonFactors.of(
            FoldedNegations.of(AdjointScratch.of(
                AdjointRows.of(hvp.body(), hvp.names(), hvp.pullback().returned()),
                hvp.names())))))));
  }

  private GradWriter.SweepMethod differentiate(ExecutableElement method, Function read) {
    Function function = ElementIncrements.of(
        SameElementReads.of(ReassignedLocals.of(CarriedValues.of(read))));
    Activity activity = Activity.of(function);
    boolean secondOrder = MethodReader.order(method) == 2;
    if (activity.problems().isEmpty()
        && (!secondOrder || secondOrderCallees(method, function, activity))) {
      Jvp jvp = Tangent.of(function.withOwnNames(), activity);
      Pullback pullback = Taping.of(ReverseSweep.of(function, activity));
      return new GradWriter.Sweep(method, FirstContribution.of(ZeroSkipping.of(pullback)), null,
          jvp, secondOrder ? Tangent.hvp(pullback) : null);
    }
    reportProblems(method, activity);
    return null;
  }

  /**
   * True if every method an order-2 method calls with a differentiated value has a second
   * derivative; else reports each that has not, at its call.
   */
  private boolean secondOrderCallees(ExecutableElement method, Function function,
      Activity activity) {
    var trees = this.trees.orElseThrow();
    var unit = trees.getPath(method).getCompilationUnit();
    int errorsBefore = reporter.errorCount();
    Statements.forEachAssign(function.body(), assign -> {
      if (assign.value() instanceof dev.adjoint.processor.ir.Call call
          && call.callee().hasPullback() && !call.callee().hasHvp()
          && call.args().stream().anyMatch(activity::isActive)) {
        var tree = assign.origin().tree();
        reporter.error(trees, unit, tree, Message.SECOND_ORDER_CALLEE, call.callee().display(),
            call.callee().generated() ? "it is @Differentiable of order 1"
                : "it has a @CustomGradient but no @CustomHvp");
      }
    });
    return reporter.errorCount() == errorsBefore;
  }

  private void reportProblems(ExecutableElement method, Activity activity) {
    var trees = this.trees.orElseThrow();
    var unit = trees.getPath(method).getCompilationUnit();
    for (Activity.Problem problem : activity.problems()) {
      var tree = problem.assign().origin().tree();
      if (problem.kind() == Activity.Problem.Kind.FLOAT) {
        reporter.error(trees, unit, tree, Message.FLOAT, tree);
      } else if (problem.assign().value() instanceof MathCall call) {
        reporter.error(trees, unit, tree, Message.NO_DERIVATIVE,
            call.owner() + "." + call.function());
      } else {
        var call = (dev.adjoint.processor.ir.Call) problem.assign().value();
        var callee = call.callee();
        if (callee.signature() != null) {
          reporter.error(trees, unit, tree, Message.WRT_EXCLUDED, callee.display(),
              callee.signature().params().get(problem.operand()).var().name());
        } else if (problem.assign().target().type().isArray()) {
          reporter.error(trees, unit, tree, Message.NO_DERIVATIVE_ARRAY, callee.display(),
              problem.assign().target().type().javaName());
        } else {
          reporter.error(trees, unit, tree, Message.NO_DERIVATIVE, callee.display());
        }
      }
    }
  }

  private boolean write(TypeElement owner, JavaFile file) {
    try {
      file.writeTo(processingEnv.getFiler());
      return true;
    } catch (IOException | RuntimeException e) {
      reporter.error(owner, Message.INTERNAL_ERROR, owner.getSimpleName(), e);
      return false;
    }
  }

  private static List<ExecutableElement> annotatedMethods(TypeElement type) {
    List<ExecutableElement> methods = new ArrayList<>();
    for (Element member : type.getEnclosedElements()) {
      if (member.getKind() == ElementKind.METHOD && Callees.annotation(member, ANNOTATION) != null) {
        methods.add((ExecutableElement) member);
      }
    }
    return methods;
  }

  /** Identifies a method across rounds, where javac hands out new elements. */
  private static String key(ExecutableElement method) {
    return method.getSimpleName() + method.getParameters().stream()
        .map(p -> p.asType().toString()).toList().toString();
  }
}
