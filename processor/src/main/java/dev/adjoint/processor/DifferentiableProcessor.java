package dev.adjoint.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import com.sun.source.util.Trees;
import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Reporter;
import dev.adjoint.processor.emit.GradWriter;
import dev.adjoint.processor.frontend.MethodReader;
import dev.adjoint.processor.frontend.ProcessingEnvironments;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.reverse.ReverseSweep;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Orchestrates: collects {@code @Differentiable} methods per class, runs each through the
 * pipeline (frontend, activity, reverse sweep) and writes one {@code <Class>Grad} per class. A
 * failure in one method becomes a diagnostic on that method; the others still get their code.
 * Methods whose source does not compile yet (it names a class a later round generates) wait for
 * the next round.
 */
@AutoService(Processor.class)
public final class DifferentiableProcessor extends AbstractProcessor {
  static final String ANNOTATION = "dev.adjoint.Differentiable";

  private final Consumer<ExecutableElement> beforeEachMethod;
  private Reporter reporter;
  private Optional<Trees> trees = Optional.empty();
  /** Classes whose methods could not be read yet, by qualified name, retried next round. */
  private final Set<String> deferred = new LinkedHashSet<>();

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
    return Set.of(ANNOTATION);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Map<TypeElement, List<ExecutableElement>> byClass = new LinkedHashMap<>();
    for (String name : deferred) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      if (type != null) {
        byClass.put(type, annotatedMethods(type));
      }
    }
    deferred.clear();
    TypeElement annotation = processingEnv.getElementUtils().getTypeElement(ANNOTATION);
    if (annotation != null) {
      for (Element element : round.getElementsAnnotatedWith(annotation)) {
        if (element.getKind() == ElementKind.METHOD) {
          byClass.computeIfAbsent((TypeElement) element.getEnclosingElement(),
              type -> new ArrayList<>());
          List<ExecutableElement> methods = byClass.get(element.getEnclosingElement());
          if (!methods.contains(element)) {
            methods.add((ExecutableElement) element);
          }
        }
      }
    }
    byClass.forEach((type, methods) -> processClass(type, methods, round.processingOver()));
    return false;
  }

  private void processClass(TypeElement owner, List<ExecutableElement> methods, boolean last) {
    if (trees.isEmpty()) {
      for (ExecutableElement method : methods) {
        reporter.error(method, Message.NO_TREES, method.getSimpleName(),
            processingEnv.getClass().getName());
      }
      return;
    }
    ClassName gradClass = GradWriter.gradClassName(owner);
    MethodReader reader = new MethodReader(trees.get(), processingEnv.getElementUtils(), reporter);
    List<GradWriter.Method> generated = new ArrayList<>();
    Set<String> recordNames = new LinkedHashSet<>();
    for (ExecutableElement method : methods) {
      try {
        beforeEachMethod.accept(method);
        MethodReader.Result result = reader.read(method, gradClass.simpleName());
        if (result instanceof MethodReader.Result.Incomplete && !last) {
          deferred.add(owner.getQualifiedName().toString());
          return;
        }
        if (result instanceof MethodReader.Result.Read read) {
          differentiate(method, read.function(), owner, recordNames).ifPresent(generated::add);
        }
      } catch (Throwable t) {
        reporter.error(method, Message.INTERNAL_ERROR, method.getSimpleName(), t);
      }
    }
    if (generated.isEmpty()) {
      return;
    }
    try {
      GradWriter.write(owner, gradClass, generated).writeTo(processingEnv.getFiler());
    } catch (IOException | RuntimeException e) {
      reporter.error(owner, Message.INTERNAL_ERROR, owner.getSimpleName(), e);
    }
  }

  private Optional<GradWriter.Method> differentiate(ExecutableElement method, Function function,
      TypeElement owner, Set<String> recordNames) {
    Activity activity = Activity.of(function);
    if (!activity.problems().isEmpty()) {
      var trees = this.trees.orElseThrow();
      var unit = trees.getPath(method).getCompilationUnit();
      for (Activity.Problem problem : activity.problems()) {
        var tree = problem.assign().origin().tree();
        if (problem.kind() == Activity.Problem.Kind.FLOAT) {
          reporter.error(trees, unit, tree, Message.FLOAT, tree);
        } else {
          var call = (dev.adjoint.processor.ir.MathCall) problem.assign().value();
          reporter.error(trees, unit, tree, Message.NO_DERIVATIVE,
              call.owner() + "." + call.function());
        }
      }
      return Optional.empty();
    }
    String recordName = GradWriter.recordNameFor(function, owner, recordNames);
    recordNames.add(recordName);
    return Optional.of(
        new GradWriter.Method(method, ReverseSweep.of(function, activity), recordName));
  }

  private List<ExecutableElement> annotatedMethods(TypeElement type) {
    List<ExecutableElement> methods = new ArrayList<>();
    for (Element member : type.getEnclosedElements()) {
      boolean annotated = member.getAnnotationMirrors().stream()
          .anyMatch(a -> a.getAnnotationType().toString().equals(ANNOTATION));
      if (member.getKind() == ElementKind.METHOD && annotated) {
        methods.add((ExecutableElement) member);
      }
    }
    return methods;
  }
}
