import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { partyDisputeBody } from "~/modules/disputes/party-disputes.server";
import { handleApi } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// One dispute (a return, an inquiry, a conversion dispute) for either of its parties: where it
// stands, what was claimed and found, the answer, the decision, the evidence (files by URL).
export const loader = ({ request, params, context }: LoaderFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    return Response.json(await partyDisputeBody(actor, params.disputeId ?? ""));
  });
