import { publicUrl } from "~/utils/env.server";
import type { Actor } from "~/utils/permissions.server";
import { handleForm } from "~/utils/route-errors.server";
import { getPixelTokenState, issuePixelToken, pixelUrl } from "./conversion-pixel.server";
import { pixelTokenFormSchema } from "./conversions.schema";
import { stripeRemoveFormSchema, stripeSecretFormSchema } from "./stripe-conversions.schema";
import { getStripeConversionSettings, removeStripeConversionsSecret, saveStripeConversionsSecret } from "./stripe-conversions.server";

// The loader and action behind the advertiser's Conversion tracking page: the pixel token
// (generate, rotate) with its snippets, and the signing secret of the endpoint in its own Stripe.

/** What the advertiser's thank-you page fills in: Leadex's lead id, its own order id, the sale or the action. */
const CPS_FIELDS = { lead_id: "{lead_id}", conversion_id: "{order_id}", amount: "{order_total}", currency: "usd" };
const CPA_FIELDS = { lead_id: "{lead_id}", conversion_id: "{order_id}", event: "{event}" };

export interface PixelSnippets {
  saleImage: string;
  actionImage: string;
  iframe: string;
}

/** The pixel's snippets with `token` (the real one right after it is made, else a placeholder). */
export function pixelSnippets(token: string): PixelSnippets {
  const image = (fields: Record<string, string>) => `<img src="${pixelUrl(token, fields).replace(/&/g, "&amp;")}" width="1" height="1" alt="" />`;
  return {
    saleImage: image(CPS_FIELDS),
    actionImage: image(CPA_FIELDS),
    iframe: `<iframe src="${pixelUrl(token, CPS_FIELDS, "iframe").replace(/&/g, "&amp;")}" width="1" height="1" frameborder="0" hidden></iframe>`,
  };
}

export async function loadConversionTracking(actor: Actor) {
  const [pixel, stripe] = await Promise.all([getPixelTokenState(actor), getStripeConversionSettings(actor)]);
  return {
    pixel: { prefix: pixel.prefix, snippets: pixelSnippets(pixel.prefix ? `lxp_${pixel.prefix}_YOUR_TOKEN` : "YOUR_PIXEL_TOKEN") },
    stripe,
    apiUrl: publicUrl("/api/v1/conversions"),
  };
}

/**
 * `intent=pixel-token` makes a new token (the old one stops at once) and answers it once;
 * `intent=stripe-secret` with `secret` saves the endpoint's signing secret; `intent=stripe-remove`
 * disconnects (`done` says which). null for any other intent.
 */
export async function submitConversionTrackingForm(actor: Actor, form: FormData) {
  const intent = form.get("intent");
  if (intent === "pixel-token") {
    return handleForm(form, pixelTokenFormSchema, async () => {
      const token = await issuePixelToken(actor);
      // In clear only in this answer: Leadex keeps a hash.
      return { pixelToken: { token, snippets: pixelSnippets(token) } };
    });
  }
  if (intent === "stripe-secret") {
    return handleForm(form, stripeSecretFormSchema, async ({ secret }) => {
      await saveStripeConversionsSecret(actor, secret);
      return { done: "Signing secret saved: paid invoices from your Stripe account now become sales." };
    });
  }
  if (intent === "stripe-remove") {
    return handleForm(form, stripeRemoveFormSchema, async () => {
      await removeStripeConversionsSecret(actor);
      return { done: "Disconnected: Leadex refuses events from your Stripe account until you save a secret again." };
    });
  }
  return null;
}
