package dev.nodeipam.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest (the Maven project version), for {@code --version}. */
public final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "nodeipam " + (version == null ? "(development build)" : version),
      "Java " + System.getProperty("java.version")
    };
  }

  /** The version number, or null for a development build. */
  public static String number() {
    return Main.class.getPackage().getImplementationVersion();
  }
}
