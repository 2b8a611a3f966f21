package dev.nodeipam.policy.model;

import java.util.Locale;

/** The names {@code toEntities}/{@code fromEntities} accept. */
public enum Entity {
  ALL("all"),
  WORLD("world"),
  WORLD_IPV4("world-ipv4"),
  WORLD_IPV6("world-ipv6"),
  CLUSTER("cluster"),
  HOST("host"),
  REMOTE_NODE("remote-node"),
  KUBE_APISERVER("kube-apiserver"),
  HEALTH("health"),
  INIT("init"),
  INGRESS("ingress"),
  UNMANAGED("unmanaged"),
  NONE("none");

  private final String wire;

  Entity(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The entity of a name, or null when Cilium has none of that name. */
  public static Entity parse(String text) {
    if (text == null) {
      return null;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    for (Entity e : values()) {
      if (e.wire.equals(lower)) {
        return e;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return wire;
  }
}
