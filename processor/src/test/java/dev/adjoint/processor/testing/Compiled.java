package dev.adjoint.processor.testing;


import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.DifferentiableProcessor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.annotation.processing.Processor;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Sources compiled through javac with the Adjoint processor, as a user's build does, with the
 * generated classes loaded so tests can call them.
 */
public final class Compiled {
  private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;",
      Pattern.MULTILINE);
  private static final Pattern TYPE = Pattern.compile(
      "^(?:public\\s+|final\\s+|abstract\\s+)*(?:class|interface|enum|record)\\s+(\\w+)",
      Pattern.MULTILINE);

  private final Compilation compilation;
  private final ClassLoader loader;

  private Compiled(Compilation compilation) {
    this.compilation = compilation;
    this.loader = new GeneratedClassLoader(compilation);
  }

  /** Compiles and asserts that javac and the processor accepted the sources. */
  public static Compiled compile(String... sources) {
    Compilation compilation = compilation(new DifferentiableProcessor(), sources);
    if (compilation.status() != Compilation.Status.SUCCESS) {
      throw new AssertionError("compilation failed:\n" + errors(compilation) + "\nsources:\n"
          + String.join("\n----\n", sources) + generatedSourcesForDebugging(compilation));
    }
    return new Compiled(compilation);
  }

  /** Compiles with the given processor instance, whatever the outcome. */
  public static Compilation compilation(Processor processor, String... sources) {
    return Compiler.javac()
        .withProcessors(processor)
        .withClasspath(List.of(runtimeClasspath()))
        .withOptions("-Xlint:none", "-parameters")
        .compile(fileObjects(sources));
  }

  public static List<JavaFileObject> fileObjects(String... sources) {
    List<JavaFileObject> files = new ArrayList<>();
    for (String source : sources) {
      files.add(JavaFileObjects.forSourceString(qualifiedName(source), source));
    }
    return files;
  }

  public static String errors(Compilation compilation) {
    return compilation.diagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .map(Object::toString)
        .collect(Collectors.joining("\n"));
  }

  /** The qualified name of the first top-level type in {@code source}. */
  public static String qualifiedName(String source) {
    Matcher pkg = PACKAGE.matcher(source);
    Matcher type = TYPE.matcher(source);
    if (!type.find()) {
      throw new IllegalArgumentException("no type in source");
    }
    return pkg.find() ? pkg.group(1) + "." + type.group(1) : type.group(1);
  }

  public Compilation compilation() {
    return compilation;
  }

  public Class<?> load(String binaryName) {
    try {
      return Class.forName(binaryName, true, loader);
    } catch (ClassNotFoundException e) {
      throw new AssertionError("not generated: " + binaryName, e);
    }
  }

  /** The text of a generated source file, e.g. {@code demo.CircuitsGrad}. */
  public String generatedSource(String qualifiedName) {
    String path = qualifiedName.replace('.', '/') + ".java";
    return compilation.generatedSourceFiles().stream()
        .filter(f -> f.toUri().getPath().endsWith(path))
        .findFirst()
        .map(Compiled::content)
        .orElseThrow(() -> new AssertionError("no generated source " + qualifiedName));
  }

  /**
   * The text of one method of a generated source, from its name to the end of its body:
   * {@code method(sweeps, "lossPullback")}.
   */
  public static String method(String source, String name) {
    int start = source.indexOf(" " + name + "(");
    return source.substring(start, source.indexOf("\n  }\n", start));
  }

  /** Calls the original method (on copies of array arguments). */
  public double primal(String className, String method, Object... args) {
    return (double) invoke(load(className), method, deepCopy(args));
  }

  /**
   * Calls {@code <Class>Grad.<method>(args)} and unpacks the record it returns; array components
   * are flattened row-major into {@code partials}, one name per entry ({@code dW[0][1]}).
   */
  public Gradient gradient(String className, String method, Object... args) {
    Object record = invoke(load(gradClassName(className)), method, deepCopy(args));
    RecordComponent[] components = record.getClass().getRecordComponents();
    List<Object> values = componentValues(record);
    List<String> names = new ArrayList<>();
    List<Double> partials = new ArrayList<>();
    for (int i = 1; i < components.length; i++) {
      flatten(components[i].getName(), values.get(i), names, partials);
    }
    return new Gradient((double) values.get(0),
        partials.stream().mapToDouble(Double::doubleValue).toArray(), names);
  }

  private static void flatten(String name, Object value, List<String> names,
      List<Double> partials) {
    if (value instanceof double[] row) {
      for (int j = 0; j < row.length; j++) {
        names.add(name + "[" + j + "]");
        partials.add(row[j]);
      }
    } else if (value instanceof double[][] matrix) {
      for (int i = 0; i < matrix.length; i++) {
        flatten(name + "[" + i + "]", matrix[i], names, partials);
      }
    } else if (value != null && value.getClass().isRecord()) {
      // a record parameter's gradient: its double-carrying components, in order
      List<Object> values = componentValues(value);
      RecordComponent[] components = value.getClass().getRecordComponents();
      for (int i = 0; i < components.length; i++) {
        Class<?> type = components[i].getType();
        if (values.get(i) != null && (type == double.class || type == double[].class
            || type == double[][].class || type.isRecord())) {
          flatten(name + "." + components[i].getName(), values.get(i), names, partials);
        }
      }
    } else {
      names.add(name);
      partials.add((Double) value);
    }
  }

  /** Copies of array arguments, so a call cannot change the caller's values unseen. */
  /** The gradient record's components after {@code value}: {@code d<param>}, in order. */
  public List<String> components(String className, String method, Object... args) {
    Object record = invoke(load(gradClassName(className)), method, deepCopy(args));
    return java.util.Arrays.stream(record.getClass().getRecordComponents()).skip(1)
        .map(RecordComponent::getName).toList();
  }

  /**
   * {@code <Class>Grad.<method>Jvp(args..., tangents...)}: the value and the directional
   * derivative along {@code tangents}, one per differentiated parameter.
   */
  public double[] jvp(String className, String method, Object[] args, Object[] tangents) {
    Object[] all = new Object[args.length + tangents.length];
    System.arraycopy(deepCopy(args), 0, all, 0, args.length);
    System.arraycopy(tangents, 0, all, args.length, tangents.length);
    Object record = invoke(load(gradClassName(className)), method + "Jvp", all);
    try {
      double value = (double) record.getClass().getMethod("value").invoke(record);
      double tangent = (double) record.getClass().getMethod("tangent").invoke(record);
      return new double[] {value, tangent};
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** What a second-order method returned: value, gradient and H·v (or the Hessian), flattened. */
  public record SecondOrder(double value, double[] gradient, double[] hv, double[][] hessian) {}

  /**
   * {@code <Class>Grad.<method>Hvp(args..., directions...)}: its record {@code (value,
   * d<param>..., h<param>...)} with the gradient and H·v each flattened row-major in component
   * order.
   */
  public SecondOrder hvp(String className, String method, Object[] args, Object[] directions) {
    Object[] all = new Object[args.length + directions.length];
    System.arraycopy(deepCopy(args), 0, all, 0, args.length);
    System.arraycopy(directions, 0, all, args.length, directions.length);
    Object record = invoke(load(gradClassName(className)), method + "Hvp", all);
    List<Object> values = componentValues(record);
    int k = (values.size() - 1) / 2;
    return new SecondOrder((double) values.get(0), flat(values.subList(1, 1 + k)),
        flat(values.subList(1 + k, values.size())), null);
  }

  /** {@code <Class>Grad.<method>Hessian(args)}: its record {@code (value, d<param>..., hessian)}. */
  public SecondOrder hessian(String className, String method, Object... args) {
    Object record = invoke(load(gradClassName(className)), method + "Hessian", deepCopy(args));
    List<Object> values = componentValues(record);
    return new SecondOrder((double) values.get(0), flat(values.subList(1, values.size() - 1)),
        null, (double[][]) values.get(values.size() - 1));
  }

  private static List<Object> componentValues(Object record) {
    List<Object> values = new ArrayList<>();
    try {
      for (RecordComponent component : record.getClass().getRecordComponents()) {
        Method accessor = component.getAccessor();
        accessor.setAccessible(true);
        values.add(accessor.invoke(record));
      }
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    return values;
  }

  private static double[] flat(List<Object> components) {
    List<String> names = new ArrayList<>();
    List<Double> entries = new ArrayList<>();
    components.forEach(c -> flatten("", c, names, entries));
    return entries.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * Calls the original method returning {@code double[]} (on copies of array arguments); a
   * {@code double[][]} result comes flattened row by row.
   */
  public double[] primalVector(String className, String method, Object... args) {
    return flatValue(invoke(load(className), method, deepCopy(args)));
  }

  /** A vector, or a matrix's elements row by row. */
  private static double[] flatValue(Object value) {
    return value instanceof double[] vector ? vector : flat(List.of(value));
  }

  /** The Jacobian a vector method's {@code <method>Jacobian} returns, rows flattened. */
  public record Jacobian(double[] value, double[][] rows, List<String> components) {}

  /**
   * {@code <Class>Grad.<method>Jacobian(args)}: its record {@code (value, d<param>...)}, each
   * {@code d<param>[k]} flattened into row k in component order.
   */
  public Jacobian jacobian(String className, String method, Object... args) {
    Object record = invoke(load(gradClassName(className)), method + "Jacobian", deepCopy(args));
    List<Object> values = componentValues(record);
    double[] value = flatValue(values.get(0));
    double[][] rows = new double[value.length][];
    for (int k = 0; k < value.length; k++) {
      List<Object> row = new ArrayList<>();
      for (Object d : values.subList(1, values.size())) {
        row.add(d instanceof double[] scalars ? (Object) scalars[k] : ((Object[]) d)[k]);
      }
      rows[k] = flat(row);
    }
    List<String> names = Arrays.stream(record.getClass().getRecordComponents()).skip(1)
        .map(RecordComponent::getName).toList();
    return new Jacobian(value, rows, names);
  }

  /**
   * {@code <Class>Grad.<method>Pullback(args, seed, buffers...)} of a vector method: the value it
   * returns, then {@code seedᵀ J} flattened in parameter order ({@code differentiated} says which
   * arguments have buffers or a slot in the scalar buffer).
   */
  public double[] vjp(String className, String method, Object[] args, double[] seed,
      List<Integer> differentiated) {
    return vectorJacobianProduct(className, method, "Pullback", args, seed, differentiated);
  }

  /**
   * {@code <Class>Grad.<method>Backward(args, seed, buffers...)} of a vector method, the backward
   * pass alone that generated callers call: {@code seedᵀ J} as {@link #vjp} flattens it.
   */
  public double[] backward(String className, String method, Object[] args, double[] seed,
      List<Integer> differentiated) {
    return vectorJacobianProduct(className, method, "Backward", args, seed, differentiated);
  }

  private double[] vectorJacobianProduct(String className, String method, String form,
      Object[] args, double[] seed, List<Integer> differentiated) {
    List<Object> all = new ArrayList<>(Arrays.asList(deepCopy(args)));
    Object primal = invoke(load(className), method, deepCopy(args));
    if (primal instanceof double[][] matrix) { // the seed shaped like the result, row by row
      double[][] shaped = new double[matrix.length][];
      for (int r = 0, k = 0; r < matrix.length; k += matrix[r].length, r++) {
        shaped[r] = Arrays.copyOfRange(seed, k, k + matrix[r].length);
      }
      all.add(shaped);
    } else {
      all.add(seed.clone());
    }
    List<Object> buffers = new ArrayList<>();
    int scalars = 0;
    for (int i : differentiated) {
      if (args[i] instanceof double[] row) {
        buffers.add(new double[row.length]);
      } else if (args[i] instanceof double[][] matrix) {
        double[][] zeros = new double[matrix.length][];
        for (int r = 0; r < matrix.length; r++) {
          zeros[r] = new double[matrix[r].length];
        }
        buffers.add(zeros);
      } else {
        buffers.add(null);
        scalars++;
      }
    }
    buffers.stream().filter(b -> b != null).forEach(all::add);
    double[] dScalars = new double[scalars];
    if (scalars > 0) {
      all.add(dScalars);
    }
    Object returned = invoke(load(gradClassName(className)), method + form, all.toArray());
    double[] value = returned == null ? new double[0] : flatValue(returned);
    List<Object> parts = new ArrayList<>();
    int s = 0;
    for (Object buffer : buffers) {
      parts.add(buffer != null ? buffer : (Object) dScalars[s++]);
    }
    double[] product = flat(parts);
    double[] out = new double[value.length + product.length];
    System.arraycopy(value, 0, out, 0, value.length);
    System.arraycopy(product, 0, out, value.length, product.length);
    return out;
  }

  /** {@code <Class>Grad.<method>Jvp(args, tangents)} of a vector method: value, then tangent. */
  public double[][] vectorJvp(String className, String method, Object[] args, Object[] tangents) {
    Object[] all = new Object[args.length + tangents.length];
    System.arraycopy(deepCopy(args), 0, all, 0, args.length);
    System.arraycopy(tangents, 0, all, args.length, tangents.length);
    List<Object> values = componentValues(
        invoke(load(gradClassName(className)), method + "Jvp", all));
    return new double[][] {flatValue(values.get(0)), flatValue(values.get(1))};
  }

  /** The same source with every {@code @Differentiable} method of order 2. */
  public static String secondOrder(String source) {
    return source.replaceAll("@Differentiable\\(", "@Differentiable(order = 2, ")
        .replaceAll("@Differentiable(?![(\\w])", "@Differentiable(order = 2)");
  }

  public static Object[] deepCopy(Object[] args) {
    Object[] copy = args.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] instanceof double[] row) {
        copy[i] = row.clone();
      } else if (copy[i] instanceof double[][] matrix) {
        double[][] m = new double[matrix.length][];
        for (int r = 0; r < m.length; r++) {
          m[r] = matrix[r].clone();
        }
        copy[i] = m;
      } else if (copy[i] instanceof int[] ints) {
        copy[i] = ints.clone();
      } else if (copy[i] instanceof boolean[] flags) {
        copy[i] = flags.clone();
      }
    }
    return copy;
  }

  /** Calls {@code <Class>Grad.<method>Pullback(args, seed, buffer)}. */
  public double pullback(String className, String method, double seed, double[] buffer,
      Object... args) {
    Object[] all = new Object[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = seed;
    all[args.length + 1] = buffer;
    return (double) invoke(load(gradClassName(className)), method + "Pullback", all);
  }

  public static String gradClassName(String className) {
    int dot = className.lastIndexOf('.');
    return className.substring(0, dot + 1) + className.substring(dot + 1).replace('$', '_')
        + "Grad";
  }

  /** The value and partial derivatives a generated gradient method returned. */
  public record Gradient(double value, double[] partials, List<String> names) {}

  private static Object invoke(Class<?> type, String name, Object[] args) {
    for (Method m : type.getDeclaredMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == args.length
          && accepts(m, args)) {
        try {
          m.setAccessible(true);
          return m.invoke(null, args);
        } catch (InvocationTargetException e) {
          throw new AssertionError("call to " + name + " threw " + e.getCause(), e.getCause());
        } catch (IllegalAccessException | IllegalArgumentException e) {
          throw new AssertionError(e);
        }
      }
    }
    throw new AssertionError("no method " + name + " with " + args.length + " parameters in "
        + type);
  }

  /** Whether {@code m} takes {@code args}: overloads differ by type (records or components). */
  private static boolean accepts(Method m, Object[] args) {
    Class<?>[] types = m.getParameterTypes();
    for (int i = 0; i < args.length; i++) {
      Class<?> type = types[i].isPrimitive()
          ? java.lang.invoke.MethodType.methodType(types[i]).wrap().returnType() : types[i];
      if (args[i] != null && !type.isInstance(args[i])) {
        return false;
      }
    }
    return true;
  }

  private static File runtimeClasspath() {
    try {
      return new File(Differentiable.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String content(JavaFileObject file) {
    try {
      return file.getCharContent(true).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String generatedSourcesForDebugging(Compilation compilation) {
    if (compilation.status() != Compilation.Status.SUCCESS) {
      return ""; // Compile Testing keeps generated files only for successful compilations
    }
    return compilation.generatedSourceFiles().stream()
        .map(f -> "\n---- generated " + f.getName() + "\n" + content(f))
        .collect(Collectors.joining());
  }

  /** Loads the class files javac wrote into memory. */
  private static final class GeneratedClassLoader extends ClassLoader {
    private final Map<String, JavaFileObject> classes = new HashMap<>();

    GeneratedClassLoader(Compilation compilation) {
      super(Compiled.class.getClassLoader());
      for (JavaFileObject file : compilation.generatedFiles()) {
        if (file.getKind() == JavaFileObject.Kind.CLASS) {
          String path = file.toUri().getPath();
          String name = path.substring(path.indexOf("CLASS_OUTPUT/") + "CLASS_OUTPUT/".length(),
              path.length() - ".class".length()).replace('/', '.');
          classes.put(name, file);
        }
      }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      JavaFileObject file = classes.get(name);
      if (file == null) {
        throw new ClassNotFoundException(name);
      }
      try (InputStream in = file.openInputStream()) {
        byte[] bytes = in.readAllBytes();
        return defineClass(name, bytes, 0, bytes.length);
      } catch (IOException e) {
        throw new ClassNotFoundException(name, e);
      }
    }
  }

}
