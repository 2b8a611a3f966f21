package dev.nodeipam.snapshot;

/**
 * What Kubernetes says of {@code Service.spec.externalIPs}, in the one wording every command uses.
 */
public final class ExternalIps {
  /**
   * The deprecation clause that follows a mention of {@code spec.externalIPs} (Kubernetes v1.36
   * deprecates the field; CVE-2020-8554 is why: any Service author can claim any address).
   */
  public static final String DEPRECATED = "which Kubernetes deprecates (v1.36; CVE-2020-8554)";

  private ExternalIps() {}
}
