import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { getAffiliateLeadDetail } from "~/modules/leads/affiliate-leads.server";
import { affiliateLeadJson } from "~/modules/leads/lead-api-views";
import { handleApi } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";
import { NotFoundError } from "~/utils/errors";

// An affiliate reads its own lead by the id it posted it with (`lead_id` in the postback): the
// same answer as GET /api/v1/leads/{lead_id}. Another affiliate's id, or an advertiser's key: 404.
export const loader = ({ request, params, context }: LoaderFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    if (actor.role !== "AFFILIATE") throw new NotFoundError("Lead");
    return Response.json(affiliateLeadJson(await getAffiliateLeadDetail(actor, { externalId: params.externalId ?? "" })));
  });
