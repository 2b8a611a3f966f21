package dev.nodeipam.migrate;

import java.util.List;

/** How the steps write objects into commands; supplied by the rendering adapter. */
public interface CommandText {
  /** A multi-document YAML stream, ready for {@code kubectl apply -f -}. */
  String yamlDocuments(List<?> objects);

  /** One line of JSON, for {@code kubectl patch --type=json -p}. */
  String compactJson(Object value);
}
