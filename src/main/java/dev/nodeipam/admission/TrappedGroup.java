package dev.nodeipam.admission;

/**
 * Flows a change newly traps, grouped by Service frontend and the side that drops them.
 *
 * @param service {@code namespace/name}
 * @param target {@code address:port/protocol}
 * @param direction {@code egress} or {@code ingress}
 * @param active dropped under the datapath settings now (else once the address is translated)
 * @param sources how many source pods
 * @param example one source as audit names it
 */
public record TrappedGroup(
    String service, String target, String direction, boolean active, int sources,
    String example) {}
