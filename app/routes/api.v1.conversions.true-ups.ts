import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { createTrueUp, readTrueUpApiRequest, trueUpStoredBody } from "~/modules/reconciliation/true-ups.server";
import { handleApi, onlyPost } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// True-up by API: an advertiser's own list of its conversions for a period, as JSON rows or a CSV
// body (docs/api.md, "True-ups"). Stored whole and matched by the worker; GET the report_url.
export const loader = onlyPost;

export const action = ({ request, context }: ActionFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    const list = await readTrueUpApiRequest(actor, request);
    const stored = await createTrueUp(actor, list);
    return Response.json(trueUpStoredBody(stored, list.period), { status: stored.created ? 202 : 200 });
  });
