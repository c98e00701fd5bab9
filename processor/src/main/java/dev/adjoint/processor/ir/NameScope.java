package dev.adjoint.processor.ir;

import java.util.HashSet;
import java.util.Set;
import javax.lang.model.SourceVersion;

/**
 * Hands out the local names of one generated method, each once. The user's own names are
 * reserved up front: a user's variable keeps its name ({@link #claim}), and a generated name
 * ({@code t1}, {@code dq}, {@code seed}) never takes one of them, nor a Java keyword: the adjoint
 * of a local {@code o} is {@code do_}, never {@code do}.
 */
public final class NameScope {
  private final Set<String> reserved = new HashSet<>();
  private final Set<String> taken = new HashSet<>();

  /** A scope with the same names reserved and taken, for another method of the same body. */
  public NameScope copy() {
    NameScope copy = new NameScope();
    copy.reserved.addAll(reserved);
    copy.taken.addAll(taken);
    return copy;
  }

  /** Keeps {@code name} for {@link #claim}; generated names avoid it. */
  public void reserve(String name) {
    reserved.add(name);
  }

  /** The user's own {@code name} the first time, then a fresh variant of it. */
  public String claim(String name) {
    return taken.add(name) ? name : fresh(name);
  }

  /** {@code name}, or {@code name_} where {@code name} is a Java keyword ({@code do_}). */
  public static String identifier(String name) {
    return SourceVersion.isKeyword(name, SourceVersion.latest()) ? name + "_" : name;
  }

  /** {@code base} if free, else {@code base2}, {@code base3}, ...; never a keyword. */
  public String fresh(String base) {
    base = identifier(base);
    if (isFree(base)) {
      taken.add(base);
      return base;
    }
    for (int i = 2; ; i++) {
      String candidate = base + i;
      if (isFree(candidate)) {
        taken.add(candidate);
        return candidate;
      }
    }
  }

  /** The first free one of {@code prefix1}, {@code prefix2}, ... */
  public String numbered(String prefix) {
    for (int i = 1; ; i++) {
      String candidate = prefix + i;
      if (isFree(candidate)) {
        taken.add(candidate);
        return candidate;
      }
    }
  }

  private boolean isFree(String name) {
    return !taken.contains(name) && !reserved.contains(name);
  }
}
