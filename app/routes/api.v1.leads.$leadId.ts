import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { getAffiliateLeadDetail } from "~/modules/leads/affiliate-leads.server";
import { affiliateLeadJson, leadQualityJson } from "~/modules/leads/lead-api-views";
import { getBoughtLead } from "~/modules/leads/lead-queries.server";
import { handleApi } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";
import { NotFoundError } from "~/utils/errors";

// One lead by API key: an affiliate reads its own lead's status; an advertiser reads a lead it bought.
export const loader = ({ request, params, context }: LoaderFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    const leadId = params.leadId ?? "";
    if (actor.role === "AFFILIATE") return Response.json(affiliateLeadJson(await getAffiliateLeadDetail(actor, { id: leadId })));
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
        ...leadQualityJson(lead),
      });
    }
    throw new NotFoundError("Lead");
  });
