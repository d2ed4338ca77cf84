import type { ActionFunctionArgs } from "@remix-run/node";
import { handleStripeWebhook } from "~/modules/billing/stripe-webhooks.server";
import { handleApi, onlyPost } from "~/utils/api.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(async () => {
    const result = await handleStripeWebhook(await request.text(), request.headers.get("stripe-signature"));
    return Response.json({ received: true, ...result });
  });

export const loader = onlyPost;
