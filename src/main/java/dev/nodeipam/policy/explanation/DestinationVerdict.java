package dev.nodeipam.policy.explanation;

import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Protocol;
import java.util.List;

/**
 * The verdict for one destination of a flow: the address itself, or one backend of a translated
 * Service.
 *
 * @param endpoint {@code ns/pod} for a pod, the node name for a node, else the address
 * @param port the port policy sees (the backend's targetPort after translation)
 * @param notes facts about this destination worth saying (e.g. how a named port was resolved)
 */
public record DestinationVerdict(
    String endpoint,
    Identity identity,
    int port,
    Protocol protocol,
    Outcome outcome,
    Integer dropReason,
    SideVerdict egress,
    SideVerdict ingress,
    List<String> notes) {

  public DestinationVerdict {
    notes = List.copyOf(notes);
  }
}
