import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { markOwnLeadContacted } from "~/modules/leads/bought-leads.server";
import { handleApi, onlyPost } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// Speed to lead: the advertiser's CRM says it contacted a lead it bought. The first contact time
// stays (asking again answers it with already_marked: true); a lead it did not buy is 404.
export const loader = onlyPost;

export const action = ({ request, params, context }: ActionFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    const marked = await markOwnLeadContacted(actor, params.leadId ?? "");
    return Response.json({ lead_id: marked.leadId, contacted_at: marked.contactedAt.toISOString(), already_marked: marked.alreadyMarked });
  });
