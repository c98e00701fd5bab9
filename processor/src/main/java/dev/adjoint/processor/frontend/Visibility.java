package dev.adjoint.processor.frontend;

import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/** What the generated class, in its package, can name, and how it writes a type's name. */
final class Visibility {
  private final Elements elements;
  private final PackageElement generatedPackage;

  Visibility(Elements elements, PackageElement generatedPackage) {
    this.elements = elements;
    this.generatedPackage = generatedPackage;
  }

  /** Whether the generated class, in {@link #generatedPackage}, can name {@code member}. */
  boolean isAccessible(Element member) {
    for (Element e = member; e instanceof VariableElement || e instanceof TypeElement
        || e instanceof ExecutableElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        return false;
      }
      if (!e.getModifiers().contains(Modifier.PUBLIC)
          && !elements.getPackageOf(e).equals(generatedPackage)) {
        return false;
      }
    }
    return true;
  }

  /** The name of {@code type} in the generated class: simple for java.lang and its own package. */
  String typeReference(TypeElement type) {
    String qualified = type.getQualifiedName().toString();
    if (qualified.startsWith("java.lang.") && qualified.indexOf('.', 10) < 0) {
      return type.getSimpleName().toString();
    }
    String pkg = elements.getPackageOf(type).getQualifiedName().toString();
    return pkg.equals(generatedPackage.getQualifiedName().toString()) && !pkg.isEmpty()
        ? qualified.substring(pkg.length() + 1) : qualified;
  }
}
