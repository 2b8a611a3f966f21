package dev.nodeipam.ipam;

import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.Map;
import java.util.Optional;

/**
 * Whether LoadBalancers without a class are Node IPAM's (R2), from the flag or from Cilium's own
 * configuration: with {@code enable-node-ipam: "true"} and {@code default-lb-service-ipam:
 * nodeipam} in {@code kube-system/cilium-config}, Cilium's operator publishes node addresses for
 * class-less LoadBalancers as it does for {@code io.cilium/node} (docs/spec/node-ipam.md#R2).
 * Every command that predicts Cilium's Node IPAM from a snapshot decides it here, so plan, audit,
 * diff and migrate agree with the controller's safety check (docs/controller.md).
 *
 * @param options the options with {@code defaultClass} as resolved
 * @param source why class-less LoadBalancers are, or are not, owned
 * @param configValue the value of {@code default-lb-service-ipam} read, or null when absent
 * @param configSource where cilium-config was read, or null
 */
public record ClasslessDefault(
    NodeIpamOptions options, Source source, String configValue, String configSource) {

  /**
   * The cilium-config key Cilium's operator reads: {@code lbipam} (its default), {@code nodeipam}
   * or {@code none} (cilium/cilium#33282, #40888).
   */
  public static final String KEY = "default-lb-service-ipam";

  /** The cilium-config key that turns Cilium's Node IPAM on. */
  public static final String ENABLE_KEY = "enable-node-ipam";

  /** Why class-less LoadBalancers are or are not predicted as Node IPAM's. */
  public enum Source {
    /** {@code --default-class} was given. */
    FLAG,
    /** cilium-config makes Cilium's Node IPAM the default for class-less LoadBalancers. */
    CILIUM_CONFIG,
    /** cilium-config names Node IPAM as the default but does not turn Node IPAM on. */
    CILIUM_CONFIG_NODE_IPAM_OFF,
    /** Neither: class-less LoadBalancers are left to others (LB IPAM by Cilium's default). */
    NOT_OWNED
  }

  /** The resolution for a snapshot: the flag first, then cilium-config for Cilium's class. */
  public static ClasslessDefault resolve(NodeIpamOptions requested, ClusterSnapshot snapshot) {
    return resolve(requested, snapshot.ciliumConfig(), snapshot.ciliumConfigSource().orElse(null));
  }

  /** The resolution from cilium-config's data, when the input has it. */
  public static ClasslessDefault resolve(NodeIpamOptions requested,
      Optional<Map<String, String>> ciliumConfig, String where) {
    String value = ciliumConfig.map(c -> unquote(c.get(KEY))).orElse(null);
    if (requested.defaultClass()) {
      return new ClasslessDefault(requested, Source.FLAG, value, where);
    }
    if (!"nodeipam".equals(value) || !NodeIpamOptions.DEFAULT_CLASS.equals(
        requested.loadBalancerClass())) {
      return new ClasslessDefault(requested, Source.NOT_OWNED, value, where);
    }
    return ciliumOwnsClassless(ciliumConfig)
        ? new ClasslessDefault(requested.withDefaultClass(true), Source.CILIUM_CONFIG, value, where)
        : new ClasslessDefault(requested, Source.CILIUM_CONFIG_NODE_IPAM_OFF, value, where);
  }

  /** Whether cilium-config turns Cilium's own Node IPAM on ({@code enable-node-ipam}). */
  public static boolean ciliumNodeIpamEnabled(Optional<Map<String, String>> ciliumConfig) {
    return ciliumConfig.isPresent()
        && "true".equalsIgnoreCase(unquote(ciliumConfig.get().get(ENABLE_KEY)));
  }

  /** Whether Cilium's own Node IPAM publishes addresses for LoadBalancers without a class. */
  public static boolean ciliumOwnsClassless(Optional<Map<String, String>> ciliumConfig) {
    return ciliumNodeIpamEnabled(ciliumConfig)
        && "nodeipam".equals(unquote(ciliumConfig.get().get(KEY)));
  }

  /** The options to decide a snapshot's Services with. */
  public static NodeIpamOptions applied(NodeIpamOptions requested, ClusterSnapshot snapshot) {
    return resolve(requested, snapshot).options();
  }

  /** Whether the output should say how class-less LoadBalancers were decided. */
  public boolean worthSaying() {
    return source == Source.CILIUM_CONFIG || source == Source.CILIUM_CONFIG_NODE_IPAM_OFF;
  }

  private static String unquote(String raw) {
    return raw == null ? null : raw.trim().replaceAll("^[\"']|[\"']$", "");
  }
}
