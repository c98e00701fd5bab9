package dev.adjoint.processor.oracle;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.LabeledStatementTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.tree.YieldTree;
import com.sun.source.util.JavacTask;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import javax.lang.model.element.Modifier;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.lang.reflect.Array;
import org.hipparchus.analysis.differentiation.DSFactory;
import org.hipparchus.analysis.differentiation.Derivative;
import org.hipparchus.analysis.differentiation.DerivativeStructure;
import org.hipparchus.analysis.differentiation.Gradient;

/**
 * Independent test oracle: interprets a subset of Java source (parsed with the javac Tree API,
 * never attributed) over Hipparchus forward-mode {@link Gradient}s. It shares no code with the
 * Adjoint processor.
 *
 * <p>Values are carried dynamically: {@link Gradient} for {@code double}, {@link Integer},
 * {@link Long} and {@link Boolean} for the rest, and Java arrays for arrays ({@code Gradient[]}
 * for {@code double[]}, {@code Gradient[][]} for {@code double[][]}, {@code int[]},
 * {@code boolean[]}), so arrays have Java's reference semantics (aliasing, shallow
 * {@code clone()} of rows, bounds checks) for free; declared types drive the conversions. Every
 * double value is reset to exactly what the JDK computes ({@code withValue(Math.f(v))}), so
 * values and branch decisions match the compiled method bit for bit while Hipparchus supplies
 * the derivatives.
 *
 * <p>Statements: blocks, local declarations ({@code var} too), expression statements, if/else,
 * return, {@code for} (several inits and updates), enhanced {@code for} over arrays,
 * {@code while}, {@code do}/{@code while}, {@code break} and {@code continue} (labeled too),
 * labeled statements, and {@code switch} over {@code int} values (statements with fall-through,
 * and expressions with {@code yield}; constant labels only). More than {@link #MAX_ITERATIONS} loop iterations in one evaluation
 * throw, so an infinite loop cannot hang a test.
 *
 * <p>Calls: static methods of the same class, unqualified or qualified with the class's simple
 * or qualified name, are interpreted from their bodies in a fresh frame (recursion and
 * {@code void} helpers too), with Java's argument passing: {@code double}s as Gradients carrying
 * the entry method's free variables, arrays by reference. Overloads are resolved by arity and
 * the arguments' static types, as javac does for primitives and arrays (most specific method).
 * Annotations on callees ({@code @Differentiable(wrt)}, {@code @CustomGradient}) are ignored:
 * every callee is differentiated from its body, which is what makes the oracle an independent
 * check of a hand-written pullback. The gates of {@code dev.adjoint.Gates} are evaluated from
 * their mathematical definitions; see {@link #gate}. More than {@link #MAX_CALL_DEPTH} nested
 * calls throw, so infinite recursion fails cleanly.
 */
public final class HipparchusOracle<D extends Derivative<D>> {

  /** Value of the method and its gradient with respect to the differentiated parameters. */
  public record Result(double value, double[] gradient) {}

  /** Value, gradient and Hessian with respect to the differentiated parameters, flattened. */
  public record SecondOrder(double value, double[] gradient, double[][] hessian) {}

  /**
   * How the interpreter makes and reads its numbers: {@link Gradient}s (first order) or
   * {@link DerivativeStructure}s of order 2, over {@code free} variables.
   */
  private interface Numbers<D extends Derivative<D>> {
    Class<D> type();

    D constant(double value);

    D variable(int index, double value);

    /** {@code base^exponent} for a constant base. */
    D pow(double base, D exponent);

    boolean isConstant(D x);
  }

  private static Numbers<Gradient> gradients(int free) {
    return new Numbers<>() {
      @Override
      public Class<Gradient> type() {
        return Gradient.class;
      }

      @Override
      public Gradient constant(double value) {
        return Gradient.constant(free, value);
      }

      @Override
      public Gradient variable(int index, double value) {
        return Gradient.variable(free, index, value);
      }

      @Override
      public Gradient pow(double base, Gradient exponent) {
        return Gradient.pow(base, exponent);
      }

      @Override
      public boolean isConstant(Gradient x) {
        return Arrays.stream(x.getGradient()).allMatch(d -> d == 0);
      }
    };
  }

  private static Numbers<DerivativeStructure> structures(int free) {
    DSFactory factory = new DSFactory(free, 2);
    return new Numbers<>() {
      @Override
      public Class<DerivativeStructure> type() {
        return DerivativeStructure.class;
      }

      @Override
      public DerivativeStructure constant(double value) {
        return factory.constant(value);
      }

      @Override
      public DerivativeStructure variable(int index, double value) {
        return factory.variable(index, value);
      }

      @Override
      public DerivativeStructure pow(double base, DerivativeStructure exponent) {
        return DerivativeStructure.pow(base, exponent);
      }

      @Override
      public boolean isConstant(DerivativeStructure x) {
        double[] all = x.getAllDerivatives();
        return Arrays.stream(all, 1, all.length).allMatch(d -> d == 0);
      }
    };
  }

  /** Loop iterations (summed over all loops) after which an evaluation gives up. */
  public static final long MAX_ITERATIONS = 10_000_000L;

  /** Nested calls after which an evaluation gives up (infinite recursion). */
  public static final int MAX_CALL_DEPTH = 2_000;

  /** The stack of the evaluating thread: deep enough for {@link #MAX_CALL_DEPTH} calls. */
  private static final long STACK_BYTES = 256L << 20;

  /**
   * Static types of the supported subset. The numeric types come first, in promotion order
   * (see {@link #promote}).
   */
  private enum T {
    DOUBLE, LONG, INT, BOOLEAN, DOUBLE_ARRAY, DOUBLE_MATRIX, INT_ARRAY, BOOLEAN_ARRAY,
    /** {@code double[][][]}: data only, never differentiated. */
    DOUBLE_TENSOR;

    boolean numeric() {
      return this == DOUBLE || this == LONG || this == INT;
    }

    boolean array() {
      return this == DOUBLE_ARRAY || this == DOUBLE_MATRIX || this == INT_ARRAY
          || this == BOOLEAN_ARRAY || this == DOUBLE_TENSOR;
    }

    /** The element type of an array type. */
    T element() {
      switch (this) {
        case DOUBLE_ARRAY: return DOUBLE;
        case DOUBLE_MATRIX: return DOUBLE_ARRAY;
        case DOUBLE_TENSOR: return DOUBLE_MATRIX;
        case INT_ARRAY: return INT;
        case BOOLEAN_ARRAY: return BOOLEAN;
        default: throw new IllegalStateException("not an array type: " + this);
      }
    }

    /** The array type with elements of this type, or null if outside the subset. */
    T arrayOf() {
      switch (this) {
        case DOUBLE: return DOUBLE_ARRAY;
        case DOUBLE_ARRAY: return DOUBLE_MATRIX;
        case DOUBLE_MATRIX: return DOUBLE_TENSOR;
        case INT: return INT_ARRAY;
        case BOOLEAN: return BOOLEAN_ARRAY;
        default: return null;
      }
    }
  }

  private static final String GATES_PACKAGE = "dev.adjoint";
  private static final String GATES = GATES_PACKAGE + ".Gates";
  private static final String VECTORS = GATES_PACKAGE + ".Vectors";

  /** Marks a declared variable that has not been assigned yet (null is a valid array value). */
  private static final Object UNSET = new Object();

  /** The result of a call to a {@code void} method (and of {@code return;}). */
  private static final Object VOID = new Object();

  /** Something that can be assigned: a variable or an array element. */
  private interface Place {
    T type();

    Object get();

    void set(Object value);
  }

  /** A typed variable slot (parameter, local or constant). */
  private static final class Var implements Place {
    final T type;
    Object value;

    Var(T type, Object value) {
      this.type = type;
      this.value = value;
    }

    @Override
    public T type() {
      return type;
    }

    @Override
    public Object get() {
      return value;
    }

    @Override
    public void set(Object v) {
      value = v;
    }
  }

  /**
   * An array element: array and index are evaluated when the place is formed, the bounds (and
   * null) check happens on access, as in Java (JLS 15.26.1, 15.26.2).
   */
  private final class Element implements Place {
    final Object array;
    final int index;

    Element(Object array, int index) {
      this.array = array;
      this.index = index;
    }

    @Override
    public T type() {
      if (array == null) {
        throw new NullPointerException("array is null");
      }
      return typeOfValue(array).element();
    }

    @Override
    public Object get() {
      if (isRow(array)) return row(array)[index];
      if (isMatrix(array)) return matrix(array)[index];
      if (isTensor(array)) return tensor(array)[index];
      if (array instanceof int[] k) return k[index];
      if (array instanceof boolean[] b) return b[index];
      throw nullOrNotArray(array);
    }

    @Override
    public void set(Object value) {
      if (isRow(array)) {
        row(array)[index] = number(value);
      } else if (isMatrix(array)) {
        matrix(array)[index] = row(value);
      } else if (isTensor(array)) {
        tensor(array)[index] = matrix(value);
      } else if (array instanceof int[] k) {
        k[index] = (Integer) value;
      } else if (array instanceof boolean[] b) {
        b[index] = (Boolean) value;
      } else {
        throw nullOrNotArray(array);
      }
    }
  }

  /**
   * How a statement completed. BREAK and CONTINUE carry their label (or null) in
   * {@link #jumpLabel}, YIELD its value in {@link #yielded}.
   */
  private enum Flow { NORMAL, RETURN, BREAK, CONTINUE, YIELD }

  /** The parsed source: its compilation unit and first top-level class. */
  private record Parsed(CompilationUnitTree unit, ClassTree clazz) {}

  private final ClassTree clazz;
  /** The class's qualified name ({@code demo.Layers}), or its simple name without a package. */
  private final String qualifiedName;
  private final Numbers<D> numbers;
  private final Map<String, VariableTree> constantDecls = new HashMap<>();
  private final Map<String, Var> constants = new HashMap<>();
  private final Set<String> evaluatingConstants = new HashSet<>();
  /** The class's methods by name (static or not: any of them hides a static import). */
  private final Map<String, List<MethodTree>> methods = new HashMap<>();
  /** Whether {@code Gates} names {@code dev.adjoint.Gates}. */
  private final boolean gatesImported;
  /** Whether {@code Vectors} names {@code dev.adjoint.Vectors}. */
  private final boolean vectorsImported;
  /** Gate names imported statically ({@code "*"} for all). */
  private final Set<String> staticGates = new HashSet<>();
  /** The local scopes of the method being interpreted (a fresh stack per call). */
  private Deque<Map<String, Var>> scopes = new ArrayDeque<>();
  private Object returned;
  private String jumpLabel;
  private Object yielded;
  private long iterations;
  private int depth;

  private HipparchusOracle(Parsed parsed, Numbers<D> numbers) {
    this.clazz = parsed.clazz();
    this.numbers = numbers;
    String simpleName = clazz.getSimpleName().toString();
    String pkg = parsed.unit().getPackageName() == null ? ""
        : parsed.unit().getPackageName().toString();
    this.qualifiedName = pkg.isEmpty() ? simpleName : pkg + "." + simpleName;
    for (Tree member : clazz.getMembers()) {
      if (member instanceof VariableTree v
          && v.getModifiers().getFlags().containsAll(Set.of(Modifier.STATIC, Modifier.FINAL))
          && v.getInitializer() != null) {
        constantDecls.put(v.getName().toString(), v);
      } else if (member instanceof MethodTree m) {
        methods.computeIfAbsent(m.getName().toString(), k -> new ArrayList<>()).add(m);
      }
    }
    boolean gates = pkg.equals(GATES_PACKAGE);
    boolean vectors = pkg.equals(GATES_PACKAGE);
    for (ImportTree i : parsed.unit().getImports()) {
      String name = i.getQualifiedIdentifier().toString();
      if (i.isStatic()) {
        if (name.startsWith(GATES + ".")) {
          staticGates.add(name.substring(GATES.length() + 1));
        }
      } else if (name.equals(GATES) || name.equals(GATES_PACKAGE + ".*")) {
        gates = true;
      }
      vectors |= !i.isStatic() && (name.equals(VECTORS) || name.equals(GATES_PACKAGE + ".*"));
    }
    this.gatesImported = gates && !simpleName.equals("Gates");
    this.vectorsImported = vectors && !simpleName.equals("Vectors");
  }

  /**
   * Evaluates static method {@code methodName} of the single top-level class in {@code source}
   * at {@code args} (boxed: Double, Integer, Long, Boolean; arrays as {@code double[]},
   * {@code double[][]} or {@code int[]}), differentiating with respect to every {@code double},
   * {@code double[]} and {@code double[][]} parameter, or the ones named by
   * {@code @Differentiable(wrt = ...)}. The gradient is flattened: parameters in declaration
   * order, each array row-major (one entry per element). The caller's arrays are copied on
   * entry and never modified.
   */
  public static Result evaluate(String source, String methodName, Object... args) {
    return onBigStack(() -> {
      Entry entry = entry(source, methodName, args);
      Gradient result = entry.scalar(gradients(entry.free()), args);
      return new Result(result.getValue(), result.getGradient());
    });
  }

  /**
   * As {@link #evaluate}, with second derivatives: interprets the method over Hipparchus
   * {@link DerivativeStructure}s of order 2 and returns its value, gradient and Hessian over the
   * same flattened inputs.
   */
  public static SecondOrder hessian(String source, String methodName, Object... args) {
    return onBigStack(() -> {
      Entry entry = entry(source, methodName, args);
      DerivativeStructure result = entry.scalar(structures(entry.free()), args);
      int n = entry.free();
      double[] gradient = new double[n];
      double[][] hessian = new double[n][n];
      int[] orders = new int[n];
      for (int i = 0; i < n; i++) {
        orders[i]++;
        gradient[i] = result.getPartialDerivative(orders);
        for (int j = 0; j < n; j++) {
          orders[j]++;
          hessian[i][j] = result.getPartialDerivative(orders);
          orders[j]--;
        }
        orders[i]--;
      }
      return new SecondOrder(result.getValue(), gradient, hessian);
    });
  }

  /** Runs {@code work} on a thread of its own, so deep recursion in the source fits. */
  private static <R> R onBigStack(java.util.function.Supplier<R> work) {
    List<R> result = new ArrayList<>();
    RuntimeException[] failure = new RuntimeException[1];
    Error[] error = new Error[1];
    Thread thread = new Thread(null, () -> {
      try {
        result.add(work.get());
      } catch (RuntimeException e) {
        failure[0] = e;
      } catch (Error e) {
        error[0] = e;
      }
    }, "hipparchus-oracle", STACK_BYTES);
    thread.start();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    if (error[0] != null) {
      throw error[0];
    }
    return result.get(0);
  }

  /** Value and Jacobian (a row per output) of a method returning {@code double[]}. */
  public record Jacobian(double[] value, double[][] jacobian) {}

  /**
   * As {@link #evaluate}, for a method returning {@code double[]} (or {@code double[][]}, its
   * elements row by row): its value and Jacobian, {@code jacobian[k]} the gradient of output k
   * over the same flattened inputs.
   */
  public static Jacobian jacobian(String source, String methodName, Object... args) {
    return onBigStack(() -> {
      Entry entry = entry(source, methodName, args);
      Object result = entry.run(gradients(entry.free()), args);
      if (result instanceof Object[] matrix && !(result instanceof Gradient[])) {
        // a double[][]: its elements row by row
        List<Gradient> elements = new ArrayList<>();
        for (Object row : matrix) {
          elements.addAll(java.util.Arrays.asList((Gradient[]) row));
        }
        result = elements.toArray(new Gradient[0]);
      }
      if (!(result instanceof Gradient[] outputs)) {
        throw new IllegalStateException(methodName + " returned " + result + ", not a double[]");
      }
      double[] value = new double[outputs.length];
      double[][] rows = new double[outputs.length][];
      for (int k = 0; k < outputs.length; k++) {
        value[k] = outputs[k].getValue();
        rows[k] = outputs[k].getGradient();
      }
      return new Jacobian(value, rows);
    });
  }

  /** The entry method, which of its parameters are differentiated, and how many inputs that is. */
  private record Entry(Parsed parsed, MethodTree method, boolean[] differentiated, int free) {
    /** Interprets a method returning a number. */
    <D extends Derivative<D>> D scalar(Numbers<D> numbers, Object[] args) {
      HipparchusOracle<D> oracle = new HipparchusOracle<>(parsed, numbers);
      return oracle.toNumber(run(oracle, args));
    }

    /** Interprets the method at {@code args} with {@code numbers}: what it returns. */
    <D extends Derivative<D>> Object run(Numbers<D> numbers, Object[] args) {
      return run(new HipparchusOracle<>(parsed, numbers), args);
    }

    private <D extends Derivative<D>> Object run(HipparchusOracle<D> oracle, Object[] args) {
      List<? extends VariableTree> params = method.getParameters();
      List<Object> values = new ArrayList<>();
      int[] next = {0}; // the next free variable
      for (int i = 0; i < params.size(); i++) {
        T type = typeOf(params.get(i).getType());
        values.add(oracle.argument(args[i], type, differentiated[i], next));
      }
      return oracle.invoke(method, values);
    }
  }

  private static Entry entry(String source, String methodName, Object... args) {
    Parsed parsed = parseClass(source);
    MethodTree method = entryMethod(parsed.clazz(), methodName, args);
    List<? extends VariableTree> params = method.getParameters();
    Set<String> wrt = wrtNames(method);
    boolean[] differentiated = new boolean[params.size()];
    int free = 0;
    for (int i = 0; i < params.size(); i++) {
      String name = params.get(i).getName().toString();
      T type = typeOf(params.get(i).getType());
      boolean differentiable =
          type == T.DOUBLE || type == T.DOUBLE_ARRAY || type == T.DOUBLE_MATRIX;
      boolean wanted = wrt == null ? differentiable : wrt.remove(name);
      if (wanted && !isNoDerivative(params.get(i))) {
        if (!differentiable) {
          throw new IllegalArgumentException("wrt names non-double parameter " + name);
        }
        differentiated[i] = true;
        free += entries(args[i], type, name);
      }
    }
    if (wrt != null && !wrt.isEmpty()) {
      throw new IllegalArgumentException("wrt names unknown parameters " + wrt);
    }
    T returnType = returnType(method);
    if (returnType == null || !returnType.numeric() && returnType != T.DOUBLE_ARRAY
        && returnType != T.DOUBLE_MATRIX) {
      throw new UnsupportedOperationException(returnType + " return type of " + methodName);
    }
    return new Entry(parsed, method, differentiated, free);
  }

  /**
   * The static method {@code name} with one parameter per argument: the first whose parameter
   * types fit the arguments' classes exactly, else the first with that many parameters.
   */
  private static MethodTree entryMethod(ClassTree clazz, String name, Object[] args) {
    MethodTree first = null;
    for (Tree member : clazz.getMembers()) {
      if (member instanceof MethodTree m
          && m.getName().contentEquals(name)
          && m.getModifiers().getFlags().contains(Modifier.STATIC)
          && m.getParameters().size() == args.length) {
        if (first == null) {
          first = m;
        }
        boolean exact = true;
        for (int i = 0; i < args.length && exact; i++) {
          exact = fits(args[i], typeOrNull(m.getParameters().get(i).getType()));
        }
        if (exact) {
          return m;
        }
      }
    }
    if (first == null) {
      throw new IllegalArgumentException(
          "no static method " + name + " with " + args.length + " parameters");
    }
    return first;
  }

  /** Whether boxed argument {@code arg} has exactly the Java type {@code type}. */
  private static boolean fits(Object arg, T type) {
    if (type == null) {
      return false;
    }
    switch (type) {
      case DOUBLE: return arg instanceof Double;
      case LONG: return arg instanceof Long;
      case INT: return arg instanceof Integer;
      case BOOLEAN: return arg instanceof Boolean;
      case DOUBLE_ARRAY: return arg == null || arg instanceof double[];
      case DOUBLE_MATRIX: return arg == null || arg instanceof double[][];
      case DOUBLE_TENSOR: return arg == null || arg instanceof double[][][];
      case BOOLEAN_ARRAY: return arg == null || arg instanceof boolean[];
      default: return arg == null || arg instanceof int[];
    }
  }

  /** The number of differentiated entries of a double, double[] or double[][] argument. */
  private static int entries(Object arg, T type, String name) {
    switch (type) {
      case DOUBLE:
        if (!(arg instanceof Number)) {
          throw new IllegalArgumentException("argument " + name + " is not a number: " + arg);
        }
        return 1;
      case DOUBLE_ARRAY:
        if (!(arg instanceof double[] a)) {
          throw new IllegalArgumentException("argument " + name + " is not a double[]: " + arg);
        }
        return a.length;
      default: {
        if (!(arg instanceof double[][] m)) {
          throw new IllegalArgumentException(
              "argument " + name + " is not a double[][]: " + arg);
        }
        int n = 0;
        for (double[] row : m) {
          if (row == null) {
            throw new IllegalArgumentException("argument " + name + " has a null row");
          }
          n += row.length;
        }
        return n;
      }
    }
  }

  /**
   * The interpreter's copy of argument {@code arg}: differentiated entries become the free
   * variables {@code next[0]}, {@code next[0] + 1}, ... in row-major order.
   */
  private Object argument(Object arg, T type, boolean differentiated, int[] next) {
    switch (type) {
      case DOUBLE:
        return scalar(((Number) arg).doubleValue(), differentiated, next);
      case LONG:
        return ((Number) arg).longValue();
      case INT:
        return (Integer) arg;
      case BOOLEAN:
        return (Boolean) arg;
      case INT_ARRAY:
        return arg == null ? null : ((int[]) arg).clone();
      case BOOLEAN_ARRAY:
        return arg == null ? null : ((boolean[]) arg).clone();
      case DOUBLE_ARRAY:
        return arg == null ? null : row((double[]) arg, differentiated, next);
      case DOUBLE_TENSOR: {
        if (arg == null) {
          return null;
        }
        double[][][] t = (double[][][]) arg;
        D[][][] copy = newTensor(t.length);
        for (int i = 0; i < t.length; i++) {
          copy[i] = t[i] == null ? null : matrix(argument(t[i], T.DOUBLE_MATRIX, false, next));
        }
        return copy;
      }
      default: {
        if (arg == null) {
          return null;
        }
        double[][] m = (double[][]) arg;
        D[][] copy = newMatrix(m.length);
        for (int r = 0; r < m.length; r++) {
          copy[r] = m[r] == null ? null : row(m[r], differentiated, next);
        }
        return copy;
      }
    }
  }

  private D[] row(double[] values, boolean differentiated, int[] next) {
    D[] row = newRow(values.length);
    for (int k = 0; k < values.length; k++) {
      row[k] = scalar(values[k], differentiated, next);
    }
    return row;
  }

  private D scalar(double value, boolean differentiated, int[] next) {
    return differentiated ? numbers.variable(next[0]++, value)
        : numbers.constant(value);
  }

  // ---------------------------------------------------------------- parsing and declarations

  private static Parsed parseClass(String source) {
    URI uri = URI.create("string:///OracleInput.java");
    JavaFileObject file = new SimpleJavaFileObject(uri, JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavacTask task = (JavacTask) ToolProvider.getSystemJavaCompiler()
        .getTask(null, null, diagnostics, List.of("-proc:none"), null, List.of(file));
    Iterable<? extends CompilationUnitTree> units;
    try {
      units = task.parse();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        throw new IllegalArgumentException("syntax error at line " + d.getLineNumber() + ": "
            + d.getMessage(null));
      }
    }
    for (CompilationUnitTree unit : units) {
      for (Tree type : unit.getTypeDecls()) {
        if (type instanceof ClassTree c) {
          return new Parsed(unit, c);
        }
      }
    }
    throw new IllegalArgumentException("no top-level class in source");
  }

  /** Whether {@code param} is marked {@code @NoDerivative}: a constant, as an int is. */
  private static boolean isNoDerivative(VariableTree param) {
    return param.getModifiers().getAnnotations().stream()
        .map(a -> a.getAnnotationType().toString())
        .anyMatch(n -> n.equals("NoDerivative") || n.equals("dev.adjoint.NoDerivative"));
  }

  /** The names in {@code @Differentiable(wrt = ...)}, or null if every double is differentiated. */
  private static Set<String> wrtNames(MethodTree method) {
    for (AnnotationTree a : method.getModifiers().getAnnotations()) {
      String name = a.getAnnotationType().toString();
      if (!name.equals("Differentiable") && !name.endsWith(".Differentiable")) {
        continue;
      }
      for (ExpressionTree arg : a.getArguments()) {
        if (arg instanceof AssignmentTree as && as.getVariable().toString().equals("wrt")) {
          Set<String> names = new HashSet<>();
          List<? extends ExpressionTree> values = as.getExpression() instanceof NewArrayTree array
              ? array.getInitializers() : List.of(as.getExpression());
          for (ExpressionTree v : values) {
            if (!(v instanceof LiteralTree literal
                && literal.getValue() instanceof String element)) {
              throw unsupported(v, "wrt element");
            }
            names.add(element);
          }
          return names.isEmpty() ? null : names;
        }
      }
    }
    return null;
  }

  private static T typeOf(Tree type) {
    if (type instanceof ArrayTypeTree a) {
      T array = typeOf(a.getType()).arrayOf();
      if (array == null) {
        throw unsupported(type, "array type");
      }
      return array;
    }
    if (type instanceof PrimitiveTypeTree p) {
      switch (p.getPrimitiveTypeKind()) {
        case DOUBLE: return T.DOUBLE;
        case INT: return T.INT;
        case LONG: return T.LONG;
        case BOOLEAN: return T.BOOLEAN;
        default: break;
      }
    }
    throw unsupported(type, "type");
  }

  /** {@link #typeOf}, or null for a type outside the subset. */
  private static T typeOrNull(Tree type) {
    try {
      return typeOf(type);
    } catch (UnsupportedOperationException e) {
      return null;
    }
  }

  private static boolean isVoid(MethodTree m) {
    return m.getReturnType() instanceof PrimitiveTypeTree p
        && p.getPrimitiveTypeKind() == javax.lang.model.type.TypeKind.VOID;
  }

  /** The declared return type of {@code m}; null for {@code void}. */
  private static T returnType(MethodTree m) {
    return isVoid(m) ? null : typeOf(m.getReturnType());
  }

  private static UnsupportedOperationException unsupported(Tree tree, String what) {
    return new UnsupportedOperationException(
        "unsupported " + what + " " + tree.getKind() + ": " + tree);
  }

  // ---------------------------------------------------------------- statements

  private Flow exec(StatementTree s) {
    return exec(s, null);
  }

  /** Executes {@code s}; {@code label} is the label of a loop directly labeled, else null. */
  private Flow exec(StatementTree s, String label) {
    switch (s.getKind()) {
      case BLOCK: {
        scopes.push(new HashMap<>());
        try {
          for (StatementTree inner : ((BlockTree) s).getStatements()) {
            Flow flow = exec(inner);
            if (flow != Flow.NORMAL) {
              return flow;
            }
          }
          return Flow.NORMAL;
        } finally {
          scopes.pop();
        }
      }
      case VARIABLE: {
        VariableTree v = (VariableTree) s;
        ExpressionTree init = v.getInitializer();
        boolean inferred = isVar(v);
        T type = inferred ? null : typeOf(v.getType());
        Object value = init == null ? UNSET : evalInitializer(init, type);
        if (inferred) {
          type = typeOfValue(value);
        }
        Object converted = value == UNSET ? UNSET : convert(value, type);
        scopes.peek().put(v.getName().toString(), new Var(type, converted));
        return Flow.NORMAL;
      }
      case EXPRESSION_STATEMENT: {
        ExpressionTree e = ((ExpressionStatementTree) s).getExpression();
        if (e instanceof MethodInvocationTree call) {
          call(call); // a void method, or a value discarded
        } else {
          eval(e);
        }
        return Flow.NORMAL;
      }
      case IF: {
        IfTree i = (IfTree) s;
        if ((Boolean) eval(i.getCondition())) {
          return exec(i.getThenStatement());
        }
        return i.getElseStatement() == null ? Flow.NORMAL : exec(i.getElseStatement());
      }
      case RETURN: {
        ExpressionTree e = ((ReturnTree) s).getExpression();
        returned = e == null ? VOID : eval(e);
        return Flow.RETURN;
      }
      case EMPTY_STATEMENT:
        return Flow.NORMAL;
      case LABELED_STATEMENT: {
        LabeledStatementTree l = (LabeledStatementTree) s;
        String name = l.getLabel().toString();
        Flow flow = exec(l.getStatement(), name);
        if (flow == Flow.BREAK && name.equals(jumpLabel)) {
          jumpLabel = null;
          return Flow.NORMAL;
        }
        return flow;
      }
      case BREAK: {
        javax.lang.model.element.Name target = ((BreakTree) s).getLabel();
        jumpLabel = target == null ? null : target.toString();
        return Flow.BREAK;
      }
      case CONTINUE: {
        javax.lang.model.element.Name target = ((ContinueTree) s).getLabel();
        jumpLabel = target == null ? null : target.toString();
        return Flow.CONTINUE;
      }
      case SWITCH:
        return switchStatement((SwitchTree) s);
      case YIELD:
        yielded = eval(((YieldTree) s).getValue());
        return Flow.YIELD;
      case FOR_LOOP:
        return forLoop((ForLoopTree) s, label);
      case ENHANCED_FOR_LOOP:
        return enhancedFor((EnhancedForLoopTree) s, label);
      case WHILE_LOOP: {
        WhileLoopTree w = (WhileLoopTree) s;
        while ((Boolean) eval(w.getCondition())) {
          tick();
          Flow flow = exec(w.getStatement());
          Flow exit = loopExit(flow, label);
          if (exit != null) {
            return exit;
          }
        }
        return Flow.NORMAL;
      }
      case DO_WHILE_LOOP: {
        DoWhileLoopTree d = (DoWhileLoopTree) s;
        do {
          tick();
          Flow flow = exec(d.getStatement());
          Flow exit = loopExit(flow, label);
          if (exit != null) {
            return exit;
          }
        } while ((Boolean) eval(d.getCondition())); // continue jumps here, to the condition
        return Flow.NORMAL;
      }
      default:
        throw unsupported(s, "statement");
    }
  }

  /**
   * JLS 14.11.3: the case whose label equals the selector, else {@code default}; from there the
   * statements of each group in turn (fall-through) until a break, or one rule's body.
   */
  private Flow switchStatement(SwitchTree s) {
    List<? extends CaseTree> cases = s.getCases();
    int first = selectCase(eval(s.getExpression()), cases);
    scopes.push(new HashMap<>()); // the switch block: one scope for all groups
    try {
      declareSkipped(cases, first);
      for (int i = Math.max(first, 0); first >= 0 && i < cases.size(); i++) {
        CaseTree c = cases.get(i);
        Flow flow = Flow.NORMAL;
        if (c.getCaseKind() == CaseTree.CaseKind.RULE) {
          flow = exec((StatementTree) c.getBody());
        } else {
          for (StatementTree inner : c.getStatements()) {
            flow = exec(inner);
            if (flow != Flow.NORMAL) {
              break;
            }
          }
        }
        if (flow == Flow.BREAK && jumpLabel == null) {
          return Flow.NORMAL;
        }
        if (flow != Flow.NORMAL || c.getCaseKind() == CaseTree.CaseKind.RULE) {
          return flow;
        }
      }
      return Flow.NORMAL;
    } finally {
      scopes.pop();
    }
  }

  /** A local declared in a group before the selected one is in scope, not yet assigned. */
  private void declareSkipped(List<? extends CaseTree> cases, int first) {
    for (int i = 0; i < first; i++) {
      List<? extends StatementTree> skipped = cases.get(i).getStatements();
      for (StatementTree declaration : skipped == null ? List.<StatementTree>of() : skipped) {
        if (declaration instanceof VariableTree v && !isVar(v)) {
          scopes.peek().put(v.getName().toString(), new Var(typeOf(v.getType()), UNSET));
        }
      }
    }
  }

  /** A switch expression: the value of the selected rule, or what its statements yield. */
  private Object switchExpression(SwitchExpressionTree s) {
    List<? extends CaseTree> cases = s.getCases();
    int first = selectCase(eval(s.getExpression()), cases);
    if (first < 0) {
      throw new IllegalStateException("no case matches in " + s);
    }
    scopes.push(new HashMap<>());
    try {
      declareSkipped(cases, first);
      for (int i = first; i < cases.size(); i++) {
        CaseTree c = cases.get(i);
        if (c.getCaseKind() == CaseTree.CaseKind.RULE) {
          if (c.getBody() instanceof ExpressionTree value) {
            return promoted(eval(value), s);
          }
          if (exec((StatementTree) c.getBody()) == Flow.YIELD) {
            return promoted(yielded, s);
          }
          throw unsupported(c, "case completing without a value");
        }
        for (StatementTree inner : c.getStatements()) {
          Flow flow = exec(inner);
          if (flow == Flow.YIELD) {
            return promoted(yielded, s);
          }
          if (flow != Flow.NORMAL) {
            throw unsupported(inner, "jump out of a switch expression");
          }
        }
      }
      throw unsupported(s, "switch expression completing without a value");
    } finally {
      scopes.pop();
    }
  }

  private Object promoted(Object value, SwitchExpressionTree s) {
    T type = switchType(s);
    return type == null ? value : convert(value, type);
  }

  /** The index of the case for {@code selector}: its constant label, else default, else -1. */
  private int selectCase(Object selector, List<? extends CaseTree> cases) {
    if (!(selector instanceof Integer k)) {
      throw new UnsupportedOperationException("unsupported switch selector value " + selector);
    }
    int otherwise = -1;
    for (int i = 0; i < cases.size(); i++) {
      CaseTree c = cases.get(i);
      if (c.getExpressions().isEmpty()) {
        otherwise = i;
      }
      for (ExpressionTree label : c.getExpressions()) {
        if (eval(label) instanceof Integer constant && constant.intValue() == k) {
          return i;
        }
      }
    }
    return otherwise;
  }

  /**
   * JLS 15.28.1: a switch expression's values are promoted to one type, known from its rules'
   * expressions and the last yield of each block; null if one of those reads a local of its
   * block (then each value keeps its own type, which an assignment converts).
   */
  private T switchType(SwitchExpressionTree s) {
    T type = null;
    boolean first = true;
    for (CaseTree c : s.getCases()) {
      ExpressionTree value = null;
      if (c.getCaseKind() == CaseTree.CaseKind.RULE && c.getBody() instanceof ExpressionTree e) {
        value = e;
      } else {
        List<? extends StatementTree> statements = c.getCaseKind() == CaseTree.CaseKind.RULE
            ? (c.getBody() instanceof BlockTree b ? b.getStatements() : List.of())
            : c.getStatements();
        if (!statements.isEmpty()
            && statements.get(statements.size() - 1) instanceof YieldTree y) {
          value = y.getValue();
        }
      }
      if (value == null) {
        continue; // a throw
      }
      T t;
      try {
        t = staticType(value);
      } catch (RuntimeException localsOfTheBlock) {
        return null; // unknown: each value keeps its own type
      }
      type = first ? t : promote(type, t);
      first = false;
    }
    return type;
  }

  private static boolean isVar(VariableTree v) {
    return v.getType() == null // the parser leaves no type tree for 'var'
        || v.getType() instanceof IdentifierTree id && id.getName().contentEquals("var");
  }

  private Flow forLoop(ForLoopTree f, String label) {
    scopes.push(new HashMap<>()); // the scope of the init declarations
    try {
      for (StatementTree init : f.getInitializer()) {
        exec(init);
      }
      while (f.getCondition() == null || (Boolean) eval(f.getCondition())) {
        tick();
        Flow flow = exec(f.getStatement());
        Flow exit = loopExit(flow, label);
        if (exit != null) {
          return exit;
        }
        for (ExpressionStatementTree update : f.getUpdate()) {
          eval(update.getExpression());
        }
      }
      return Flow.NORMAL;
    } finally {
      scopes.pop();
    }
  }

  /**
   * {@code for (T v : array) body}: the array is evaluated once, then element k is read just
   * before iteration k (JLS 14.14.2), so writes to later elements are seen.
   */
  private Flow enhancedFor(EnhancedForLoopTree f, String label) {
    Object array = eval(f.getExpression());
    T arrayType = typeOfValue(array);
    if (!arrayType.array()) {
      throw unsupported(f.getExpression(), "enhanced for over a non-array");
    }
    VariableTree v = f.getVariable();
    T type = isVar(v) ? arrayType.element() : typeOf(v.getType());
    int length = length(array);
    for (int k = 0; k < length; k++) {
      tick();
      Map<String, Var> scope = new HashMap<>();
      scope.put(v.getName().toString(), new Var(type, convert(new Element(array, k).get(), type)));
      scopes.push(scope);
      Flow flow;
      try {
        flow = exec(f.getStatement());
      } finally {
        scopes.pop();
      }
      Flow exit = loopExit(flow, label);
      if (exit != null) {
        return exit;
      }
    }
    return Flow.NORMAL;
  }

  /**
   * How the loop labeled {@code label} (null if unlabeled) continues after its body completed
   * with {@code flow}: null to go on iterating (normal completion, or a continue aimed at this
   * loop), else the completion of the whole loop (NORMAL after a break aimed at it; RETURN, or
   * a labeled jump to an enclosing statement, propagate).
   */
  private Flow loopExit(Flow flow, String label) {
    switch (flow) {
      case NORMAL:
        return null;
      case RETURN:
        return Flow.RETURN;
      default:
        if (jumpLabel == null || jumpLabel.equals(label)) {
          jumpLabel = null;
          return flow == Flow.BREAK ? Flow.NORMAL : null;
        }
        return flow;
    }
  }

  private void tick() {
    if (++iterations > MAX_ITERATIONS) {
      throw new IllegalStateException("more than " + MAX_ITERATIONS + " loop iterations");
    }
  }

  // ---------------------------------------------------------------- expressions

  private Object eval(ExpressionTree e) {
    switch (e.getKind()) {
      case INT_LITERAL:
      case LONG_LITERAL:
      case BOOLEAN_LITERAL:
        return ((LiteralTree) e).getValue();
      case DOUBLE_LITERAL:
        return numbers.constant((Double) ((LiteralTree) e).getValue());
      case NULL_LITERAL:
        return null;
      case PARENTHESIZED:
        return eval(((ParenthesizedTree) e).getExpression());
      case IDENTIFIER:
      case MEMBER_SELECT: {
        if (e instanceof MemberSelectTree m && isLength(m)) {
          return length(eval(m.getExpression()));
        }
        Var v = variable(e);
        if (v.value == UNSET) {
          throw new IllegalStateException("variable " + e + " read before assignment");
        }
        return v.value;
      }
      case ARRAY_ACCESS:
        return place(e).get();
      case NEW_ARRAY:
        return newArray((NewArrayTree) e, null);
      case UNARY_PLUS:
        return eval(((UnaryTree) e).getExpression());
      case UNARY_MINUS:
        return negate(eval(((UnaryTree) e).getExpression()));
      case LOGICAL_COMPLEMENT:
        return !(Boolean) eval(((UnaryTree) e).getExpression());
      case PREFIX_INCREMENT:
      case PREFIX_DECREMENT:
      case POSTFIX_INCREMENT:
      case POSTFIX_DECREMENT: {
        Place p = place(((UnaryTree) e).getExpression());
        Object old = read(p, ((UnaryTree) e).getExpression());
        Tree.Kind k = e.getKind();
        boolean inc = k == Tree.Kind.PREFIX_INCREMENT || k == Tree.Kind.POSTFIX_INCREMENT;
        Object updated = convert(arithmetic(inc ? Tree.Kind.PLUS : Tree.Kind.MINUS, old, 1),
            p.type());
        p.set(updated);
        boolean prefix = k == Tree.Kind.PREFIX_INCREMENT || k == Tree.Kind.PREFIX_DECREMENT;
        return prefix ? updated : old;
      }
      case PLUS:
      case MINUS:
      case MULTIPLY:
      case DIVIDE:
      case REMAINDER: {
        BinaryTree b = (BinaryTree) e;
        return arithmetic(e.getKind(), eval(b.getLeftOperand()), eval(b.getRightOperand()));
      }
      case LESS_THAN:
      case LESS_THAN_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_EQUAL:
      case EQUAL_TO:
      case NOT_EQUAL_TO: {
        BinaryTree b = (BinaryTree) e;
        return compare(e.getKind(), eval(b.getLeftOperand()), eval(b.getRightOperand()));
      }
      case AND:
      case OR:
      case XOR: {
        BinaryTree b = (BinaryTree) e;
        Object left = eval(b.getLeftOperand());
        Object right = eval(b.getRightOperand());
        if (!(left instanceof Boolean l) || !(right instanceof Boolean r)) {
          throw new UnsupportedOperationException("bitwise " + e.getKind() + " on numbers");
        }
        return e.getKind() == Tree.Kind.AND ? l & r : e.getKind() == Tree.Kind.OR ? l | r : l ^ r;
      }
      case CONDITIONAL_AND:
      case CONDITIONAL_OR: {
        BinaryTree b = (BinaryTree) e;
        boolean left = (Boolean) eval(b.getLeftOperand());
        if (left == (e.getKind() == Tree.Kind.CONDITIONAL_OR)) {
          return left; // short circuit: the right operand is not evaluated
        }
        return (Boolean) eval(b.getRightOperand());
      }
      case CONDITIONAL_EXPRESSION: {
        ConditionalExpressionTree c = (ConditionalExpressionTree) e;
        Object chosen = (Boolean) eval(c.getCondition())
            ? eval(c.getTrueExpression()) : eval(c.getFalseExpression());
        return convert(chosen, staticType(e)); // numeric promotion of both branches
      }
      case TYPE_CAST: {
        TypeCastTree c = (TypeCastTree) e;
        return convert(eval(c.getExpression()), typeOf(c.getType()));
      }
      case ASSIGNMENT: {
        AssignmentTree a = (AssignmentTree) e;
        // JLS 15.26.1: array and index first, then the right-hand side, then the bounds check.
        Place p = place(a.getVariable());
        Object value = convert(eval(a.getExpression()), p.type());
        p.set(value);
        return value;
      }
      case PLUS_ASSIGNMENT:
      case MINUS_ASSIGNMENT:
      case MULTIPLY_ASSIGNMENT:
      case DIVIDE_ASSIGNMENT:
      case REMAINDER_ASSIGNMENT: {
        CompoundAssignmentTree a = (CompoundAssignmentTree) e;
        Place p = place(a.getVariable());
        Object old = read(p, a.getVariable()); // an array element is fetched before the rhs
        Object rhs = eval(a.getExpression());
        // JLS 15.26.2: E1 op= E2 is E1 = (T) ((E1) op (E2)), including the narrowing cast.
        Object value = convert(arithmetic(binaryOf(e.getKind()), old, rhs), p.type());
        p.set(value);
        return value;
      }
      case METHOD_INVOCATION: {
        Object v = call((MethodInvocationTree) e);
        if (v == VOID) {
          throw unsupported(e, "value of a void method in");
        }
        return v;
      }
      case SWITCH_EXPRESSION:
        return switchExpression((SwitchExpressionTree) e);
      default:
        throw unsupported(e, "expression");
    }
  }

  private static Tree.Kind binaryOf(Tree.Kind compound) {
    switch (compound) {
      case PLUS_ASSIGNMENT: return Tree.Kind.PLUS;
      case MINUS_ASSIGNMENT: return Tree.Kind.MINUS;
      case MULTIPLY_ASSIGNMENT: return Tree.Kind.MULTIPLY;
      case DIVIDE_ASSIGNMENT: return Tree.Kind.DIVIDE;
      default: return Tree.Kind.REMAINDER;
    }
  }

  /** The assignable place {@code e} denotes: a variable, or an array element {@code a[i]}. */
  private Place place(ExpressionTree e) {
    if (e instanceof ParenthesizedTree p) {
      return place(p.getExpression());
    }
    if (e instanceof ArrayAccessTree a) {
      Object array = eval(a.getExpression());
      Object index = eval(a.getIndex());
      if (!(index instanceof Integer i)) {
        throw unsupported(a.getIndex(), "non-int array index");
      }
      if (array != null && !typeOfValue(array).array()) {
        throw unsupported(a.getExpression(), "indexing a non-array");
      }
      return new Element(array, i);
    }
    return variable(e);
  }

  private static Object read(Place p, ExpressionTree e) {
    Object value = p.get();
    if (value == UNSET) {
      throw new IllegalStateException("variable " + e + " read before assignment");
    }
    return value;
  }

  /** Whether {@code owner.length} is an array length (not a constant named length). */
  private boolean isLength(MemberSelectTree m) {
    if (!m.getIdentifier().contentEquals("length")) {
      return false;
    }
    String owner = m.getExpression().toString();
    if (isMath(owner)) {
      return false;
    }
    return !owner.equals(clazz.getSimpleName().toString()) && !owner.equals(qualifiedName)
        || local(owner) != null;
  }

  private Var local(String name) {
    for (Map<String, Var> scope : scopes) {
      Var v = scope.get(name);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  /** Resolves an identifier or {@code Owner.NAME} to its slot: locals, params, constants, Math. */
  private Var variable(ExpressionTree e) {
    if (e instanceof ParenthesizedTree p) {
      return variable(p.getExpression());
    }
    String name;
    if (e instanceof IdentifierTree id) {
      name = id.getName().toString();
      Var v = local(name);
      if (v != null) {
        return v;
      }
    } else if (e instanceof MemberSelectTree m) {
      String owner = m.getExpression().toString();
      name = m.getIdentifier().toString();
      if (isMath(owner) && (name.equals("PI") || name.equals("E"))) {
        return new Var(T.DOUBLE, numbers.constant(name.equals("PI") ? Math.PI : Math.E));
      }
      if (owner.equals("Double") || owner.equals("java.lang.Double")) {
        Double constant = switch (name) {
          case "MAX_VALUE" -> Double.MAX_VALUE;
          case "MIN_VALUE" -> Double.MIN_VALUE;
          case "POSITIVE_INFINITY" -> Double.POSITIVE_INFINITY;
          case "NEGATIVE_INFINITY" -> Double.NEGATIVE_INFINITY;
          case "NaN" -> Double.NaN;
          default -> null;
        };
        if (constant != null) {
          return new Var(T.DOUBLE, numbers.constant(constant));
        }
      }
      if (!owner.equals(clazz.getSimpleName().toString()) && !owner.equals(qualifiedName)) {
        throw unsupported(e, "member select");
      }
    } else {
      throw unsupported(e, "assignment target");
    }
    Var constant = constant(name);
    if (constant == null) {
      throw unsupported(e, "name (not a parameter, local or static final constant of the class)");
    }
    return constant;
  }

  private Var constant(String name) {
    Var v = constants.get(name);
    if (v != null || !constantDecls.containsKey(name)) {
      return v;
    }
    if (!evaluatingConstants.add(name)) {
      throw new IllegalStateException("cyclic constant " + name);
    }
    VariableTree decl = constantDecls.get(name);
    Deque<Map<String, Var>> saved = new ArrayDeque<>(scopes);
    scopes.clear(); // initializers see only other constants
    try {
      T type = typeOf(decl.getType());
      v = new Var(type, convert(evalInitializer(decl.getInitializer(), type), type));
    } finally {
      scopes.addAll(saved);
      evaluatingConstants.remove(name);
    }
    constants.put(name, v);
    return v;
  }

  private static boolean isMath(String owner) {
    return owner.equals("Math") || owner.equals("StrictMath")
        || owner.equals("java.lang.Math") || owner.equals("java.lang.StrictMath");
  }

  // ---------------------------------------------------------------- arrays

  /**
   * Evaluates a declaration's or constant's initializer; a bare array initializer
   * {@code {a, b}} takes the declared type {@code type} (null for {@code var}).
   */
  private Object evalInitializer(ExpressionTree init, T type) {
    if (init instanceof NewArrayTree n && n.getType() == null) {
      if (type == null || !type.array()) {
        throw unsupported(init, "array initializer for " + type);
      }
      return newArray(n, type);
    }
    return eval(init);
  }

  /**
   * {@code new double[m][n]}, {@code new double[m][]}, {@code new int[n]},
   * {@code new double[] {a, b}} and {@code {a, b}} (whose type, {@code expected}, comes from
   * the context). New double elements are 0.0 constants.
   */
  private Object newArray(NewArrayTree n, T expected) {
    T type = n.getType() != null ? newArrayType(n) : expected;
    if (type == null || !type.array()) {
      throw unsupported(n, "array creation");
    }
    if (n.getInitializers() != null) {
      List<? extends ExpressionTree> elements = n.getInitializers();
      T element = type.element();
      Object array = allocate(type, elements.size());
      for (int k = 0; k < elements.size(); k++) {
        new Element(array, k).set(convert(evalInitializer(elements.get(k), element), element));
      }
      return array;
    }
    List<Integer> dims = new ArrayList<>();
    for (ExpressionTree d : n.getDimensions()) {
      Object size = eval(d);
      if (!(size instanceof Integer k)) {
        throw unsupported(d, "non-int array dimension");
      }
      dims.add(k);
    }
    for (int d : dims) { // every dimension is checked before anything is allocated
      if (d < 0) {
        throw new NegativeArraySizeException(Integer.toString(d));
      }
    }
    return allocate(type, dims);
  }

  /** The type of {@code new E[d1]...[dk]} or {@code new E[] {...}}; null for a bare {...}. */
  private static T newArrayType(NewArrayTree n) {
    if (n.getType() == null) {
      return null;
    }
    T type = typeOf(n.getType());
    int levels = n.getInitializers() != null ? 1 : n.getDimensions().size();
    for (int k = 0; k < levels; k++) {
      T array = type.arrayOf();
      if (array == null) {
        throw unsupported(n, "array type");
      }
      type = array;
    }
    return type;
  }

  /** A new array of {@code type} with the given dimensions (fewer than its rank leaves nulls). */
  private Object allocate(T type, List<Integer> dims) {
    Object array = allocate(type, dims.get(0));
    if (dims.size() > 1) {
      D[][] m = matrix(array);
      for (int r = 0; r < m.length; r++) {
        m[r] = row(allocate(T.DOUBLE_ARRAY, dims.subList(1, dims.size())));
      }
    }
    return array;
  }

  private Object allocate(T type, int length) {
    switch (type) {
      case DOUBLE_ARRAY: {
        D[] a = newRow(length);
        Arrays.fill(a, numbers.constant(0.0));
        return a;
      }
      case DOUBLE_MATRIX:
        return newMatrix(length);
      case INT_ARRAY:
        return new int[length];
      case BOOLEAN_ARRAY:
        return new boolean[length];
      default:
        throw new IllegalStateException("not an array type: " + type);
    }
  }

  private int length(Object array) {
    if (isRow(array)) return row(array).length;
    if (isMatrix(array)) return matrix(array).length;
    if (isTensor(array)) return tensor(array).length;
    if (array instanceof int[] k) return k.length;
    if (array instanceof boolean[] b) return b.length;
    throw nullOrNotArray(array);
  }

  /** {@code array.clone()}: shallow, so the rows of a {@code double[][]} are shared. */
  private Object cloneArray(Object array) {
    if (isRow(array)) return row(array).clone();
    if (isMatrix(array)) return matrix(array).clone();
    if (isTensor(array)) return tensor(array).clone();
    if (array instanceof int[] k) return k.clone();
    if (array instanceof boolean[] b) return b.clone();
    throw nullOrNotArray(array);
  }

  private static RuntimeException nullOrNotArray(Object array) {
    return array == null ? new NullPointerException("array is null")
        : new IllegalStateException("not an array: " + array);
  }

  // ---------------------------------------------------------------- types and conversions

  private boolean isNumber(Object v) {
    return numbers.type().isInstance(v);
  }

  private boolean isRow(Object v) {
    return v != null && v.getClass() == numbers.type().arrayType();
  }

  private boolean isMatrix(Object v) {
    return v != null && v.getClass() == numbers.type().arrayType().arrayType();
  }

  private boolean isTensor(Object v) {
    return v != null && v.getClass() == numbers.type().arrayType().arrayType().arrayType();
  }

  @SuppressWarnings("unchecked")
  private D number(Object v) {
    return (D) v;
  }

  @SuppressWarnings("unchecked")
  private D[] row(Object v) {
    return (D[]) v;
  }

  @SuppressWarnings("unchecked")
  private D[][] matrix(Object v) {
    return (D[][]) v;
  }

  @SuppressWarnings("unchecked")
  private D[][][] tensor(Object v) {
    return (D[][][]) v;
  }

  @SuppressWarnings("unchecked")
  private D[][][] newTensor(int length) {
    return (D[][][]) Array.newInstance(numbers.type().arrayType().arrayType(), length);
  }

  @SuppressWarnings("unchecked")
  private D[] newRow(int length) {
    return (D[]) Array.newInstance(numbers.type(), length);
  }

  @SuppressWarnings("unchecked")
  private D[][] newMatrix(int length) {
    return (D[][]) Array.newInstance(numbers.type().arrayType(), length);
  }

  private T typeOfValue(Object v) {
    if (isNumber(v)) return T.DOUBLE;
    if (isRow(v)) return T.DOUBLE_ARRAY;
    if (isMatrix(v)) return T.DOUBLE_MATRIX;
    if (isTensor(v)) return T.DOUBLE_TENSOR;
    if (v instanceof int[]) return T.INT_ARRAY;
    if (v instanceof boolean[]) return T.BOOLEAN_ARRAY;
    if (v instanceof Long) return T.LONG;
    if (v instanceof Integer) return T.INT;
    if (v instanceof Boolean) return T.BOOLEAN;
    throw new IllegalStateException("unexpected value " + v);
  }

  /** Binary numeric promotion (JLS 5.6): int -> long -> double; else equal types or null. */
  private static T promote(T a, T b) {
    if (a == null || b == null || !a.numeric() || !b.numeric()) {
      return a == b ? a : null;
    }
    return a.ordinal() <= b.ordinal() ? a : b;
  }

  /** Casting conversion to {@code type} (widening, or narrowing as by a cast). */
  private Object convert(Object v, T type) {
    if (type != null && type.array() || v == null || typeOfValue(v).array()) {
      if (v == null && type != null && type.array() || v != null && typeOfValue(v) == type) {
        return v;
      }
      throw new IllegalStateException("cannot convert " + v + " to " + type);
    }
    if (v instanceof Boolean || type == T.BOOLEAN) {
      if (v instanceof Boolean && type == T.BOOLEAN) return v;
      throw new IllegalStateException("cannot convert " + v + " to " + type);
    }
    switch (type) {
      case DOUBLE:
        return toNumber(v);
      case LONG:
        return isNumber(v) ? (long) number(v).getValue() : ((Number) v).longValue();
      default:
        return isNumber(v) ? (int) number(v).getValue() : ((Number) v).intValue();
    }
  }

  private D toNumber(Object v) {
    if (isNumber(v)) {
      return number(v);
    }
    if (v instanceof Integer || v instanceof Long) {
      return numbers.constant(((Number) v).doubleValue());
    }
    throw new IllegalStateException("not numeric: " + v);
  }

  /** The static type of an expression, needed where Java types both branches of {@code ?:}. */
  private T staticType(ExpressionTree e) {
    switch (e.getKind()) {
      case INT_LITERAL: return T.INT;
      case LONG_LITERAL: return T.LONG;
      case DOUBLE_LITERAL: return T.DOUBLE;
      case BOOLEAN_LITERAL:
      case LOGICAL_COMPLEMENT:
      case LESS_THAN: case LESS_THAN_EQUAL: case GREATER_THAN: case GREATER_THAN_EQUAL:
      case EQUAL_TO: case NOT_EQUAL_TO: case CONDITIONAL_AND: case CONDITIONAL_OR:
      case AND: case OR: case XOR:
        return T.BOOLEAN;
      case PARENTHESIZED:
        return staticType(((ParenthesizedTree) e).getExpression());
      case IDENTIFIER:
      case MEMBER_SELECT:
        if (e instanceof MemberSelectTree m && isLength(m)) {
          return T.INT;
        }
        return variable(e).type;
      case ARRAY_ACCESS:
        return staticType(((ArrayAccessTree) e).getExpression()).element();
      case NEW_ARRAY:
        return newArrayType((NewArrayTree) e);
      case NULL_LITERAL:
        return null;
      case UNARY_PLUS: case UNARY_MINUS:
      case PREFIX_INCREMENT: case PREFIX_DECREMENT: case POSTFIX_INCREMENT: case POSTFIX_DECREMENT:
        return staticType(((UnaryTree) e).getExpression());
      case PLUS: case MINUS: case MULTIPLY: case DIVIDE: case REMAINDER: {
        BinaryTree b = (BinaryTree) e;
        return promote(staticType(b.getLeftOperand()), staticType(b.getRightOperand()));
      }
      case CONDITIONAL_EXPRESSION: {
        ConditionalExpressionTree c = (ConditionalExpressionTree) e;
        return promote(staticType(c.getTrueExpression()), staticType(c.getFalseExpression()));
      }
      case TYPE_CAST:
        return typeOf(((TypeCastTree) e).getType());
      case SWITCH_EXPRESSION:
        return switchType((SwitchExpressionTree) e);
      case ASSIGNMENT:
        return staticType(((AssignmentTree) e).getVariable());
      case PLUS_ASSIGNMENT: case MINUS_ASSIGNMENT: case MULTIPLY_ASSIGNMENT:
      case DIVIDE_ASSIGNMENT: case REMAINDER_ASSIGNMENT:
        return staticType(((CompoundAssignmentTree) e).getVariable());
      case METHOD_INVOCATION: {
        MethodInvocationTree m = (MethodInvocationTree) e;
        if (isClone(m)) {
          return staticType(((MemberSelectTree) m.getMethodSelect()).getExpression());
        }
        switch (target(m)) {
          case SAME_CLASS: return returnType(resolve(m));
          case GATES: return T.DOUBLE;
          case ARRAYS: return staticType(m.getArguments().get(0)); // Arrays.copyOf
          case VECTORS: {
            String function = methodName(m);
            return function.equals("dot") || function.equals("softmaxCrossEntropy") ? T.DOUBLE
                : T.DOUBLE_ARRAY;
          }
          default: break;
        }
        String name = ((MemberSelectTree) m.getMethodSelect()).getIdentifier().toString();
        T arg = m.getArguments().isEmpty() ? T.DOUBLE : staticType(m.getArguments().get(0));
        for (ExpressionTree a : m.getArguments()) {
          arg = promote(arg, staticType(a));
        }
        switch (name) {
          case "abs": case "max": case "min": return arg;
          case "round": return arg == T.DOUBLE ? T.LONG : T.INT;
          default: return T.DOUBLE;
        }
      }
      default:
        throw unsupported(e, "expression");
    }
  }

  // ---------------------------------------------------------------- operators

  private Object negate(Object v) {
    if (isNumber(v)) return number(v).negate();
    if (v instanceof Long l) return -l;
    if (v instanceof Integer i) return -i;
    throw new IllegalStateException("cannot negate " + v);
  }

  private Object arithmetic(Tree.Kind op, Object l, Object r) {
    T type = promote(typeOfValue(l), typeOfValue(r));
    if (type == T.DOUBLE) {
      D a = toNumber(l);
      D b = toNumber(r);
      double x = a.getValue();
      double y = b.getValue();
      switch (op) {
        case PLUS: return a.add(b).withValue(x + y);
        case MINUS: return a.subtract(b).withValue(x - y);
        case MULTIPLY: return a.multiply(b).withValue(x * y);
        case DIVIDE: return a.divide(b).withValue(x / y);
        case REMAINDER: {
          // Java's % truncates (fmod): x % y = x - q*y with q = trunc(x / y), constant locally.
          double value = x % y;
          double q = Math.rint((x - value) / y);
          return a.subtract(b.multiply(q)).withValue(value);
        }
        default: throw new IllegalStateException(op.toString());
      }
    }
    if (type == T.LONG) {
      long a = ((Number) l).longValue();
      long b = ((Number) r).longValue();
      switch (op) {
        case PLUS: return a + b;
        case MINUS: return a - b;
        case MULTIPLY: return a * b;
        case DIVIDE: return a / b;
        case REMAINDER: return a % b;
        default: throw new IllegalStateException(op.toString());
      }
    }
    if (type == T.INT) {
      int a = (Integer) l;
      int b = (Integer) r;
      switch (op) {
        case PLUS: return a + b;
        case MINUS: return a - b;
        case MULTIPLY: return a * b;
        case DIVIDE: return a / b;
        case REMAINDER: return a % b;
        default: throw new IllegalStateException(op.toString());
      }
    }
    throw new IllegalStateException("non-numeric operands " + l + " " + op + " " + r);
  }

  private Object compare(Tree.Kind op, Object l, Object r) {
    if (l == null || r == null || typeOfValue(l).array() || typeOfValue(r).array()) {
      switch (op) { // reference comparison
        case EQUAL_TO: return l == r;
        case NOT_EQUAL_TO: return l != r;
        default: throw new IllegalStateException(op + " on references");
      }
    }
    T type = promote(typeOfValue(l), typeOfValue(r));
    if (type == T.BOOLEAN) {
      switch (op) {
        case EQUAL_TO: return l.equals(r);
        case NOT_EQUAL_TO: return !l.equals(r);
        default: throw new IllegalStateException(op + " on booleans");
      }
    }
    int c;
    boolean nan = false;
    if (type == T.DOUBLE) {
      double a = toNumber(l).getValue();
      double b = toNumber(r).getValue();
      nan = Double.isNaN(a) || Double.isNaN(b);
      c = a < b ? -1 : a > b ? 1 : 0; // == treats -0.0 and 0.0 as equal, like Java
    } else {
      c = Long.compare(((Number) l).longValue(), ((Number) r).longValue());
    }
    if (nan) {
      return op == Tree.Kind.NOT_EQUAL_TO;
    }
    switch (op) {
      case LESS_THAN: return c < 0;
      case LESS_THAN_EQUAL: return c <= 0;
      case GREATER_THAN: return c > 0;
      case GREATER_THAN_EQUAL: return c >= 0;
      case EQUAL_TO: return c == 0;
      default: return c != 0;
    }
  }

  // ---------------------------------------------------------------- calls

  /** Whether {@code call} is {@code array.clone()}. */
  private static boolean isClone(MethodInvocationTree call) {
    return call.getMethodSelect() instanceof MemberSelectTree select
        && select.getIdentifier().contentEquals("clone")
        && call.getArguments().isEmpty()
        && !isMath(select.getExpression().toString());
  }

  /** What a method invocation calls. */
  private enum Target { SAME_CLASS, GATES, VECTORS, MATH, DOUBLE_TEST, ARRAYS, SYSTEM }

  /**
   * Classifies {@code call} (not a clone): a method of this class ({@code f(x)},
   * {@code Layers.f(x)}, {@code demo.Layers.f(x)}; a method declared in the class hides a static
   * import), a gate ({@code Gates.sigmoid(x)}, {@code dev.adjoint.Gates.sigmoid(x)}, or
   * statically imported), a {@code Math}/{@code StrictMath} function or a test of
   * {@code Double} ({@code Double.isNaN}).
   */
  private Target target(MethodInvocationTree call) {
    ExpressionTree select = call.getMethodSelect();
    if (select instanceof IdentifierTree id) {
      String name = id.getName().toString();
      if (methods.containsKey(name)) {
        return Target.SAME_CLASS;
      }
      if (staticGates.contains(name) || staticGates.contains("*")) {
        return Target.GATES;
      }
      throw unsupported(call, "method invocation (no method " + name + " in the class)");
    }
    if (select instanceof MemberSelectTree s) {
      String owner = s.getExpression().toString();
      if (local(owner) == null) { // a local of that name would be a receiver, not a class
        if (owner.equals(clazz.getSimpleName().toString()) || owner.equals(qualifiedName)) {
          return Target.SAME_CLASS;
        }
        if (owner.equals(GATES) || gatesImported && owner.equals("Gates")) {
          return Target.GATES;
        }
        if (owner.equals(VECTORS) || vectorsImported && owner.equals("Vectors")) {
          return Target.VECTORS;
        }
        if (isMath(owner)) {
          return Target.MATH;
        }
        if (owner.equals("Double") || owner.equals("java.lang.Double")) {
          return Target.DOUBLE_TEST;
        }
        if (owner.equals("Arrays") || owner.equals("java.util.Arrays")) {
          return Target.ARRAYS;
        }
        if (owner.equals("System") || owner.equals("java.lang.System")) {
          return Target.SYSTEM;
        }
      }
    }
    throw unsupported(call, "method invocation");
  }

  private static String methodName(MethodInvocationTree call) {
    ExpressionTree select = call.getMethodSelect();
    return select instanceof IdentifierTree id ? id.getName().toString()
        : ((MemberSelectTree) select).getIdentifier().toString();
  }

  private Object call(MethodInvocationTree call) {
    if (isClone(call)) {
      return cloneArray(eval(((MemberSelectTree) call.getMethodSelect()).getExpression()));
    }
    switch (target(call)) {
      case SAME_CLASS: {
        MethodTree callee = resolve(call); // chosen from static types, before the arguments run
        List<Object> args = new ArrayList<>();
        for (ExpressionTree a : call.getArguments()) {
          args.add(eval(a));
        }
        return invoke(callee, args);
      }
      case GATES:
        return gate(call);
      case VECTORS:
        return vectors(call);
      case DOUBLE_TEST:
        return doubleTest(call);
      case ARRAYS:
        return arrays(call);
      case SYSTEM:
        return arraycopy(call);
      default:
        return math(call);
    }
  }

  /**
   * {@code Arrays.fill} (the whole array or a range), {@code Arrays.copyOf} and
   * {@code copyOfRange} (zeros past the source's end), as the JDK runs them on this
   * interpreter's arrays.
   */
  private Object arrays(MethodInvocationTree call) {
    List<Object> args = new ArrayList<>();
    for (ExpressionTree a : call.getArguments()) {
      args.add(eval(a));
    }
    Object array = args.get(0);
    switch (methodName(call)) {
      case "fill": {
        int from = args.size() == 4 ? (Integer) args.get(1) : 0;
        int to = args.size() == 4 ? (Integer) args.get(2) : length(array);
        Object value = args.get(args.size() - 1);
        if (isRow(array)) {
          Arrays.fill(row(array), from, to, toNumber(value));
        } else if (array instanceof int[] k) {
          Arrays.fill(k, from, to, (Integer) value);
        } else if (array instanceof boolean[] b) {
          Arrays.fill(b, from, to, (Boolean) value);
        } else {
          throw nullOrNotArray(array);
        }
        return VOID;
      }
      case "copyOf": {
        int n = (Integer) args.get(1);
        if (isRow(array)) {
          D[] copy = Arrays.copyOf(row(array), n);
          for (int i = row(array).length; i < n; i++) {
            copy[i] = numbers.constant(0.0);
          }
          return copy;
        }
        if (array instanceof int[] k) {
          return Arrays.copyOf(k, n);
        }
        if (array instanceof boolean[] b) {
          return Arrays.copyOf(b, n);
        }
        throw nullOrNotArray(array);
      }
      case "copyOfRange": {
        int from = (Integer) args.get(1);
        int to = (Integer) args.get(2);
        if (isRow(array)) {
          D[] copy = Arrays.copyOfRange(row(array), from, to);
          for (int i = Math.max(0, row(array).length - from); i < copy.length; i++) {
            copy[i] = numbers.constant(0.0);
          }
          return copy;
        }
        if (array instanceof int[] k) {
          return Arrays.copyOfRange(k, from, to);
        }
        if (array instanceof boolean[] b) {
          return Arrays.copyOfRange(b, from, to);
        }
        throw nullOrNotArray(array);
      }
      default:
        throw unsupported(call, "method of Arrays");
    }
  }

  /** {@code System.arraycopy}: as the JDK copies, through a temporary when the arrays are one. */
  private Object arraycopy(MethodInvocationTree call) {
    if (!methodName(call).equals("arraycopy")) {
      throw unsupported(call, "method of System");
    }
    List<Object> args = new ArrayList<>();
    for (ExpressionTree a : call.getArguments()) {
      args.add(eval(a));
    }
    System.arraycopy(args.get(0), (Integer) args.get(1), args.get(2), (Integer) args.get(3),
        (Integer) args.get(4));
    return VOID;
  }

  /** {@code Double.isNaN}, {@code isInfinite}, {@code isFinite}: a test, without derivative. */
  private Object doubleTest(MethodInvocationTree call) {
    double v = number(eval(call.getArguments().get(0))).getValue();
    return switch (methodName(call)) {
      case "isNaN" -> Double.isNaN(v);
      case "isInfinite" -> Double.isInfinite(v);
      case "isFinite" -> Double.isFinite(v);
      default -> throw unsupported(call, "method invocation");
    };
  }

  /**
   * The functions of {@code dev.adjoint.Vectors}, from their definitions, element by element
   * through this interpreter's own arithmetic (so values match the JDK's bit for bit).
   */
  private Object vectors(MethodInvocationTree call) {
    String name = methodName(call);
    List<Object> args = new ArrayList<>();
    for (ExpressionTree a : call.getArguments()) {
      args.add(eval(a));
    }
    switch (name) {
      case "relu": case "sigmoid": case "tanh": {
        D[] z = row(args.get(0));
        D[] out = newRow(z.length);
        for (int i = 0; i < z.length; i++) {
          double v = z[i].getValue();
          out[i] = switch (name) {
            case "relu" -> v > 0 ? z[i] : numbers.constant(0.0);
            case "sigmoid" -> z[i].negate().exp().add(1).reciprocal()
                .withValue(1.0 / (1.0 + Math.exp(-v)));
            default -> z[i].tanh().withValue(Math.tanh(v));
          };
        }
        return out;
      }
      case "softmax": {
        D[] z = row(args.get(0));
        double max = Double.NEGATIVE_INFINITY;
        for (D v : z) {
          max = Math.max(max, v.getValue());
        }
        D[] p = newRow(z.length);
        Object sum = numbers.constant(0.0);
        for (int i = 0; i < z.length; i++) {
          p[i] = z[i].subtract(max).exp().withValue(Math.exp(z[i].getValue() - max));
          sum = arithmetic(Tree.Kind.PLUS, sum, p[i]);
        }
        for (int i = 0; i < z.length; i++) {
          p[i] = toNumber(arithmetic(Tree.Kind.DIVIDE, p[i], sum));
        }
        return p;
      }
      case "softmaxCrossEntropy": {
        D[] scores = row(args.get(0));
        return arithmetic(Tree.Kind.MINUS, logSumExp(scores), scores[(Integer) args.get(1)]);
      }
      case "dot":
        return dot(row(args.get(0)), row(args.get(1)));
      case "matVec": {
        D[][] w = matrix(args.get(0));
        D[] y = newRow(w.length);
        for (int i = 0; i < w.length; i++) {
          y[i] = dot(w[i], row(args.get(1)));
        }
        return y;
      }
      default:
        throw unsupported(call, "Vectors function " + name + " in");
    }
  }

  private D dot(D[] a, D[] b) {
    Object s = numbers.constant(0.0);
    for (int i = 0; i < a.length; i++) {
      s = arithmetic(Tree.Kind.PLUS, s, arithmetic(Tree.Kind.MULTIPLY, a[i], b[i]));
    }
    return toNumber(s);
  }

  /**
   * Interprets {@code method}'s body with parameters bound to {@code args} (converted to the
   * parameter types; arrays by reference) in a fresh frame: the callee sees only its
   * parameters and the class's constants. Returns the value converted to the declared return
   * type, or {@link #VOID}.
   */
  private Object invoke(MethodTree method, List<Object> args) {
    if (method.getBody() == null) {
      throw unsupported(method, "method without a body");
    }
    if (depth == MAX_CALL_DEPTH) {
      throw new IllegalStateException("more than " + MAX_CALL_DEPTH + " nested calls");
    }
    depth++;
    Deque<Map<String, Var>> callerScopes = scopes;
    Object callerReturned = returned;
    scopes = new ArrayDeque<>();
    try {
      Map<String, Var> frame = new HashMap<>();
      List<? extends VariableTree> params = method.getParameters();
      for (int i = 0; i < params.size(); i++) {
        T type = typeOf(params.get(i).getType());
        frame.put(params.get(i).getName().toString(), new Var(type, convert(args.get(i), type)));
      }
      scopes.push(frame);
      returned = VOID;
      Flow flow = exec(method.getBody());
      if (isVoid(method)) {
        return VOID;
      }
      if (flow != Flow.RETURN || returned == VOID) {
        throw new IllegalStateException(
            method.getName() + " completed without returning a value");
      }
      return convert(returned, returnType(method));
    } finally {
      scopes = callerScopes;
      returned = callerReturned;
      depth--;
    }
  }

  /**
   * The method of this class {@code call} invokes, chosen as javac does for primitive and array
   * types (JLS 15.12.2 without boxing or varargs): among the static methods of that name and
   * arity whose parameters accept the arguments' static types by widening, the most specific.
   */
  private MethodTree resolve(MethodInvocationTree call) {
    String name = methodName(call);
    List<T> argTypes = new ArrayList<>();
    for (ExpressionTree a : call.getArguments()) {
      argTypes.add(staticType(a));
    }
    List<MethodTree> applicable = new ArrayList<>();
    for (MethodTree m : methods.getOrDefault(name, List.of())) {
      if (m.getModifiers().getFlags().contains(Modifier.STATIC)
          && m.getParameters().size() == argTypes.size()
          && accepts(parameterTypes(m), argTypes)) {
        applicable.add(m);
      }
    }
    List<MethodTree> mostSpecific = new ArrayList<>();
    for (MethodTree m : applicable) {
      boolean best = true;
      for (MethodTree other : applicable) {
        best &= accepts(parameterTypes(other), parameterTypes(m));
      }
      if (best) {
        mostSpecific.add(m);
      }
    }
    if (mostSpecific.size() != 1) {
      throw unsupported(call, (applicable.isEmpty() ? "method invocation (no applicable static"
          : "method invocation (ambiguous") + " method " + name + argTypes + ")");
    }
    return mostSpecific.get(0);
  }

  private static List<T> parameterTypes(MethodTree m) {
    List<T> types = new ArrayList<>();
    for (VariableTree p : m.getParameters()) {
      types.add(typeOrNull(p.getType()));
    }
    return types;
  }

  /** Whether each of {@code args} converts to the corresponding parameter by widening. */
  private static boolean accepts(List<T> params, List<T> args) {
    for (int i = 0; i < params.size(); i++) {
      if (!widens(args.get(i), params.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Identity or widening primitive conversion; null (the null type) to any array type. */
  private static boolean widens(T from, T to) {
    if (to == null) {
      return false; // a parameter type outside the subset
    }
    if (from == null) {
      return to.array();
    }
    // DOUBLE, LONG, INT in promotion order: int -> long -> double.
    return from == to || from.numeric() && to.numeric() && from.ordinal() >= to.ordinal();
  }

  // ---------------------------------------------------------------- dev.adjoint.Gates

  /**
   * A gate of {@code dev.adjoint.Gates}, from its mathematical definition (never from its
   * registered pullback): values as {@code Gates} computes them, bit for bit, derivatives by
   * Hipparchus.
   */
  private Object gate(MethodInvocationTree call) {
    String name = methodName(call);
    List<Object> args = new ArrayList<>();
    for (ExpressionTree a : call.getArguments()) {
      args.add(eval(a));
    }
    int arity = name.equals("leakyRelu") ? 2 : 1;
    if (args.size() != arity) {
      throw unsupported(call, "arity of");
    }
    if (name.equals("logSumExp")) {
      return logSumExp(args.get(0));
    }
    D x = toNumber(args.get(0));
    double v = x.getValue();
    switch (name) {
      case "sigmoid": // 1 / (1 + e^-x), as e^x / (1 + e^x) for x < 0 (e^-x overflows there)
        return v >= 0
            ? x.negate().exp().add(1).reciprocal().withValue(1.0 / (1.0 + Math.exp(-v)))
            : x.exp().divide(x.exp().add(1)).withValue(1.0 / (1.0 + Math.exp(-v)));
      case "relu": // x > 0 ? x : 0, derivative 0 at 0
        return v > 0 ? x : numbers.constant(0.0);
      case "leakyRelu": { // x > 0 ? x : slope * x, in x and in slope
        D slope = toNumber(args.get(1));
        return v > 0 ? x : slope.multiply(x).withValue(slope.getValue() * v);
      }
      case "softplus": // log(1 + e^x), as x + log1p(e^-x) for x > 0
        return v > 0
            ? x.add(x.negate().exp().log1p()).withValue(v + Math.log1p(Math.exp(-v)))
            : x.exp().log1p().withValue(Math.log1p(Math.exp(v)));
      case "stopGradient": // the value, derivative 0
        return numbers.constant(v);
      default:
        throw unsupported(call, "Gates function " + name + " in");
    }
  }

  /**
   * {@code log(sum_i e^(x_i))} shifted by the maximum m: {@code m + log(sum_i e^(x_i - m))}. The
   * shift's derivative cancels exactly, so m is taken as a constant (value-wise maximum); the
   * derivative is then the softmax of x. An infinite (or empty) maximum is returned as is, like
   * {@code Gates.logSumExp}, as a constant.
   */
  private D logSumExp(Object arg) {
    if (!isRow(arg)) {
      if (arg == null) {
        throw new NullPointerException("array is null");
      }
      throw new IllegalStateException("logSumExp of " + typeOfValue(arg));
    }
    D[] x = row(arg);
    double max = Double.NEGATIVE_INFINITY;
    for (D g : x) {
      max = Math.max(max, g.getValue());
    }
    if (Double.isInfinite(max)) {
      return numbers.constant(max);
    }
    double sumValue = 0;
    D sum = numbers.constant(0.0);
    for (D g : x) {
      sumValue += Math.exp(g.getValue() - max);
      sum = sum.add(g.subtract(max).exp());
    }
    return sum.log().add(max).withValue(max + Math.log(sumValue));
  }

  // ---------------------------------------------------------------- Math calls

  private Object math(MethodInvocationTree call) {
    MemberSelectTree select = (MemberSelectTree) call.getMethodSelect();
    boolean strict = select.getExpression().toString().endsWith("StrictMath");
    String name = select.getIdentifier().toString();
    List<Object> args = new ArrayList<>();
    for (ExpressionTree a : call.getArguments()) {
      args.add(eval(a));
    }
    int arity = switch (name) {
      case "pow", "atan2", "max", "min", "hypot" -> 2;
      case "fma" -> 3;
      default -> 1;
    };
    if (args.size() != arity) {
      throw unsupported(call, "arity of");
    }
    Object a0 = args.get(0);
    T type = typeOfValue(a0);
    for (Object a : args) {
      type = promote(type, typeOfValue(a));
    }
    switch (name) {
      case "exp": return unary(a0, D::exp, strict ? StrictMath::exp : Math::exp);
      case "log": return unary(a0, D::log, strict ? StrictMath::log : Math::log);
      case "log10": return unary(a0, D::log10, strict ? StrictMath::log10 : Math::log10);
      case "log1p": return unary(a0, D::log1p, strict ? StrictMath::log1p : Math::log1p);
      case "expm1": return unary(a0, D::expm1, strict ? StrictMath::expm1 : Math::expm1);
      case "sqrt": return unary(a0, D::sqrt, strict ? StrictMath::sqrt : Math::sqrt);
      case "cbrt": return unary(a0, D::cbrt, strict ? StrictMath::cbrt : Math::cbrt);
      case "sin": return unary(a0, D::sin, strict ? StrictMath::sin : Math::sin);
      case "cos": return unary(a0, D::cos, strict ? StrictMath::cos : Math::cos);
      case "tan": return unary(a0, D::tan, strict ? StrictMath::tan : Math::tan);
      case "asin": return unary(a0, D::asin, strict ? StrictMath::asin : Math::asin);
      case "acos": return unary(a0, D::acos, strict ? StrictMath::acos : Math::acos);
      case "atan": return unary(a0, D::atan, strict ? StrictMath::atan : Math::atan);
      case "sinh": return unary(a0, D::sinh, strict ? StrictMath::sinh : Math::sinh);
      case "cosh": return unary(a0, D::cosh, strict ? StrictMath::cosh : Math::cosh);
      case "tanh": return unary(a0, D::tanh, strict ? StrictMath::tanh : Math::tanh);
      case "toRadians":
        return unary(a0, D::toRadians, strict ? StrictMath::toRadians : Math::toRadians);
      case "toDegrees":
        return unary(a0, D::toDegrees, strict ? StrictMath::toDegrees : Math::toDegrees);
      // Piecewise constant: derivative 0.
      case "floor": return step(a0, strict ? StrictMath::floor : Math::floor);
      case "ceil": return step(a0, strict ? StrictMath::ceil : Math::ceil);
      case "rint": return step(a0, strict ? StrictMath::rint : Math::rint);
      case "signum": return step(a0, strict ? StrictMath::signum : Math::signum);
      case "round":
        // round(double) -> long; an int/long argument widens to float: round(float) -> int.
        return isNumber(a0) ? (Object) Math.round(number(a0).getValue())
            : (Object) Math.round(((Number) a0).floatValue());
      case "pow": {
        D x = toNumber(a0);
        D y = toNumber(args.get(1));
        double value = strict ? StrictMath.pow(x.getValue(), y.getValue())
            : Math.pow(x.getValue(), y.getValue());
        D r;
        if (isConstant(y)) {
          // Constant exponent: d/dx x^c = c x^(c-1), also valid for a negative base.
          double c = y.getValue();
          r = c == Math.rint(c) && Math.abs(c) < 1 << 30 ? x.pow((int) c) : x.pow(c);
        } else if (isConstant(x)) {
          r = numbers.pow(x.getValue(), y);
        } else {
          r = x.pow(y);
        }
        return r.withValue(value);
      }
      case "atan2": {
        D y = toNumber(a0);
        D x = toNumber(args.get(1));
        double value = strict ? StrictMath.atan2(y.getValue(), x.getValue())
            : Math.atan2(y.getValue(), x.getValue());
        return y.atan2(x).withValue(value);
      }
      case "hypot": {
        D x = toNumber(a0);
        D y = toNumber(args.get(1));
        double value = strict ? StrictMath.hypot(x.getValue(), y.getValue())
            : Math.hypot(x.getValue(), y.getValue());
        return x.hypot(y).withValue(value);
      }
      case "fma": {
        D x = toNumber(a0);
        D y = toNumber(args.get(1));
        D z = toNumber(args.get(2));
        return x.multiply(y).add(z).withValue(Math.fma(x.getValue(), y.getValue(),
            z.getValue()));
      }
      case "abs":
        if (type == T.DOUBLE) {
          D x = toNumber(a0);
          double v = x.getValue();
          // Adjoint convention: d|x|/dx = signum(x), so 0 at x == 0.
          return v == 0 ? numbers.constant(0.0) : x.abs().withValue(Math.abs(v));
        }
        return type == T.LONG ? (Object) Math.abs(((Number) a0).longValue())
            : (Object) Math.abs((Integer) a0);
      case "max":
      case "min": {
        boolean max = name.equals("max");
        Object b0 = args.get(1);
        if (type == T.DOUBLE) {
          D a = toNumber(a0);
          D b = toNumber(b0);
          double x = a.getValue();
          double y = b.getValue();
          // Adjoint convention: ties route the gradient to the first argument.
          D chosen = (max ? x >= y : x <= y) ? a : b;
          return chosen.withValue(max ? Math.max(x, y) : Math.min(x, y));
        }
        if (type == T.LONG) {
          long x = ((Number) a0).longValue();
          long y = ((Number) b0).longValue();
          return max ? Math.max(x, y) : Math.min(x, y);
        }
        return max ? Math.max((Integer) a0, (Integer) b0) : Math.min((Integer) a0, (Integer) b0);
      }
      default:
        throw unsupported(call, "Math function " + name + " in");
    }
  }

  private D unary(Object arg, UnaryOperator<D> derivative,
      DoubleUnaryOperator value) {
    D x = toNumber(arg);
    return derivative.apply(x).withValue(value.applyAsDouble(x.getValue()));
  }

  private D step(Object arg, DoubleUnaryOperator value) {
    return numbers.constant(value.applyAsDouble(toNumber(arg).getValue()));
  }

  private boolean isConstant(D g) {
    return numbers.isConstant(g);
  }
}
