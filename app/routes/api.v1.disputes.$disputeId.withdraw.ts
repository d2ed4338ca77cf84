import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { withdrawDispute } from "~/modules/disputes/dispute-decisions.server";
import { partyDisputeBody } from "~/modules/disputes/party-disputes.server";
import { handleApi, onlyPost } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// The side that opened a dispute withdraws it while it is open: nothing is charged or credited.
export const loader = onlyPost;

export const action = ({ request, params, context }: ActionFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    const withdrawn = await withdrawDispute(actor, params.disputeId ?? "");
    return Response.json(await partyDisputeBody(actor, withdrawn.id));
  });
