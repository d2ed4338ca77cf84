import type { LoaderFunctionArgs } from "@remix-run/node";
import { readBoughtLeadFilter } from "~/modules/leads/bought-leads.schema";
import { boughtLeadsCsv } from "~/modules/leads/bought-leads.server";
import { requireUser } from "~/utils/session.server";

// The leads list as CSV: the same filter, search and order as the table (its URL's parameters), in dollars.
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const csv = await boughtLeadsCsv(actor, readBoughtLeadFilter(new URL(request.url).searchParams));
  const day = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="leadex-leads-${day}.csv"`,
      "cache-control": "private, no-store",
    },
  });
}
