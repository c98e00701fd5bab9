package dev.adjoint.processor.ir;

/** {@code if (condition) then else otherwise}; the condition is a boolean operand. */
public record If(Operand condition, Block then, Block otherwise, Origin origin)
    implements Stmt, Located {}
