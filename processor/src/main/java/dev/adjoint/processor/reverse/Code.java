package dev.adjoint.processor.reverse;

import dev.adjoint.processor.ir.Origin;

/** One statement of generated code, such as the call of a callee's pullback. */
public record Code(String statement, Origin origin) implements BackStmt {}
