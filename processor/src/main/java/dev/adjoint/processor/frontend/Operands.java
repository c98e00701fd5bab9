package dev.adjoint.processor.frontend;

import com.sun.source.util.TreePath;
import dev.adjoint.processor.ir.Operand;
import dev.adjoint.processor.ir.Stmt;
import java.util.List;

/**
 * Lowers a nested expression to the operand holding its value ({@link
 * ExpressionLowering#lowerOperand}): what array and call lowering need of expression lowering.
 */
@FunctionalInterface
interface Operands {
  Operand lower(TreePath path, Env env, List<Stmt> out);
}
