import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { postPingLead } from "~/modules/ping-post/post-lead.server";
import { handleApi, onlyPost, readPostbackRecord } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// Ping-post, step 2: the bid token and the full lead; sold at the bid when both check out. See docs/api.md, *Ping-post*.

export const action = ({ request, context }: ActionFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    const record = await readPostbackRecord(request);
    const lead = await postPingLead(actor, record);
    return Response.json(
      {
        lead_id: lead.leadId,
        affiliate_lead_id: lead.externalId,
        ping_id: lead.pingId,
        status: lead.status.toLowerCase(),
        reasons: lead.reasons,
        sold_at_bid: lead.soldAtBid,
        price_cents: lead.priceCents,
        payout_cents: lead.payoutCents,
        currency: lead.currency,
        duplicate_request: !lead.created,
      },
      { status: lead.created ? 201 : 200 },
    );
  });

export const loader = onlyPost;
