package dev.adjoint.processor.frontend;

import com.sun.source.util.Trees;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.Optional;
import javax.annotation.processing.ProcessingEnvironment;

/**
 * Finds javac's {@link Trees} behind a processing environment. Gradle wraps javac's environment
 * in a class holding it in a field ({@code delegate}); IntelliJ in a {@link Proxy} whose handler
 * holds it. {@code Trees.instance} accepts only javac's own, so we unwrap first.
 */
public final class ProcessingEnvironments {
  private static final int MAX_WRAPPERS = 5;

  private ProcessingEnvironments() {}

  /** javac's Trees, or empty under a compiler without the Tree API (such as Eclipse's). */
  public static Optional<Trees> trees(ProcessingEnvironment env) {
    ProcessingEnvironment current = env;
    for (int depth = 0; depth < MAX_WRAPPERS && current != null; depth++) {
      try {
        return Optional.of(Trees.instance(current));
      } catch (IllegalArgumentException | LinkageError notJavac) {
        current = unwrap(current);
      }
    }
    return Optional.empty();
  }

  private static ProcessingEnvironment unwrap(ProcessingEnvironment env) {
    Object holder = Proxy.isProxyClass(env.getClass()) ? Proxy.getInvocationHandler(env) : env;
    for (Class<?> c = holder.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (!ProcessingEnvironment.class.isAssignableFrom(field.getType())
            && !field.getName().equals("delegate")) {
          continue;
        }
        try {
          field.setAccessible(true);
          if (field.get(holder) instanceof ProcessingEnvironment inner && inner != env) {
            return inner;
          }
        } catch (ReflectiveOperationException | RuntimeException inaccessible) {
          // not this field; try the others
        }
      }
    }
    return null;
  }
}
