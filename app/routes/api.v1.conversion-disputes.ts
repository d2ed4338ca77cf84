import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { openConversionDispute } from "~/modules/disputes/conversion-disputes.server";
import { apiDisputeRecord } from "~/modules/disputes/dispute-api.server";
import { partyDisputeBody } from "~/modules/disputes/party-disputes.server";
import { handleApi, onlyPost } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// An advertiser disputes one of its approved or locked conversions (a refund after the lock, a
// chargeback) by API key; the affiliate answers (docs/api.md, "Conversion disputes").
export const loader = onlyPost;

export const action = ({ request, context }: ActionFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    const opened = await openConversionDispute(actor, await apiDisputeRecord(request));
    return Response.json(await partyDisputeBody(actor, opened.id), { status: 201 });
  });
