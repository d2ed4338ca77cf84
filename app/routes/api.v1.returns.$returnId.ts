import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { getAdvertiserReturn, returnApiBody } from "~/modules/disputes/advertiser-disputes.server";
import { handleApi } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// One of the advertiser's returns by API key: where it stands, what the platform found, the
// seller's answer and the decision (404 for anyone else's).
export const loader = ({ request, params, context }: LoaderFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    return Response.json(returnApiBody(await getAdvertiserReturn(actor, params.returnId ?? "")));
  });
