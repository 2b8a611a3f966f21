package dev.nodeipam.ipam;

import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;

/** R1–R4: whether the controller owns a Service's status, and if not, why. */
public final class ServiceOwnership {
  private ServiceOwnership() {}

  /** Null when the Service is ours to reconcile, else the reason it is not. */
  public static String notHandledReason(Service service, NodeIpamOptions options) {
    if (service.type() != ServiceType.LOAD_BALANCER) {
      return "type is " + service.type() + ", not LoadBalancer";
    }
    if (service.loadBalancerClass() == null) {
      if (!options.defaultClass()) {
        return "LoadBalancer without a class (default-class is off)";
      }
    } else if (!service.loadBalancerClass().equals(options.loadBalancerClass())) {
      return "loadBalancerClass is " + service.loadBalancerClass();
    }
    if (service.deleting()) {
      return "being deleted";
    }
    return null;
  }

  public static boolean handles(Service service, NodeIpamOptions options) {
    return notHandledReason(service, options) == null;
  }
}
