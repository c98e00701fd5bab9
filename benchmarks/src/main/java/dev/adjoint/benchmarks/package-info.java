/**
 * Benchmarks of Adjoint's generated gradients (DESIGN §6): each workload is a
 * {@code @Differentiable} objective ({@link dev.adjoint.benchmarks.SigmoidNeuron},
 * {@link dev.adjoint.benchmarks.TwoLayerNet}, {@link dev.adjoint.benchmarks.Gmm},
 * {@link dev.adjoint.benchmarks.Lstm}, {@link dev.adjoint.benchmarks.Rosenbrock}), its
 * hand-written gradient ({@code *Hand}), its Hipparchus forward-mode translation
 * ({@code *Forward}) and a JMH class ({@code *Benchmark}); {@link dev.adjoint.benchmarks.Report}
 * runs them and prints the ratios.
 */
package dev.adjoint.benchmarks;
