package dev.nodeipam.render;

import dev.nodeipam.migrate.PlanWarning;
import dev.nodeipam.snapshot.AnnotatedAddresses;
import java.util.ArrayList;
import java.util.List;

/** The sentences of the planner's warnings ({@link PlanWarning}), in migrate's text and JSON. */
public final class MigrateWarningText {
  private MigrateWarningText() {}

  /** Each warning as its sentence. */
  public static List<String> sentences(List<PlanWarning> warnings) {
    return warnings.stream().map(MigrateWarningText::sentence).toList();
  }

  /** The warning as one sentence, starting in lower case. */
  public static String sentence(PlanWarning w) {
    List<String> list = w.list();
    return switch (w.kind()) {
      case EXTERNAL_NAME ->
          "an ExternalName Service cannot become a LoadBalancer; it is left as it is";
      case HEADLESS -> "a headless Service (clusterIP: None) cannot become a LoadBalancer; give"
          + " it a ClusterIP first (a new Service), or keep it on an address-pool LoadBalancer";
      case NOT_AN_ADDRESS -> "\"" + w.value(0) + "\" in spec.externalIPs is not an IP address";
      case UNOWNED -> String.join(", ", list)
          + (list.size() == 1 ? " is not an address" : " are not addresses")
          + " of any node (ExternalIP or InternalIP): Node IPAM can only publish node"
          + " addresses. Keep this Service as it is and move it to an address-pool LoadBalancer"
          + " instead (Cilium LB-IPAM with a CiliumLoadBalancerIPPool, or MetalLB)";
      case NODE_EXCLUDED -> "node " + w.value(0) + " owns " + w.value(1)
          + " but Node IPAM never uses it (" + w.value(2) + ")";
      case ANNOTATION_USED -> "uses " + w.value(0) + ": only nodeipam's own controller honours"
          + " it; Cilium's Node IPAM ignores it and would publish " + String.join(", ", list);
      case ANNOTATION_WOULD -> "no Cilium-compatible grouping reproduces the old addresses; with"
          + " nodeipam's own controller, " + w.value(0) + " would (run with"
          + " --nodeipam-annotations)";
      case OTHER_INGRESS -> "it has status.loadBalancer.ingress " + list
          + " from another LoadBalancer controller: those addresses end with the migration";
      case CLASS_CHANGE -> "the API server refuses to add or change spec.loadBalancerClass on a"
          + " Service that is already type LoadBalancer: the steps first make it a NodePort"
          + " Service (its node ports are kept), then a LoadBalancer of class " + w.value(0)
          + "; applying the manifest straight onto the live Service would be refused";
      case SPLIT -> split(w);
      case SINGLE_STACK -> "the Service becomes single-stack " + w.value(0)
          + " (its addresses are all " + w.value(0) + "): its " + w.value(1)
          + " ClusterIP is released";
      case DUAL_STACK -> "the Service becomes dual-stack (RequireDualStack, "
          + String.join(", ", list) + "): the cluster must be dual-stack; the Service gets an "
          + w.value(0) + " ClusterIP";
      case LABELS_CHANGE_OTHER -> "the new node labels change what Node IPAM publishes for "
          + w.value(0) + ": " + w.value(1) + " becomes " + w.value(2);
      case IPAM_ERROR -> w.value(0) + ": " + w.value(1);
      case ANNOTATED_ADDRESSES -> w.value(0) + " publishes " + String.join(", ", list) + " by "
          + AnnotatedAddresses.EXTENSION + ": it needs nodeipam's controller";
      case LOCAL -> local("now " + (list.isEmpty()
          ? "none of the selected nodes" : String.join(", ", list)));
      case LOCAL_NO_SLICES -> local("the input has no EndpointSlices for it, so nothing is"
          + " published until its pods are ready (read the live cluster, or add its"
          + " EndpointSlices to the manifests)");
      case NOT_EXACT -> notExact(w.values(), list);
      case NO_STEPS -> "no steps are written for this Service: the migration would expose"
          + " addresses it never listed. Resolve that first (move the address, or run"
          + " nodeipam's controller with --nodeipam-annotations if that reproduces it), or"
          + " migrate it by hand from the manifests";
    };
  }

  private static String split(PlanWarning w) {
    List<String> created = w.list();
    String primary = w.value(1);
    return (primary.isEmpty()
            ? "one Node IPAM LoadBalancer cannot publish exactly these addresses (it"
                + " publishes every address of its nodes in its families, ExternalIPs"
                + " before InternalIPs):"
            : "the Service's primary family " + primary
                + " is not among the families of its addresses and cannot change:")
        + " they move to " + (created.size() == 1 ? "a new Service " : "new Services ")
        + String.join(", ", created) + " with the same selector and ports; " + w.value(0)
        + " keeps serving in-cluster clients"
        + (w.value(2).isEmpty() ? "" : " as a ClusterIP Service") + " without externalIPs";
  }

  private static String local(String now) {
    return "externalTrafficPolicy Local is kept: Node IPAM publishes only the addresses of"
        + " selected nodes that hold a ready endpoint of the Service (" + now + "); the list"
        + " follows the pods. With externalIPs every listed address was routed, but nodes"
        + " without a local endpoint dropped the traffic";
  }

  private static String notExact(List<String> lost, List<String> added) {
    List<String> parts = new ArrayList<>();
    if (!lost.isEmpty()) {
      parts.add("no longer served: " + String.join(", ", lost));
    }
    if (!added.isEmpty()) {
      parts.add("newly exposed: " + String.join(", ", added));
    }
    return "the old addresses are not reproduced exactly; " + String.join("; ", parts);
  }
}
