package dev.nodeipam.render;

import dev.nodeipam.ipam.ClasslessDefault;
import java.util.LinkedHashMap;
import java.util.Map;

/** How class-less LoadBalancers were decided, in words (stderr note) and as a JSON object. */
public final class ClasslessText {
  private ClasslessText() {}

  /** One line for people. */
  public static String sentence(ClasslessDefault d) {
    String where = d.configSource() == null ? "kube-system/cilium-config" : d.configSource();
    return switch (d.source()) {
      case FLAG -> "LoadBalancers without a loadBalancerClass are decided as Node IPAM's"
          + " (--default-class)";
      case CILIUM_CONFIG -> "LoadBalancers without a loadBalancerClass are decided as Node IPAM's: "
          + where + " has " + ClasslessDefault.ENABLE_KEY + ": \"true\" and "
          + ClasslessDefault.KEY + ": nodeipam";
      case CILIUM_CONFIG_NODE_IPAM_OFF -> where + " has " + ClasslessDefault.KEY
          + ": nodeipam but not " + ClasslessDefault.ENABLE_KEY + ": \"true\": Cilium's Node IPAM"
          + " is off, so LoadBalancers without a loadBalancerClass get no address from it";
      case NOT_OWNED -> "LoadBalancers without a loadBalancerClass are not Node IPAM's"
          + (d.configValue() == null ? "" : " (" + ClasslessDefault.KEY + ": "
              + d.configValue() + ")");
    };
  }

  /** The JSON form, with a stable code for scripts. */
  public static Map<String, Object> document(ClasslessDefault d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("owned", d.options().defaultClass());
    m.put("source", d.source().name());
    if (d.configValue() != null) {
      m.put(ClasslessDefault.KEY, d.configValue());
    }
    m.put("message", sentence(d));
    return m;
  }
}
