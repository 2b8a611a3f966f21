package dev.nodeipam.controller;

import dev.nodeipam.ipam.Exclusion;
import java.util.List;

/**
 * One change the controller made (or, in a dry run, would have made) to a Service's ingress.
 *
 * @param before the addresses the Service showed
 * @param after the addresses now published; null when E11 cleared the list
 * @param excluded the nodes the Service would otherwise have used, with the reason
 */
public record PublishedChange(
    String namespace,
    String name,
    List<String> before,
    List<String> after,
    List<Exclusion> excluded,
    boolean dryRun) {

  public String key() {
    return namespace + "/" + name;
  }
}
