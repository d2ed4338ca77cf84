import { formValues } from "~/utils/forms";
import type { Actor } from "~/utils/permissions.server";
import { formFailureFrom, handleForm } from "~/utils/route-errors.server";
import { autoRechargeFormSchema } from "./auto-recharge.schema";
import { saveAutoRechargeSettings } from "./auto-recharge.server";
import { removeSavedCard, startCardSetup } from "./saved-cards.server";

// The saved-card and auto-recharge forms of the advertiser's billing page.

/**
 * `intent=save-card` answers the Checkout page to save a card on; `intent=remove-card` removes it;
 * `intent=auto-recharge` saves the settings (400 naming the field); `done` says what changed.
 * null for any other intent.
 */
export async function submitSavedCardForm(actor: Actor, form: FormData) {
  const intent = form.get("intent");
  try {
    if (intent === "save-card") return { redirectTo: await startCardSetup(actor) };
    if (intent === "remove-card") {
      await removeSavedCard(actor);
      return { done: "Card removed. Auto-recharge is off." };
    }
    if (intent === "auto-recharge") {
      return handleForm(form, autoRechargeFormSchema, async (data) => {
        await saveAutoRechargeSettings(actor, data);
        return { done: data.enabled ? "Auto-recharge is on." : "Auto-recharge is off." };
      });
    }
  } catch (error) {
    return formFailureFrom(error, formValues(form));
  }
  return null;
}
