import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { receiveLead, type ReceivedLead } from "~/modules/leads/lead-intake.server";
import { handleApi, readPostbackRecord } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// Lead postback: POST (JSON or form) or GET (query string). See docs/api.md.

function leadResponse(lead: ReceivedLead): Response {
  if (lead.test) {
    return Response.json({
      test: true,
      lead_id: null,
      affiliate_lead_id: lead.externalId,
      status: lead.status.toLowerCase(),
      reasons: lead.reasons,
      checks: lead.checks,
      score: lead.score,
      temperature: lead.temperature?.toLowerCase() ?? null,
      buyers: lead.buyers,
      payout_cents: lead.payoutCents,
      currency: lead.currency,
    });
  }
  return Response.json(
    { lead_id: lead.id, affiliate_lead_id: lead.externalId, status: lead.status.toLowerCase(), reasons: lead.reasons, duplicate_request: !lead.created },
    { status: lead.created ? 201 : 200 },
  );
}

async function postback(request: Request, clientAddress: string) {
  return handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddress);
    const record = await readPostbackRecord(request);
    const lead = await receiveLead(actor, record);
    return leadResponse(lead);
  });
}

export const loader = ({ request, context }: LoaderFunctionArgs) => postback(request, clientAddressOf(context));
export const action = ({ request, context }: ActionFunctionArgs) => postback(request, clientAddressOf(context));
