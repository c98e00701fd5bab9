package dev.adjoint.processor;

import static dev.adjoint.processor.testing.GradientAssertions.assertExactGradient;
import static dev.adjoint.processor.testing.GradientAssertions.assertGradient;
import static dev.adjoint.processor.testing.GradientAssertions.assertRecordGradient;
import static dev.adjoint.processor.testing.GradientAssertions.assertSecondOrder;

import dev.adjoint.processor.oracle.RandomPrograms;
import dev.adjoint.processor.oracle.RecordVariant;
import dev.adjoint.processor.testing.Compiled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random programs over the supported subset, differentiated by the processor and checked against
 * Hipparchus and finite differences (Hipparchus alone for programs calling
 * {@code Gates.stopGradient}); every third program, made order 2, also against Hipparchus
 * {@code DerivativeStructure} of order 2 (its HVP and Hessian); every fourth, its leading
 * parameters moved into a (sometimes nested) record, against Hipparchus on the program before
 * ({@link RecordVariant}). {@code -Dadjoint.fuzz.programs=N} sets how many scalar programs
 * and how many programs with loops, {@code -Dadjoint.fuzz.callPrograms=N} how many programs
 * with calls (slower: bigger, and compiled with their helpers); processor/pom.xml sets both for
 * a normal build (about a minute in all on 2 idle cores); {@code -Dadjoint.fuzz.seed=S} where
 * they start. A failing program is printed and written to {@code
 * target/fuzz-failures/} to be kept as a regression case.
 */
class RandomProgramsTest {
  private static final int BATCH = 50;

  @Test
  void scalarPrograms() throws IOException {
    check(RandomPrograms::generate, "adjoint.fuzz.programs");
  }

  @Test
  void programsWithLoopsAndArrays() throws IOException {
    check(RandomPrograms::generateWithLoops, "adjoint.fuzz.programs");
  }

  @Test
  void programsWithCalls() throws IOException {
    check(RandomPrograms::generateWithCalls, "adjoint.fuzz.callPrograms");
  }

  private static void check(java.util.function.LongFunction<RandomPrograms.Program> generator,
      String countProperty) throws IOException {
    int count = Integer.getInteger(countProperty, 300);
    long first = Long.getLong("adjoint.fuzz.seed", 1);
    System.out.printf("RandomProgramsTest: %d programs from seed %d%n", count, first);
    List<String> failures = new ArrayList<>();
    for (long start = first; start < first + count; start += BATCH) {
      List<RandomPrograms.Program> batch = new ArrayList<>();
      java.util.Map<RandomPrograms.Program, RecordVariant> variants = new java.util.HashMap<>();
      for (long seed = start; seed < Math.min(start + BATCH, first + count); seed++) {
        RandomPrograms.Program program = secondOrderSometimes(generator.apply(seed), seed);
        RecordVariant variant = seed % 4 == 2 ? RecordVariant.of(program) : null;
        if (variant != null) {
          program = withRecord(program, variant);
          variants.put(program, variant);
        }
        batch.add(program);
      }
      Compiled compiled;
      try {
        compiled = Compiled.compile(
            batch.stream().map(RandomPrograms.Program::source).toArray(String[]::new));
      } catch (AssertionError e) {
        for (RandomPrograms.Program program : batch) {
          keep(program, e.getMessage());
        }
        failures.add("batch from seed " + start + " did not compile: " + e.getMessage());
        continue;
      }
      for (RandomPrograms.Program program : batch) {
        try {
          RecordVariant variant = variants.get(program);
          if (variant != null) {
            assertRecordGradient(compiled, program.source(), variant.original(),
                program.methodName(), recordArgs(compiled, variant, program.args()),
                program.args());
            continue;
          }
          if (program.source().contains("Gates.stopGradient(")) {
            // finite differences see through stopGradient: the exact oracle alone checks it
            assertExactGradient(
                compiled, program.source(), program.methodName(), program.args());
          } else {
            assertGradient(compiled, program.source(), program.methodName(), program.args());
          }
          if (program.source().contains("order = 2")) {
            assertSecondOrder(compiled, program.source(), program.methodName(), program.args());
          }
        } catch (AssertionError | RuntimeException e) {
          keep(program, e.getMessage());
          failures.add(program.description() + ": " + e.getMessage());
        }
      }
    }
    if (!failures.isEmpty()) {
      throw new AssertionError(failures.size() + " of " + count + " programs failed; kept in "
          + "target/fuzz-failures/\n" + String.join("\n\n", failures));
    }
  }

  /** {@code program} with its leading parameters in a record (its arguments still flat). */
  private static RandomPrograms.Program withRecord(RandomPrograms.Program program,
      RecordVariant variant) {
    return new RandomPrograms.Program(variant.source(), program.className(),
        program.methodName(), program.args(), program.description() + ", "
            + variant.packed() + " parameters in a record" + (variant.nested() ? " (nested)" : ""));
  }

  /** The arguments with the packed ones built into the variant's record. */
  private static Object[] recordArgs(Compiled compiled, RecordVariant variant, Object[] flat) {
    try {
      Class<?> rec = compiled.load(variant.recordClass());
      Object record;
      if (variant.nested()) {
        Class<?> rest = compiled.load(variant.recordClass().replace("$Rec", "$Rest"));
        Object inner = construct(rest, java.util.Arrays.copyOfRange(flat, 1, variant.packed()));
        record = construct(rec, new Object[] {flat[0], inner});
      } else {
        record = construct(rec, java.util.Arrays.copyOf(flat, variant.packed()));
      }
      Object[] args = new Object[flat.length - variant.packed() + 1];
      args[0] = record;
      System.arraycopy(flat, variant.packed(), args, 1, flat.length - variant.packed());
      return args;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static Object construct(Class<?> record, Object[] components)
      throws ReflectiveOperationException {
    var canonical = record.getDeclaredConstructors()[0];
    canonical.setAccessible(true);
    return canonical.newInstance(components);
  }

  /**
   * Every third program with its methods of order 2, so that its HVP and Hessian are checked too,
   * unless it calls a method with a {@code @CustomGradient} (which would need a
   * {@code @CustomHvp}).
   */
  private static RandomPrograms.Program secondOrderSometimes(RandomPrograms.Program program,
      long seed) {
    if (seed % 3 != 0 || program.source().contains("@CustomGradient")
        || program.source().contains("static double[] ")) { // no HVP of a vector helper
      return program;
    }
    return new RandomPrograms.Program(Compiled.secondOrder(program.source()),
        program.className(), program.methodName(), program.args(),
        program.description() + ", order 2");
  }

  private static void keep(RandomPrograms.Program program, String why) throws IOException {
    Path dir = Path.of("target", "fuzz-failures");
    Files.createDirectories(dir);
    String name = program.className().substring(program.className().lastIndexOf('.') + 1);
    Files.writeString(dir.resolve(name + ".java"),
        "// " + program.description() + "\n// args " + java.util.Arrays.toString(program.args())
            + "\n// " + String.valueOf(why).lines().findFirst().orElse("") + "\n"
            + program.source());
  }
}
