package dev.nodeipam.diff;

/**
 * A place in the input: a file as it was named on the command line (or in the base commit), a
 * line and a column, both counted from 1.
 */
public record Location(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
