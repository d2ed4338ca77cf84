import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { getAffiliateLead, getBoughtLead } from "~/modules/leads/lead-queries.server";
import { handleApi } from "~/utils/api.server";
import { NotFoundError } from "~/utils/errors";

// One lead by API key: an affiliate reads its own lead's status; an advertiser reads a lead it bought.
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request);
    const leadId = params.leadId ?? "";
    if (actor.role === "AFFILIATE") {
      const lead = await getAffiliateLead(actor, leadId);
      return Response.json({
        lead_id: lead.id,
        affiliate_lead_id: lead.externalId,
        offer_id: lead.offerId,
        status: lead.status.toLowerCase(),
        reasons: lead.reasons,
        earning_cents: lead.earningCents,
        received_at: lead.receivedAt,
      });
    }
    if (actor.role === "ADVERTISER") {
      const lead = await getBoughtLead(actor, leadId);
      return Response.json({
        lead_id: lead.leadId,
        order_id: lead.orderId,
        offer: lead.offerTitle,
        price_cents: lead.priceCents,
        currency: lead.currency,
        sold_at: lead.soldAt,
        fields: lead.fields,
      });
    }
    throw new NotFoundError("Lead");
  });
