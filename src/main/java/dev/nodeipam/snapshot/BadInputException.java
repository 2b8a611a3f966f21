package dev.nodeipam.snapshot;

/**
 * Input that nodeipam cannot use: a missing file, malformed YAML, an invalid object. Its message is
 * the one line a person reads on stderr, and starts with the file (and line) it is about.
 */
public final class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
