import { rotateOwnSigningSecret } from "~/modules/deliveries/signing.server";
import { replayOwnDelivery } from "~/modules/deliveries/outbound.server";
import { replayFormSchema, rotateSecretFormSchema } from "~/modules/deliveries/deliveries.schema";
import type { Actor } from "~/utils/permissions.server";
import { handleForm } from "~/utils/route-errors.server";

// The form intents both portals' delivery pages share: replay one delivery, rotate the signing secret.

/** `intent=replay` with a `deliveryId` (the actor's own; another's is a 404) or `intent=rotate`; null for other intents. */
export async function submitDeliveryIntent(actor: Actor, form: FormData) {
  const intent = form.get("intent");
  if (intent === "replay") {
    return handleForm(form, replayFormSchema, async ({ deliveryId }) => {
      const delivery = await replayOwnDelivery(actor, deliveryId);
      return { replayed: { id: delivery.id, status: delivery.status, lastStatusCode: delivery.lastStatusCode, lastError: delivery.lastError } };
    });
  }
  if (intent === "rotate") {
    return handleForm(form, rotateSecretFormSchema, async () => {
      await rotateOwnSigningSecret(actor);
      return { rotated: true as const };
    });
  }
  return null;
}
