import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { runPingAuction } from "~/modules/ping-post/auction.server";
import { handleApi, onlyPost, readPostbackRecord } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// Ping-post, step 1: partial, non-personal data in, best bid and a signed bid token out. See docs/api.md, *Ping-post*.

export const action = ({ request, context }: ActionFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    const answer = await runPingAuction(actor, await readPostbackRecord(request));
    return Response.json({
      ping_id: answer.pingId,
      bid: answer.bid && {
        price_cents: answer.bid.priceCents,
        currency: answer.bid.currency,
        payout_cents: answer.bid.payoutCents,
        token: answer.bid.token,
        expires_at: answer.bid.expiresAt.toISOString(),
      },
      reasons: answer.reasons,
      buyers_asked: answer.asked,
      bids_received: answer.bids,
    });
  });

export const loader = onlyPost;
