package dev.nodeipam.audit;

import dev.nodeipam.snapshot.Service;
import inet.ipaddr.IPAddress;

/**
 * An address a pod can dial that is a Service frontend besides its ClusterIP.
 *
 * @param frontend {@code externalIP}, {@code loadBalancer} (in the status) or {@code nodeIPAM}
 *     (what the Node IPAM controller would publish for a Service of its class that has no status
 *     yet)
 */
public record ServiceAddress(Service service, IPAddress address, String frontend) {
  public static final String EXTERNAL_IP = "externalIP";
  public static final String LOAD_BALANCER = "loadBalancer";
  public static final String NODE_IPAM = "nodeIPAM";

  /** {@code 1.2.3.4} or {@code [2001:db8::1]}, for {@code address:port} texts. */
  public String hostText() {
    String a = address.toCanonicalString();
    return address.isIPv6() ? "[" + a + "]" : a;
  }
}
