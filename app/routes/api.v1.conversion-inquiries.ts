import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { partyDisputeFilterOf } from "~/modules/disputes/conversion-disputes.schema";
import { openInquiry } from "~/modules/disputes/conversion-inquiries.server";
import { disputeRowBody, listPartyDisputes, partyDisputeBody } from "~/modules/disputes/party-disputes.server";
import { apiDisputeRecord } from "~/modules/disputes/dispute-api.server";
import { handleApi } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// Missing conversion inquiries by API key (docs/api.md, "Conversion inquiries"). POST: an affiliate
// asks about a conversion on one of its leads. GET: an affiliate's own inquiries, or the ones an
// advertiser is asked to answer (?status=awaiting_response&cursor=...).

export const loader = ({ request, context }: LoaderFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    const filter = { ...partyDisputeFilterOf(new URL(request.url).searchParams), kind: "CONVERSION_INQUIRY" as const };
    const { rows, nextCursor } = await listPartyDisputes(actor, filter);
    return Response.json({ inquiries: rows.map((row) => disputeRowBody(actor, row)), next_cursor: nextCursor });
  });

export const action = ({ request, context }: ActionFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    const opened = await openInquiry(actor, await apiDisputeRecord(request));
    return Response.json(await partyDisputeBody(actor, opened.id), { status: 201 });
  });
