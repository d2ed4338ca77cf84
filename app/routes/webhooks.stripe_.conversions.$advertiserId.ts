import type { ActionFunctionArgs } from "@remix-run/node";
import { handleAdvertiserStripeWebhook } from "~/modules/conversions/stripe-conversions.server";
import { handleApi, onlyPost, PayloadTooLargeError } from "~/utils/api.server";

// Webhook endpoint an advertiser adds in its own Stripe account: its paid invoices become CPS
// sales and its refunds reversals (modules/conversions/stripe-conversions.server.ts).

/** Stripe's events are far smaller; this only bounds what a stranger can make the server read. */
const MAX_EVENT_BYTES = 1024 * 1024;

export const action = ({ request, params }: ActionFunctionArgs) =>
  handleApi(async () => {
    if (Number(request.headers.get("content-length") ?? "0") > MAX_EVENT_BYTES) throw new PayloadTooLargeError(MAX_EVENT_BYTES);
    const result = await handleAdvertiserStripeWebhook(params.advertiserId ?? "", await request.text(), request.headers.get("stripe-signature"));
    return Response.json({ received: true, ...result });
  });

export const loader = onlyPost;
