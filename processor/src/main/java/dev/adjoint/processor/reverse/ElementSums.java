package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.NameScope;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Adds several contributions to one array element once: {@code dx[2 * i] += a; ...;
 * dx[2 * i] += b;} becomes {@code double dxSum1 = a; ...; dxSum1 += b; dx[2 * i] += dxSum1;}, as a
 * person sums the gradient of a value read twice before storing it. The JIT does not merge the
 * repeated read-modify-writes of an element (it cannot prove the stores in between touch other
 * elements), so each costs a load and a store. Contributions are summed in the same order; only
 * where the element is added to changes. Within one block, and only while nothing reads the
 * array or leaves the straight line (a branch, a loop, a call, a restore), and never for an
 * adjoint array that another name shares (the shadows of arrays assigned to one another).
 */
final class ElementSums {
  private final NameScope names;
  private final Set<String> shared;

  private ElementSums(NameScope names, Set<String> shared) {
    this.names = names;
    this.shared = shared;
  }

  /**
   * The backward sweep {@code statements} with repeated element contributions summed, except
   * into the adjoint arrays named in {@code shared}.
   */
  static List<BackStmt> of(List<BackStmt> statements, NameScope names, Set<String> shared) {
    return new ElementSums(names, shared).block(statements);
  }

  private List<BackStmt> block(List<BackStmt> statements) {
    List<BackStmt> out = new ArrayList<>();
    int start = 0;
    for (int k = 0; k <= statements.size(); k++) {
      BackStmt stmt = k < statements.size() ? statements.get(k) : null;
      if (stmt == null || !isStraight(stmt)) {
        out.addAll(run(statements.subList(start, k)));
        if (stmt != null) {
          out.add(nested(stmt));
        }
        start = k + 1;
      }
    }
    return out;
  }

  private BackStmt nested(BackStmt stmt) {
    if (stmt instanceof BackIf branch) {
      return new BackIf(branch.condition(), block(branch.then()), block(branch.otherwise()),
          branch.origin());
    }
    if (stmt instanceof BackLoop loop) {
      return new BackLoop(loop.loop(), loop.from(), loop.to(), loop.trips(), loop.tripsOnTape(),
          block(loop.body()), loop.origin());
    }
    return stmt;
  }

  private static boolean isStraight(BackStmt stmt) {
    return stmt instanceof Accumulate || stmt instanceof Capture || stmt instanceof ZeroInit
        || stmt instanceof Reset;
  }

  /** One straight run: sums each element's contributions that no read of its array separates. */
  private List<BackStmt> run(List<BackStmt> statements) {
    // for each element added to more than once, the positions of its additions
    Map<String, List<Integer>> additions = new HashMap<>();
    Map<String, Integer> lastRead = new HashMap<>();
    List<List<Integer>> groups = new ArrayList<>();
    for (int k = 0; k < statements.size(); k++) {
      BackStmt stmt = statements.get(k);
      for (String array : arraysRead(stmt)) {
        lastRead.put(array, k);
      }
      if (stmt instanceof Accumulate add && !add.declares() && add.adjoint().contains("[")) {
        String array = add.adjoint().substring(0, add.adjoint().indexOf('['));
        if (shared.contains(array)) {
          continue;
        }
        List<Integer> group = additions.get(add.adjoint());
        if (group != null && lastRead.getOrDefault(array, -1) < group.get(0)) {
          group.add(k);
        } else {
          group = new ArrayList<>(List.of(k));
          additions.put(add.adjoint(), group);
          groups.add(group);
        }
      }
    }
    Map<Integer, BackStmt> replaced = new HashMap<>();
    Map<Integer, BackStmt> appended = new HashMap<>();
    for (List<Integer> group : groups) {
      if (group.size() < 2) {
        continue;
      }
      Accumulate first = (Accumulate) statements.get(group.get(0));
      String sum = names.numbered(first.adjoint().substring(0, first.adjoint().indexOf('['))
          + "Sum");
      replaced.put(group.get(0), new Capture(Type.DOUBLE, sum, first.expr()));
      for (int k : group.subList(1, group.size())) {
        Accumulate add = (Accumulate) statements.get(k);
        replaced.put(k, new Accumulate(sum, add.expr(), false, add.origin()));
      }
      int last = group.get(group.size() - 1);
      appended.put(last, new Accumulate(first.adjoint(), sum, false, null));
    }
    List<BackStmt> out = new ArrayList<>();
    for (int k = 0; k < statements.size(); k++) {
      out.add(replaced.getOrDefault(k, statements.get(k)));
      if (appended.containsKey(k)) {
        out.add(appended.get(k));
      }
    }
    return out;
  }

  /** The arrays whose elements a statement reads (or resets), by name. */
  private static List<String> arraysRead(BackStmt stmt) {
    String code;
    if (stmt instanceof Accumulate add) {
      code = add.expr() + (add.declares() ? "" : " " + add.adjoint().replaceFirst("^[^\\[]*", ""));
    } else if (stmt instanceof Capture capture) {
      code = capture.code();
    } else if (stmt instanceof Reset reset) {
      code = reset.target();
    } else {
      return List.of();
    }
    List<String> arrays = new ArrayList<>();
    var matcher = ELEMENT.matcher(code);
    while (matcher.find()) {
      arrays.add(matcher.group(1));
    }
    return arrays;
  }

  private static final Pattern ELEMENT = Pattern.compile("([A-Za-z_$][\\w$]*)\\s*\\[");
}
