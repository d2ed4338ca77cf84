import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { apiDisputeRecord } from "~/modules/disputes/dispute-api.server";
import { respondToDispute } from "~/modules/disputes/dispute-decisions.server";
import { partyDisputeBody } from "~/modules/disputes/party-disputes.server";
import { handleApi, onlyPost } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// The other side's answer by API key: accept or contest a return or a conversion dispute (the
// seller), confirm or decline an inquiry (the buyer), with a note and evidence text or URL.
export const loader = onlyPost;

export const action = ({ request, params, context }: ActionFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    const answered = await respondToDispute(actor, params.disputeId ?? "", await apiDisputeRecord(request));
    return Response.json(await partyDisputeBody(actor, answered.id));
  });
