package dev.nodeipam.policy.model;

import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.RawObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the policy objects of a snapshot into {@link Rule}s. Invalid input (a bad CIDR, selector
 * operator or port) is a {@link BadInputException} naming the object's source.
 */
public final class PolicyParser {
  private PolicyParser() {}

  public static List<Rule> parse(RawObject object) {
    return parse(object, DnsAnswers.NONE);
  }

  /** The rules of a policy, toFQDNs peers resolved with the DNS answers given. */
  public static List<Rule> parse(RawObject object, DnsAnswers dns) {
    PolicyRef ref = refOf(object);
    return switch (object.kind()) {
      case PolicyRef.NETWORK_POLICY -> List.of(new NetworkPolicyReader(ref).read(object.body()));
      case PolicyRef.CNP, PolicyRef.CCNP -> new CiliumPolicyReader(ref, dns).read(object.body());
      default -> List.of();
    };
  }

  public static List<Rule> parseAll(List<RawObject> objects) {
    return parseAll(objects, DnsAnswers.NONE);
  }

  public static List<Rule> parseAll(List<RawObject> objects, DnsAnswers dns) {
    List<Rule> out = new ArrayList<>();
    for (RawObject o : objects) {
      out.addAll(parse(o, dns));
    }
    return out;
  }

  public static PolicyRef refOf(RawObject object) {
    String ns = object.kind().equals(PolicyRef.CCNP) ? null : object.namespace();
    if (ns == null && !object.kind().equals(PolicyRef.CCNP)) {
      ns = "default";
    }
    return new PolicyRef(object.kind(), ns, object.name(), object.source());
  }
}
