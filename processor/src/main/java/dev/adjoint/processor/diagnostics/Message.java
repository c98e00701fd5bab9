package dev.adjoint.processor.diagnostics;

import java.util.Locale;

/**
 * The catalogue of diagnostics. Each has a stable id, printed in brackets at the start of the
 * message, and a template naming the construct and the way out ({@link String#format} arguments).
 */
public enum Message {
  NO_BODY("adjoint.no-body",
      "@Differentiable method '%s' has no body to differentiate (abstract, native or interface"
          + " method); annotate a static method with a body"),
  GENERIC_METHOD("adjoint.generic-method",
      "@Differentiable method '%s' declares type parameters; write it for double values"),
  RETURN_TYPE("adjoint.return-type",
      "@Differentiable method '%s' returns %s; it must return double (the value whose gradient"
          + " is generated), or double[] or double[][] (a vector or matrix whose pullback, JVP and"
          + " Jacobian are generated)"),
  PARAMETER_TYPE("adjoint.parameter-type",
      "parameter '%s' has type %s, which @Differentiable methods do not support; use double,"
          + " double[], double[][] and records of them (differentiated; a record per layer for a"
          + " tensor of weights), or int, long, boolean, int[] and boolean[] values and"
          + " @NoDerivative double[][][] data (constants)"),
  TENSOR_DATA("adjoint.tensor-data",
      "parameter '%s' has type double[][][], which @Differentiable methods read as data and do"
          + " not differentiate; mark it @NoDerivative (or leave it out of wrt), or pass weights"
          + " to differentiate as double[][] (a matrix per channel, or a record per layer)"),
  WRT_UNKNOWN("adjoint.wrt-unknown",
      "wrt names '%s', which is not a parameter of '%s'; the parameters are: %s"),
  WRT_NOT_DOUBLE("adjoint.wrt-not-double",
      "wrt names '%s' of type %s; only double, double[] and double[][] parameters and records of"
          + " them can be differentiated"),
  RECORD_ACCESS("adjoint.record-access",
      "record %s is private, or not public in another package, and the generated %s cannot name"
          + " it; make it package-private"),
  RECORD_COMPONENT_TYPE("adjoint.record-component-type",
      "record component %s has type %s, which @Differentiable methods do not support; use"
          + " double, double[] and double[][] (differentiated), or a nested record of them (a"
          + " record per layer instead of a double[][][])"),
  NOTHING_TO_DIFFERENTIATE("adjoint.nothing-to-differentiate",
      "@Differentiable method '%s' has no double, double[] or double[][] parameter to"
          + " differentiate with respect to; add one, or remove the annotation"),
  ARRAY("adjoint.array",
      "%s is not supported in a @Differentiable method; %s"),
  ARRAY_ALIAS("adjoint.array-alias",
      "array '%s' cannot be shared with another variable here: %s; copy it first with clone()"),
  PARAMETER_WRITE("adjoint.parameter-write",
      "writing into parameter array '%s': the generated code never modifies the caller's"
          + " arrays; copy it first ('double[] mine = %1$s.clone();') and write the copy"),
  EXCEPTION("adjoint.exception",
      "%s is not supported in a @Differentiable method: the derivative of code that throws is"
          + " not defined; compute the value without exceptions"),
  SWITCH("adjoint.switch",
      "%s is not supported in a @Differentiable method; %s"),
  CALL("adjoint.call",
      "call to '%s' is not supported in a @Differentiable method: %s"),
  NO_DERIVATIVE("adjoint.no-derivative",
      "'%s' has no derivative and receives a differentiated value; mark it @Differentiable,"
          + " register its pullback with @CustomGradient, or compute its arguments from"
          + " constants only (Gates.stopGradient makes a value one)"),
  NO_DERIVATIVE_ARRAY("adjoint.no-derivative-array",
      "'%s' returns %s and receives a differentiated value, and has no derivative; mark it"
          + " @Differentiable (a method may return double[]: its pullback takes a double[] seed),"
          + " or register that pullback with @CustomGradient (double[] seed, then the buffers)"),
  WRT_EXCLUDED("adjoint.wrt-excluded",
      "'%s' is @Differentiable without '%s' in its wrt, and '%2$s' receives a differentiated"
          + " value here; add \"%2$s\" to its wrt, or pass a constant"
          + " (Gates.stopGradient makes a value one)"),
  ORDER("adjoint.order",
      "order = %s on '%s': Adjoint generates derivatives of order 1 (gradient, pullback, JVP) or"
          + " 2 (also HVP and Hessian); write order = 1 or order = 2"),
  SECOND_ORDER_CALLEE("adjoint.second-order-callee",
      "'%s' is called with a differentiated value from an order-2 method, and %s; mark it"
          + " @Differentiable(order = 2) (or register its HVP with @CustomHvp), or pass it"
          + " constants only (Gates.stopGradient makes a value one)"),
  GENERATED_CLASH("adjoint.generated-clash",
      "'%s' would give %s a method %s, which '%s' already gives it; rename one of the two"),
  CUSTOM_GRADIENT("adjoint.custom-gradient",
      "@CustomGradient(\"%s\") %s; the pullback of '%1$s' must be: %s"),
  CUSTOM_JVP("adjoint.custom-jvp",
      "@CustomJvp(\"%s\") %s; the JVP of '%1$s' must be: %s"),
  CUSTOM_HVP("adjoint.custom-hvp",
      "@CustomHvp(\"%s\") %s; the HVP of '%1$s' must be: %s"),
  CUSTOM_GRADIENT_RESULT("adjoint.custom-gradient-result",
      "@CustomGradient(\"%s\"): '%1$s' returns %s, and a pullback can be registered for a"
          + " method returning double (a double seed), double[] or double[][] (a seed of that"
          + " type); return one of those from '%1$s', or write its computation in the"
          + " @Differentiable method"),
  FLOAT("adjoint.float",
      "float arithmetic on a differentiated value (%s) loses precision and is not supported;"
          + " use double"),
  FIELD_WRITE("adjoint.field-write",
      "assignment to field '%s': a @Differentiable method must not write fields; use a local"
          + " variable"),
  FIELD_READ("adjoint.field-read",
      "field '%s' is not accessible from the generated class %s; make it a compile-time"
          + " constant or not private, or pass it as a parameter"),
  INSTANCE_FIELD("adjoint.instance-field",
      "field '%s' of another object cannot be read: an instance method reads only its own"
          + " fields (as constants); pass the value as a parameter"),
  OBJECT("adjoint.object",
      "%s of type %s is not supported in a @Differentiable method; use double, int, long and"
          + " boolean values"),
  NESTED_ASSIGNMENT("adjoint.nested-assignment",
      "%s is not supported; write it as its own statement"),
  UNSUPPORTED("adjoint.unsupported",
      "%s is not supported in a @Differentiable method; %s"),
  TOO_MANY_PATHS("adjoint.too-many-paths",
      "'%s' has too many paths through early returns (or switch cases that fall through or"
          + " break early) to differentiate (more than %d statements after expanding them); return"
          + " once at the end, and end each switch case with break, instead"),
  NO_TREES("adjoint.no-trees",
      "Adjoint needs javac's Tree API to read the body of '%s', and this compiler (%s) does not"
          + " provide it; build with javac (Maven, Gradle or plain javac)"),
  NO_ATTRIBUTION("adjoint.no-attribution",
      "javac did not type the body of '%s' (this JDK, %s, behaves differently from the ones"
          + " Adjoint supports); please report it with the JDK version"),
  INTERNAL_ERROR("adjoint.internal-error",
      "internal error while differentiating '%s': %s; please report it with this method's source");

  private final String id;
  private final String template;

  Message(String id, String template) {
    this.id = id;
    this.template = template;
  }

  public String id() {
    return id;
  }

  /** The full text: {@code [id] } followed by the filled-in template. */
  public String format(Object... args) {
    return "[" + id + "] " + String.format(Locale.ROOT, template, args);
  }
}
