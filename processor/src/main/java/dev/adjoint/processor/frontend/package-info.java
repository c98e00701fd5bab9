/**
 * The frontend: reads a {@code @Differentiable} method through javac's Tree API and gives its
 * {@link dev.adjoint.processor.ir.Function}, or reports every unsupported construct at the exact
 * tree.
 *
 * <p><b>Typing.</b> During annotation processing javac has not attributed method bodies yet. We
 * ask javac to attribute the enclosing class ({@link
 * dev.adjoint.processor.frontend.JavacAttribution}, the only class relying on this) and then read
 * every expression's type and every call's resolved method from javac itself: javac's own
 * overload resolution and numeric promotion, for free. This is unspecified behaviour of javac,
 * seen on JDK 17 and 25; a test fails loudly if a JDK changes it, and the processor then reports
 * {@code [adjoint.no-attribution]} instead of guessing. The alternative, typing the subset
 * ourselves, would duplicate the JLS's promotion and overload rules.
 *
 * <p><b>Lowering.</b> {@link dev.adjoint.processor.frontend.BodyLowering} turns the body into
 * three-address SSA form: each assignment makes a new version of a variable, values merged after
 * an {@code if} get a new version assigned on both sides, and a {@code return} inside a branch
 * takes the rest of the method into that branch's other side, so every path ends by assigning
 * the result once. It walks the statements and hands each kind of construct to one class, all
 * sharing one {@link dev.adjoint.processor.frontend.LoweringContext} (attribution, source,
 * reporter, names, the statement being lowered):
 * {@link dev.adjoint.processor.frontend.AssignmentLowering} (assignments, {@code op=},
 * {@code ++}), {@link dev.adjoint.processor.frontend.ExpressionLowering} (expressions into
 * temporaries), {@link dev.adjoint.processor.frontend.ArrayLowering} (elements, lengths, rows of
 * matrices), {@link dev.adjoint.processor.frontend.CallLowering} ({@code Math}, {@code Gates}
 * and user methods), {@link dev.adjoint.processor.frontend.FieldReads},
 * {@link dev.adjoint.processor.frontend.SwitchLowering} and
 * {@link dev.adjoint.processor.frontend.LoopLowering}, with the loops around the statement in
 * {@link dev.adjoint.processor.frontend.LoopNest}. {@link dev.adjoint.processor.frontend.Jumps}
 * answers where control leaves a tree, which decides how a statement is lowered.
 *
 * <p><b>Switch.</b> A {@code switch} over an {@code int}, {@code char}, {@code short} or
 * {@code byte} value becomes if / else if / else in the IR, so no later stage knows about it:
 * each group's condition ({@code k == 1 | k == 2}) is computed before the first branch, and the
 * default group is the last else wherever it stands. A switch statement whose groups each end
 * with {@code break} (or are arrow rules, or the last group) and which nothing else leaves is
 * merged like an if. Any other one (fall-through, a break before the end of a case, a return or
 * a continue inside) is lowered like an if that returns: each branch takes the groups after it
 * and then the rest of the enclosing block, where its {@code break} goes. That copies code, but
 * is exact, and the statement bound ({@code [adjoint.too-many-paths]}) caps it. A switch
 * expression assigns one fresh variable in each branch; a case block must yield as its last
 * statement. String and enum selectors, patterns and guards are {@code [adjoint.switch]}
 * errors: the IR has no objects to compare.
 */
package dev.adjoint.processor.frontend;
