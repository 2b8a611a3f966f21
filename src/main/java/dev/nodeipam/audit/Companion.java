package dev.nodeipam.audit;

import dev.nodeipam.snapshot.RawObject;
import java.util.List;
import java.util.Map;

/**
 * An additive policy that lets trapped flows through by identity.
 *
 * @param direction {@code egress} (for every sender, to the backends) or {@code ingress} (at the
 *     backends, from the affected senders)
 * @param service the backend Service, {@code namespace/name}
 * @param object the CiliumClusterwideNetworkPolicy as plain maps, ready to render as YAML
 * @param caveats what to know before applying it
 */
public record Companion(
    String direction, String service, Map<String, Object> object, List<String> caveats) {

  public Companion {
    caveats = List.copyOf(caveats);
  }

  @SuppressWarnings("unchecked")
  public String name() {
    return (String) ((Map<String, Object>) object.get("metadata")).get("name");
  }

  /** Its namespace: null for a CiliumClusterwideNetworkPolicy. */
  @SuppressWarnings("unchecked")
  public String namespace() {
    return (String) ((Map<String, Object>) object.get("metadata")).get("namespace");
  }

  public String kind() {
    return (String) object.get("kind");
  }

  /** The companion as a policy of a snapshot, to judge flows with it applied. */
  public RawObject asPolicy(String source) {
    return new RawObject(
        (String) object.get("apiVersion"), kind(), namespace(), name(), object, source);
  }
}
