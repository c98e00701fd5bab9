package dev.adjoint.processor.ir;

import com.sun.source.tree.Tree;

/**
 * Where an IR statement comes from: the source line and text shown in generated comments, and
 * the tree that diagnostics about it point at.
 */
public record Origin(int line, String text, Tree tree) {}
