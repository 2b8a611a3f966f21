package dev.nodeipam.audit;

import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.snapshot.Service;

/**
 * A Service address and port as a client dials it, and what Cilium does with it for a class of
 * clients (on the address's node or not): shared by every trap at that address, so a trap costs
 * a few references, not copies.
 *
 * @param now the translation under the given settings
 * @param used the translation the verdict was judged under: {@code now}, or the translating
 *     settings' for a latent trap
 * @param destinations how many destinations (backend identities) the verdict had
 * @param explainer builds the explanation of a trap when a report shows it
 */
record Dialled(
    ServiceAddress address,
    Service.ServicePort servicePort,
    Protocol protocol,
    Translation now,
    Translation used,
    int destinations,
    Trap.Explainer explainer) {}
