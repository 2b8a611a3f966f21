package dev.nodeipam.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodeipam.labels.LabelSelector;
import dev.nodeipam.labels.Requirement;
import dev.nodeipam.snapshot.AnnotatedAddresses;
import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.DaemonSetImages;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.IpFamilyPolicy;
import dev.nodeipam.snapshot.ManifestDefaults;
import dev.nodeipam.snapshot.Namespace;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.PortRef;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceCondition;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import dev.nodeipam.snapshot.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * From fabric8's model objects to the snapshot's values, for manifests and informers alike. Nothing
 * is defaulted here: what the API server fills in is {@link ManifestDefaults}'
 * job, and objects from a live cluster already carry it.
 */
public final class KubeConverters {
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  private static final ObjectMapper PLAIN = new ObjectMapper();

  private KubeConverters() {}

  public static Node node(io.fabric8.kubernetes.api.model.Node n, String source) {
    ObjectMeta m = n.getMetadata();
    List<Node.NodeAddress> addresses = new ArrayList<>();
    List<Node.Taint> taints = new ArrayList<>();
    List<String> podCidrs = new ArrayList<>();
    String ready = null;
    boolean unschedulable = false;
    if (n.getSpec() != null) {
      for (var t : nonNull(n.getSpec().getTaints())) {
        taints.add(new Node.Taint(t.getKey(), t.getValue(), t.getEffect()));
      }
      unschedulable = Boolean.TRUE.equals(n.getSpec().getUnschedulable());
      if (n.getSpec().getPodCIDRs() != null && !n.getSpec().getPodCIDRs().isEmpty()) {
        podCidrs.addAll(n.getSpec().getPodCIDRs());
      } else if (n.getSpec().getPodCIDR() != null) {
        podCidrs.add(n.getSpec().getPodCIDR());
      }
    }
    if (n.getStatus() != null) {
      for (var a : nonNull(n.getStatus().getAddresses())) {
        if (a.getType() != null && a.getAddress() != null) {
          addresses.add(new Node.NodeAddress(a.getType(), a.getAddress()));
        }
      }
      for (NodeCondition c : nonNull(n.getStatus().getConditions())) {
        if ("Ready".equals(c.getType())) {
          ready = c.getStatus();
        }
      }
    }
    return Node.builder()
        .name(m.getName())
        .labels(labels(m))
        .addresses(addresses)
        .taints(taints)
        .deleting(m.getDeletionTimestamp() != null)
        .ready(ready)
        .unschedulable(unschedulable)
        .podCidrs(podCidrs)
        .source(source)
        .annotatedAddresses(
            AnnotatedAddresses.parse(
                m.getAnnotations() == null
                    ? null
                    : m.getAnnotations().get(AnnotatedAddresses.ANNOTATION)))
        .build();
  }

  /**
   * A Service with the object as read kept beside the typed fields ({@link Service#object()}), for
   * the commands that write Services back ({@code migrate}): what they write starts from it. The
   * controller uses {@link #service} alone: it writes only status, and keeps no tree per Service.
   */
  public static Service serviceWithObject(
      io.fabric8.kubernetes.api.model.Service s, String source) {
    return service(s, source).toBuilder().object(raw(s, source).body()).build();
  }

  public static Service service(io.fabric8.kubernetes.api.model.Service s, String source) {
    ObjectMeta m = s.getMetadata();
    ServiceSpec spec = s.getSpec() == null ? new ServiceSpec() : s.getSpec();
    List<Service.ServicePort> ports = new ArrayList<>();
    for (var p : nonNull(spec.getPorts())) {
      int port = p.getPort() == null ? 0 : p.getPort();
      ports.add(
          new Service.ServicePort(
              p.getName(), p.getProtocol(), port, portRef(p.getTargetPort()), p.getNodePort()));
    }
    List<Service.LoadBalancerIngress> ingress = new ArrayList<>();
    if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null) {
      for (var i : nonNull(s.getStatus().getLoadBalancer().getIngress())) {
        ingress.add(new Service.LoadBalancerIngress(i.getIp(), i.getHostname(), i.getIpMode()));
      }
    }
    List<String> clusterIps = new ArrayList<>(nonNull(spec.getClusterIPs()));
    if (clusterIps.isEmpty() && spec.getClusterIP() != null) {
      clusterIps.add(spec.getClusterIP());
    }
    String what = source + ": Service " + m.getNamespace() + "/" + m.getName();
    List<IpFamily> families = new ArrayList<>();
    List<String> familyNames = nonNull(spec.getIpFamilies());
    for (int i = 0; i < familyNames.size(); i++) {
      String field = "spec.ipFamilies[" + i + "]";
      families.add(wire(IpFamily::fromWire, familyNames.get(i), what, field));
    }
    return Service.builder()
        .namespace(m.getNamespace())
        .name(m.getName())
        .labels(labels(m))
        .annotations(annotations(m))
        .type(wire(ServiceType::fromWire, spec.getType(), what, "spec.type"))
        .loadBalancerClass(spec.getLoadBalancerClass())
        .externalTrafficPolicy(
            wire(
                TrafficPolicy::fromWire,
                spec.getExternalTrafficPolicy(),
                what,
                "spec.externalTrafficPolicy"))
        .ipFamilies(families)
        .ipFamilyPolicy(
            wire(IpFamilyPolicy::fromWire, spec.getIpFamilyPolicy(), what, "spec.ipFamilyPolicy"))
        .clusterIps(clusterIps)
        .externalIps(nonNull(spec.getExternalIPs()))
        .ports(ports)
        .selector(
            spec.getSelector() == null || spec.getSelector().isEmpty() ? null : spec.getSelector())
        .ingress(ingress)
        .deleting(m.getDeletionTimestamp() != null)
        .source(source)
        .internalTrafficPolicy(
            wire(
                TrafficPolicy::fromWire,
                spec.getInternalTrafficPolicy(),
                what,
                "spec.internalTrafficPolicy"))
        .generation(m.getGeneration() == null ? 0 : m.getGeneration())
        .conditions(conditions(s))
        .uid(m.getUid())
        .build();
  }

  private static List<ServiceCondition> conditions(io.fabric8.kubernetes.api.model.Service s) {
    List<ServiceCondition> out = new ArrayList<>();
    if (s.getStatus() != null) {
      for (var c : nonNull(s.getStatus().getConditions())) {
        out.add(
            new ServiceCondition(
                c.getType(),
                c.getStatus(),
                c.getReason() == null ? "" : c.getReason(),
                c.getMessage() == null ? "" : c.getMessage(),
                c.getObservedGeneration() == null ? 0 : c.getObservedGeneration(),
                c.getLastTransitionTime()));
      }
    }
    return out;
  }

  /**
   * A Service enum read from its Kubernetes spelling; a spelling the API server rejects is bad
   * input, reported with the file (and line), the object and the field as the API server names it.
   */
  private static <T> T wire(Function<String, T> parse, String text, String what, String field) {
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(what + ": " + field + ": " + e.getMessage());
    }
  }

  public static EndpointSlice endpointSlice(
      io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice e, String source) {
    ObjectMeta m = e.getMetadata();
    List<EndpointSlice.Endpoint> endpoints = new ArrayList<>();
    for (var ep : nonNull(e.getEndpoints())) {
      EndpointConditions c = ep.getConditions();
      ObjectReference ref = ep.getTargetRef();
      String podName = ref != null && "Pod".equals(ref.getKind()) ? ref.getName() : null;
      endpoints.add(
          new EndpointSlice.Endpoint(
              nonNull(ep.getAddresses()),
              c == null ? null : c.getReady(),
              c == null ? null : c.getServing(),
              c == null ? null : c.getTerminating(),
              ep.getNodeName(),
              podName));
    }
    List<EndpointSlice.EndpointPort> ports = new ArrayList<>();
    for (var p : nonNull(e.getPorts())) {
      ports.add(new EndpointSlice.EndpointPort(p.getName(), p.getPort(), p.getProtocol()));
    }
    return new EndpointSlice(
        m.getNamespace(), m.getName(), labels(m).get(SERVICE_NAME_LABEL), e.getAddressType(),
        endpoints, ports, source);
  }

  public static Pod pod(io.fabric8.kubernetes.api.model.Pod p, String source) {
    ObjectMeta m = p.getMetadata();
    PodSpec spec = p.getSpec() == null ? new PodSpec() : p.getSpec();
    List<String> ips = new ArrayList<>();
    boolean ready = true;
    if (p.getStatus() != null) {
      for (var ip : nonNull(p.getStatus().getPodIPs())) {
        if (ip.getIp() != null) {
          ips.add(ip.getIp());
        }
      }
      if (ips.isEmpty() && p.getStatus().getPodIP() != null) {
        ips.add(p.getStatus().getPodIP());
      }
      for (var c : nonNull(p.getStatus().getConditions())) {
        if ("Ready".equals(c.getType())) {
          ready = "True".equals(c.getStatus());
        }
      }
    }
    return Pod.builder()
        .namespace(m.getNamespace())
        .name(m.getName())
        .labels(labels(m))
        .serviceAccount(serviceAccount(spec))
        .nodeName(spec.getNodeName())
        .hostNetwork(Boolean.TRUE.equals(spec.getHostNetwork()))
        .ips(ips)
        .ports(containerPorts(spec))
        .ready(ready)
        .deleting(m.getDeletionTimestamp() != null)
        .workload(null)
        .source(source)
        .build();
  }

  public static Namespace namespace(io.fabric8.kubernetes.api.model.Namespace n, String source) {
    return new Namespace(n.getMetadata().getName(), labels(n.getMetadata()), source);
  }

  /** A DaemonSet's container and init container images, in the order its template lists them. */
  public static DaemonSetImages daemonSetImages(DaemonSet d, String source) {
    List<String> images = new ArrayList<>();
    PodTemplateSpec template = d.getSpec() == null ? null : d.getSpec().getTemplate();
    if (template != null && template.getSpec() != null) {
      PodSpec spec = template.getSpec();
      for (var list : List.of(
          spec.getContainers() == null ? List.<Container>of()
              : spec.getContainers(),
          spec.getInitContainers() == null ? List.<Container>of()
              : spec.getInitContainers())) {
        for (var c : list) {
          if (c.getImage() != null && !c.getImage().isBlank()) {
            images.add(c.getImage().trim());
          }
        }
      }
    }
    return new DaemonSetImages(
        d.getMetadata().getNamespace(), d.getMetadata().getName(), images, source);
  }

  /**
   * A workload and its pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet,
   * ReplicationController, Job, CronJob), or null for a kind that is not a workload.
   */
  public static Workload workload(HasMetadata object, String source) {
    io.fabric8.kubernetes.api.model.LabelSelector selector;
    PodTemplateSpec template;
    if (object instanceof Deployment d && d.getSpec() != null) {
      selector = d.getSpec().getSelector();
      template = d.getSpec().getTemplate();
    } else if (object instanceof StatefulSet s && s.getSpec() != null) {
      selector = s.getSpec().getSelector();
      template = s.getSpec().getTemplate();
    } else if (object instanceof DaemonSet s && s.getSpec() != null) {
      selector = s.getSpec().getSelector();
      template = s.getSpec().getTemplate();
    } else if (object instanceof ReplicaSet s && s.getSpec() != null) {
      selector = s.getSpec().getSelector();
      template = s.getSpec().getTemplate();
    } else if (object instanceof ReplicationController rc
        && rc.getSpec() != null) {
      // A ReplicationController's selector is a plain map, defaulted to the template's labels.
      template = rc.getSpec().getTemplate();
      Map<String, String> s = rc.getSpec().getSelector();
      selector = s == null || s.isEmpty() ? null
          : new io.fabric8.kubernetes.api.model.LabelSelector(List.of(), s);
    } else if (object instanceof Job j && j.getSpec() != null) {
      selector = j.getSpec().getSelector();
      template = j.getSpec().getTemplate();
    } else if (object instanceof CronJob c
        && c.getSpec() != null
        && c.getSpec().getJobTemplate() != null
        && c.getSpec().getJobTemplate().getSpec() != null) {
      selector = c.getSpec().getJobTemplate().getSpec().getSelector();
      template = c.getSpec().getJobTemplate().getSpec().getTemplate();
    } else {
      return null;
    }
    Map<String, String> templateLabels =
        template == null || template.getMetadata() == null
            ? Map.of()
            : labels(template.getMetadata());
    PodSpec spec =
        template == null || template.getSpec() == null ? new PodSpec() : template.getSpec();
    // Jobs and CronJobs usually leave the selector to the API server: their template labels stand
    // in.
    LabelSelector podSelector =
        selector == null ? LabelSelector.of(templateLabels, List.of()) : labelSelector(selector);
    return Workload.builder()
        .kind(object.getKind())
        .namespace(object.getMetadata().getNamespace())
        .name(object.getMetadata().getName())
        .selector(podSelector)
        .templateLabels(templateLabels)
        .serviceAccount(serviceAccount(spec))
        .hostNetwork(Boolean.TRUE.equals(spec.getHostNetwork()))
        .ports(containerPorts(spec))
        .source(source)
        .build();
  }

  /** A structured {@code metav1.LabelSelector}; null stays null (selects nothing). */
  public static LabelSelector labelSelector(io.fabric8.kubernetes.api.model.LabelSelector s) {
    if (s == null) {
      return null;
    }
    List<Requirement> expressions = new ArrayList<>();
    for (LabelSelectorRequirement r : nonNull(s.getMatchExpressions())) {
      expressions.add(requirement(r.getKey(), r.getOperator(), nonNull(r.getValues())));
    }
    return LabelSelector.of(
        s.getMatchLabels() == null ? Map.of() : s.getMatchLabels(), expressions);
  }

  /** A {@code matchExpressions} entry; an unknown operator is an error for the caller to report. */
  public static Requirement requirement(String key, String operator, List<String> values) {
    Requirement.Operator op = Requirement.Operator.ofExpression(operator);
    if (op == null) {
      throw new IllegalArgumentException(
          "matchExpressions operator \"" + operator + "\" is not In, NotIn, Exists or"
              + " DoesNotExist");
    }
    return new Requirement(key, op, Set.copyOf(values));
  }

  /** Any object as a deeply unmodifiable plain tree. */
  @SuppressWarnings("unchecked")
  public static RawObject raw(HasMetadata object, String source) {
    Map<String, Object> body = PLAIN.convertValue(object, LinkedHashMap.class);
    ObjectMeta m = object.getMetadata();
    return new RawObject(
        object.getApiVersion(),
        object.getKind(),
        m == null ? null : m.getNamespace(),
        m == null ? null : m.getName(),
        (Map<String, Object>) freeze(body),
        source);
  }

  @SuppressWarnings("unchecked")
  private static Object freeze(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), freeze(v)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(v -> copy.add(freeze(v)));
      return Collections.unmodifiableList(copy);
    }
    return value;
  }

  private static PortRef portRef(IntOrString value) {
    if (value == null) {
      return null;
    }
    if (value.getIntVal() != null) {
      return PortRef.of(value.getIntVal());
    }
    String text = value.getStrVal();
    if (text == null) {
      return null;
    }
    // A quoted number in YAML ("8080") is still a number to the API server.
    if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
      return PortRef.of(Integer.parseInt(text));
    }
    return PortRef.named(text);
  }

  private static String serviceAccount(PodSpec spec) {
    if (spec.getServiceAccountName() != null) {
      return spec.getServiceAccountName();
    }
    return spec.getServiceAccount() != null ? spec.getServiceAccount() : "default";
  }

  private static List<Pod.ContainerPort> containerPorts(PodSpec spec) {
    List<Pod.ContainerPort> ports = new ArrayList<>();
    for (Container c : nonNull(spec.getContainers())) {
      for (ContainerPort p : nonNull(c.getPorts())) {
        if (p.getContainerPort() != null) {
          ports.add(
              new Pod.ContainerPort(
                  p.getName(), p.getContainerPort(),
                  p.getProtocol() == null ? "TCP" : p.getProtocol(),
                  p.getHostPort() == null || p.getHostPort() == 0 ? null : p.getHostPort(),
                  p.getHostIP() == null || p.getHostIP().isEmpty() ? null : p.getHostIP()));
        }
      }
    }
    return ports;
  }

  private static Map<String, String> labels(ObjectMeta m) {
    return m.getLabels() == null ? Map.of() : m.getLabels();
  }

  private static Map<String, String> annotations(ObjectMeta m) {
    return m.getAnnotations() == null ? Map.of() : m.getAnnotations();
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
