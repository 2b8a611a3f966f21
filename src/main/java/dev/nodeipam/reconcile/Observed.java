package dev.nodeipam.reconcile;

import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Service;
import java.util.List;

/**
 * Everything one reconcile of a Service reads, as plain values.
 *
 * @param key {@code namespace/name}
 * @param service the cached record; null when the Service is gone
 * @param pool the nodes as the decision reads them
 * @param slices the Service's EndpointSlices (R15)
 * @param released whether E11 marked the Service's status as ours to clear
 * @param reported what was already said about the Service
 * @param role what this replica may do
 * @param omitIpMode whether the API server was seen dropping {@code ipMode} (it is then not
 *     written)
 */
public record Observed(
    String key,
    Service service,
    NodePool pool,
    List<EndpointSlice> slices,
    boolean released,
    Reported reported,
    Role role,
    boolean omitIpMode) {
  public Observed {
    slices = List.copyOf(slices);
    reported = reported == null ? Reported.NONE : reported;
  }

  /** A builder, every component named; lists and maps start empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .key(key)
        .service(service)
        .pool(pool)
        .slices(slices)
        .released(released)
        .reported(reported)
        .role(role)
        .omitIpMode(omitIpMode);
  }

  /** Builds a {@link Observed} component by component. */
  public static final class Builder {
    private String key;
    private Service service;
    private NodePool pool;
    private List<EndpointSlice> slices = List.of();
    private boolean released;
    private Reported reported;
    private Role role;
    private boolean omitIpMode;

    private Builder() {}

    public Builder key(String key) {
      this.key = key;
      return this;
    }

    public Builder service(Service service) {
      this.service = service;
      return this;
    }

    public Builder pool(NodePool pool) {
      this.pool = pool;
      return this;
    }

    public Builder slices(List<EndpointSlice> slices) {
      this.slices = slices;
      return this;
    }

    public Builder released(boolean released) {
      this.released = released;
      return this;
    }

    public Builder reported(Reported reported) {
      this.reported = reported;
      return this;
    }

    public Builder role(Role role) {
      this.role = role;
      return this;
    }

    public Builder omitIpMode(boolean omitIpMode) {
      this.omitIpMode = omitIpMode;
      return this;
    }

    public Observed build() {
      return new Observed(key, service, pool, slices, released, reported, role, omitIpMode);
    }
  }
}
