package dev.adjoint.processor.testing;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * Arguments with records, seen component by component: {@link #explode} replaces each record by
 * its components (nested records too, in declaration order), {@link #implode} builds the records
 * back around new component values. Finite differences and the flattened twin a test hands
 * Hipparchus read the exploded form.
 */
public final class RecordArgs {
  private RecordArgs() {}

  public static Object[] explode(Object... args) {
    List<Object> flat = new ArrayList<>();
    for (Object a : args) {
      explode(a, flat);
    }
    return flat.toArray();
  }

  private static void explode(Object value, List<Object> flat) {
    if (value == null || !value.getClass().isRecord()) {
      flat.add(value);
      return;
    }
    for (RecordComponent c : value.getClass().getRecordComponents()) {
      explode(read(c, value), flat);
    }
  }

  /** {@code template} with its records rebuilt from {@code flat}, as {@link #explode} ordered. */
  public static Object[] implode(Object[] template, Object[] flat) {
    int[] next = {0};
    Object[] args = new Object[template.length];
    for (int i = 0; i < template.length; i++) {
      args[i] = implode(template[i], flat, next);
    }
    if (next[0] != flat.length) {
      throw new IllegalArgumentException(flat.length + " values for " + next[0] + " components");
    }
    return args;
  }

  private static Object implode(Object template, Object[] flat, int[] next) {
    if (template == null || !template.getClass().isRecord()) {
      return flat[next[0]++];
    }
    RecordComponent[] components = template.getClass().getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      values[i] = implode(read(components[i], template), flat, next);
      types[i] = components[i].getType();
    }
    try {
      Constructor<?> canonical = template.getClass().getDeclaredConstructor(types);
      canonical.setAccessible(true);
      return canonical.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static Object read(RecordComponent c, Object record) {
    try {
      c.getAccessor().setAccessible(true);
      return c.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
