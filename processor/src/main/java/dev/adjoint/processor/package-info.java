/**
 * Adjoint's annotation processor. {@link dev.adjoint.processor.DifferentiableProcessor} only
 * orchestrates the pipeline, a package per stage:
 *
 * <pre>
 * frontend/  javac trees of a method  -&gt; IR (typed by javac), or errors at the exact tree
 * analysis/  IR                       -&gt; activity (varied and useful variables)
 * reverse/   IR + activity            -&gt; backward sweep
 * rules/     the one table of local derivatives, asked by analysis/ and reverse/
 * emit/      IR + backward sweep      -&gt; &lt;Class&gt;Grad.java (JavaPoet)
 * diagnostics/  the catalogue of every message a user can see
 * </pre>
 *
 * Nothing here is API: users import only {@code dev.adjoint}.
 */
package dev.adjoint.processor;
