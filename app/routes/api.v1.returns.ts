import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { getAdvertiserReturn, listAdvertiserReturnsForApi, returnApiBody } from "~/modules/disputes/advertiser-disputes.server";
import { bulkItemsOf, describeOpenedReturn, MAX_RETURNS_BODY_BYTES, openReturns, returnRefusalResponse } from "~/modules/disputes/advertiser-returns.server";
import { openReturn } from "~/modules/disputes/lead-returns.server";
import { returnApiQuerySchema } from "~/modules/disputes/return-list.schema";
import { handleApi, readPostbackRecord } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";
import { ForbiddenError, parseOrThrow } from "~/utils/errors";
import { requirePermission } from "~/utils/permissions.server";

// Lead returns by API (docs/api.md, "Returns"): POST one return or {returns: [...]} (up to 500,
// a result per item); GET the advertiser's returns, newest first, filtered and paged by cursor.

export const loader = ({ request, context }: LoaderFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([key, value]) => key !== "api_key" && value !== ""));
    const page = await listAdvertiserReturnsForApi(actor, parseOrThrow(returnApiQuerySchema, params));
    return Response.json({ returns: page.returns.map(returnApiBody), next_cursor: page.next });
  });

export const action = ({ request, context }: ActionFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    requirePermission(actor, "write:dispute:own");
    if (actor.role !== "ADVERTISER") throw new ForbiddenError("Only the buyer of a lead may return it: use an advertiser's key");
    const body = await readPostbackRecord(request, { maxBytes: MAX_RETURNS_BODY_BYTES });
    delete body.api_key;
    const bulk = bulkItemsOf(body);
    if (bulk) {
      const results = await openReturns(actor, bulk);
      return Response.json({
        created: results.filter((r) => r.result === "created").length,
        refused: results.filter((r) => r.result === "refused").length,
        results: results.map((r) => ({ index: r.index, lead_id: r.leadId, result: r.result, code: r.code, message: r.message, return_id: r.returnId })),
      });
    }
    try {
      const opened = await openReturn(actor, body);
      const view = await getAdvertiserReturn(actor, opened.dispute.id);
      return Response.json({ ...returnApiBody(view), outcome: opened.outcome, message: await describeOpenedReturn(opened) }, { status: 201 });
    } catch (error) {
      return returnRefusalResponse(error);
    }
  });
