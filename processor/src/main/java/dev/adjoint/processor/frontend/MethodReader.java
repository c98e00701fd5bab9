package dev.adjoint.processor.frontend;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Reporter;
import dev.adjoint.processor.ir.Block;
import dev.adjoint.processor.ir.Function;
import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Param;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.Var;
import dev.adjoint.processor.plan.GeneratedNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.Elements;

/**
 * Reads one {@code @Differentiable} method: checks its signature and {@code wrt}, has javac type
 * its body, and lowers the body to IR. Every problem is reported; the result is empty if there
 * was any, or if the source itself does not compile (javac reports that).
 */
public final class MethodReader {

  private final Trees trees;
  private final Elements elements;
  private final javax.lang.model.util.Types types;
  private final Reporter reporter;
  private final JavacAttribution javac;
  /** Each method's tree path, found by one pass over its class (see {@link #pathOf}). */
  private final Map<Element, TreePath> paths = new java.util.HashMap<>();

  public MethodReader(Trees trees, Elements elements, javax.lang.model.util.Types types,
      Reporter reporter) {
    this.trees = trees;
    this.elements = elements;
    this.types = types;
    this.reporter = reporter;
    this.javac = new JavacAttribution(trees);
  }

  /** Outcome of reading: the function, or why there is none. */
  public sealed interface Result {
    /** The method in IR form. */
    record Read(Function function) implements Result {}

    /**
     * Errors were reported on the method; {@code partial} is what could be lowered, for the
     * checks that follow lowering (so one build reports all of a method's errors), or null.
     */
    record Rejected(Function partial) implements Result {}

    /** The source does not compile yet (e.g. it names a class another round generates). */
    record Incomplete() implements Result {}
  }

  /**
   * Checks the signature and {@code wrt} without typing the body: the parameters, or empty
   * after reporting every problem on the method.
   */
  public Optional<List<Param>> readSignature(ExecutableElement method) {
    int errorsBefore = reporter.errorCount();
    checkSignature(method);
    checkWrt(method);
    checkOrder(method);
    if (reporter.errorCount() > errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(Parameters.of(method, wrtNames(method), new NameScope(),
        new LinkedHashMap<>(), types).params());
  }

  /**
   * The simple names a method's body mentions (variables, classes, fields, methods), read from
   * its syntax alone: a generated name must not shadow one of them.
   */
  public Set<String> namesInBody(ExecutableElement method) {
    Set<String> names = new java.util.HashSet<>();
    TreePath path = pathOf(method);
    if (path != null) {
      new com.sun.source.util.TreeScanner<Void, Void>() {
        @Override
        public Void visitIdentifier(com.sun.source.tree.IdentifierTree node, Void unused) {
          names.add(node.getName().toString());
          return null;
        }
      }.scan(path.getLeaf(), null);
    }
    return names;
  }

  /**
   * The tree path of {@code method}. {@link Trees#getPath(Element)} searches the whole
   * compilation unit from its top, which made a class of many methods quadratic; here one search
   * finds the class, and its members give the paths of all its methods.
   */
  private TreePath pathOf(ExecutableElement method) {
    if (!paths.containsKey(method)) {
      TreePath owner = trees.getPath(method.getEnclosingElement());
      if (owner != null && owner.getLeaf() instanceof com.sun.source.tree.ClassTree type) {
        for (com.sun.source.tree.Tree member : type.getMembers()) {
          if (member instanceof MethodTree) {
            TreePath path = new TreePath(owner, member);
            Element element = trees.getElement(path);
            if (element != null) {
              paths.putIfAbsent(element, path);
            }
          }
        }
      }
      if (!paths.containsKey(method)) {
        paths.put(method, trees.getPath(method));
      }
    }
    return paths.get(method);
  }

  /**
   * Reads the body of a method whose signature {@link #readSignature} accepted: has javac type
   * it, and lowers it to IR.
   */
  public Result readBody(ExecutableElement method, String generatedClass) {
    int errorsBefore = reporter.errorCount();
    TreePath path = pathOf(method);
    if (path == null || !(path.getLeaf() instanceof MethodTree tree) || tree.getBody() == null) {
      reporter.error(method, Message.NO_BODY, method.getSimpleName());
      return new Result.Rejected(null);
    }
    if (!javac.attribute(path)) {
      reporter.error(method, Message.NO_ATTRIBUTION, method.getSimpleName(),
          System.getProperty("java.vm.version"));
      return new Result.Rejected(null);
    }
    NameScope names = new NameScope();
    reserveUserNames(tree, names);
    Map<Element, Var> versions = new LinkedHashMap<>();
    Parameters.Flattened flattened =
        Parameters.of(method, wrtNames(method), names, versions, types);
    List<Param> params = flattened.params();
    Var receiver = method.getModifiers().contains(Modifier.STATIC)
        || flattened.receiver() != null ? null : params.get(0).var();
    Var result = new Var(names.fresh("value"), resultType(method));
    CompilationUnitTree unit = path.getCompilationUnit();
    PackageElement pkg = elements.getPackageOf(method);
    var lowering = new BodyLowering(trees, unit, javac, elements, types, reporter, names, result,
        receiver, method.getSimpleName().toString(), generatedClass, pkg);
    lowering.records(flattened.records(), flattened.receiver());
    Block body = lowering.lower(new TreePath(path, tree.getBody()), versions);
    if (body != null && result.type().isArray() && reporter.errorCount() == errorsBefore) {
      ReturnedArray returned = ReturnedArray.of(body, result, params);
      if (returned == null) {
        reporter.error(method, Message.UNSUPPORTED, "returning this " + method.getReturnType(),
            "return a local array, a call's result, a clone() or a new array");
        return new Result.Rejected(null);
      }
      body = returned.body();
      result = returned.result();
    }
    Function function = body == null ? null
        : new Function(method.getSimpleName().toString(), params, result, body, names);
    if (reporter.errorCount() > errorsBefore) {
      return new Result.Rejected(function);
    }
    if (body == null) {
      return new Result.Incomplete();
    }
    return new Result.Read(function);
  }

  private void checkSignature(ExecutableElement method) {
    String name = method.getSimpleName().toString();
    if (method.getModifiers().contains(Modifier.ABSTRACT)
        || method.getModifiers().contains(Modifier.NATIVE)) {
      reporter.error(method, Message.NO_BODY, name);
    }
    if (!method.getTypeParameters().isEmpty()) {
      reporter.error(method, Message.GENERIC_METHOD, name);
    }
    Type result = resultType(method);
    if (result == null) {
      reporter.error(method, Message.RETURN_TYPE, name, method.getReturnType());
    }
    Set<String> wrt = wrtNames(method);
    for (VariableElement p : method.getParameters()) {
      Type type = Types.of(p.asType());
      if (type == null && p.asType().getKind() == TypeKind.ARRAY) {
        reporter.error(p, Message.PARAMETER_TYPE, p.getSimpleName(), p.asType());
      } else if (type == Type.DOUBLE_TENSOR && Parameters.wanted(p, wrt)) {
        reporter.error(p, Message.TENSOR_DATA, p.getSimpleName());
      }
    }
    Visibility visibility = new Visibility(elements, elements.getPackageOf(method));
    for (javax.lang.model.element.TypeElement record : Parameters.recordTypes(method)) {
      if (!visibility.isAccessible(record)) {
        reporter.error(method, Message.RECORD_ACCESS, record.getQualifiedName(),
            GeneratedNames.gradClass((javax.lang.model.element.TypeElement)
                method.getEnclosingElement()).simpleName());
      }
    }
    List<Param> flat = Parameters.of(method, Set.of(), types);
    for (Param p : flat) {
      if (p.component() != null && (p.var().type() == Type.OBJECT
          || p.var().type() == Type.DOUBLE_TENSOR)
          && (p.declaredType().getKind() == TypeKind.ARRAY
              || p.declaredType().getKind() == TypeKind.TYPEVAR)) {
        reporter.error(method, Message.RECORD_COMPONENT_TYPE,
            p.component().root() + "." + String.join("().", p.component().path()) + "()",
            p.declaredType());
      }
    }
    if (flat.stream().noneMatch(Param::differentiable)) {
      reporter.error(method, Message.NOTHING_TO_DIFFERENTIATE, name);
    }
  }

  /** What a {@code @Differentiable} method returns: a double, a vector ({@code double[]}), else null. */
  public static Type resultType(ExecutableElement method) {
    if (method.getReturnType().getKind() == TypeKind.DOUBLE) {
      return Type.DOUBLE;
    }
    Type type = Types.of(method.getReturnType());
    return type != null && type.isDoubleArray() ? type : null;
  }

  /** The {@code order} of a {@code @Differentiable} method: 1 unless it says 2. */
  public static int order(ExecutableElement method) {
    AnnotationValue value = orderValue(method);
    return value != null && value.getValue() instanceof Integer order ? order : 1;
  }

  private static AnnotationValue orderValue(ExecutableElement method) {
    AnnotationMirror mirror = Callees.annotation(method, Callees.DIFFERENTIABLE);
    if (mirror == null) {
      return null;
    }
    for (var entry : mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals("order")) {
        return entry.getValue();
      }
    }
    return null;
  }

  private void checkOrder(ExecutableElement method) {
    AnnotationValue value = orderValue(method);
    if (value == null) {
      return;
    }
    int order = order(method);
    if (order != 1 && order != 2) {
      reporter.error(method, Callees.annotation(method, Callees.DIFFERENTIABLE), value,
          Message.ORDER, value, method.getSimpleName());
    }
  }

  /** The names in {@code wrt}; empty means every double parameter. */
  static Set<String> wrtNames(ExecutableElement method) {
    Set<String> names = new LinkedHashSet<>();
    forEachWrtName(method, (mirror, item) -> names.add((String) item.getValue()));
    return names;
  }

  private void checkWrt(ExecutableElement method) {
    forEachWrtName(method,
        (mirror, item) -> checkWrtName(method, mirror, item, (String) item.getValue()));
  }

  private static void forEachWrtName(ExecutableElement method,
      java.util.function.BiConsumer<AnnotationMirror, AnnotationValue> action) {
    AnnotationMirror mirror = Callees.annotation(method, Callees.DIFFERENTIABLE);
    if (mirror == null) {
      return;
    }
    mirror.getElementValues().forEach((key, value) -> {
      if (key.getSimpleName().contentEquals("wrt")) {
        @SuppressWarnings("unchecked")
        var items = (List<? extends AnnotationValue>) value.getValue();
        items.forEach(item -> action.accept(mirror, item));
      }
    });
  }

  private void checkWrtName(ExecutableElement method, AnnotationMirror mirror,
      AnnotationValue item, String name) {
    if (name.equals(Parameters.RECEIVER) && !method.getModifiers().contains(Modifier.STATIC)
        && Parameters.isRecord(method.getEnclosingElement().asType())) {
      return;
    }
    for (VariableElement p : method.getParameters()) {
      if (p.getSimpleName().contentEquals(name)) {
        Type type = Types.of(p.asType());
        boolean differentiable = type == Type.DOUBLE || (type != null && type.isDoubleArray())
            || Parameters.isRecord(p.asType());
        if (!differentiable) {
          reporter.error(method, mirror, item, Message.WRT_NOT_DOUBLE, name, p.asType());
        }
        return;
      }
    }
    List<String> params = method.getParameters().stream()
        .map(p -> p.getSimpleName().toString()).toList();
    reporter.error(method, mirror, item, Message.WRT_UNKNOWN, name, method.getSimpleName(),
        String.join(", ", params));
  }

  private static void reserveUserNames(MethodTree tree, NameScope names) {
    new com.sun.source.util.TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        names.reserve(node.getName().toString());
        return super.visitVariable(node, unused);
      }
    }.scan(tree, null);
  }
}
