import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { getAffiliateLead, getBoughtLead } from "~/modules/leads/lead-queries.server";
import { handleApi } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";
import { NotFoundError } from "~/utils/errors";

/** The lead's quality, explained: score, temperature, every check and the points behind the score. */
function qualityView(lead: { qualityScore: number | null; temperature: string | null; checks: unknown[]; scoreReasons: unknown[] }) {
  return { score: lead.qualityScore, temperature: lead.temperature?.toLowerCase() ?? null, checks: lead.checks, score_reasons: lead.scoreReasons };
}

// One lead by API key: an affiliate reads its own lead's status; an advertiser reads a lead it bought.
export const loader = ({ request, params, context }: LoaderFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
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
        ...qualityView(lead),
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
        ...qualityView(lead),
      });
    }
    throw new NotFoundError("Lead");
  });
