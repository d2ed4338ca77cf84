import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { pullBoughtLeads } from "~/modules/deliveries/buyer-leads.server";
import { pullQuerySchema } from "~/modules/deliveries/deliveries.schema";
import { handleApi } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";
import { publicUrl } from "~/utils/env.server";
import { parseOrThrow } from "~/utils/errors";

// Pull API: the leads this advertiser bought, oldest sale first, `since` a time or after a cursor.
export const loader = ({ request, context }: LoaderFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    const url = new URL(request.url);
    const query = parseOrThrow(pullQuerySchema, Object.fromEntries([...url.searchParams].filter(([key]) => key !== "api_key")));
    const page = await pullBoughtLeads(actor, query);
    const nextUrl = page.next ? new URL(publicUrl(url.pathname)) : null;
    nextUrl?.searchParams.set("cursor", page.next!);
    nextUrl?.searchParams.set("limit", String(query.limit));
    return Response.json({ leads: page.leads, next: page.next, next_url: nextUrl?.toString() ?? null, has_more: page.hasMore });
  });
