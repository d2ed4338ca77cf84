import type { LoaderFunctionArgs } from "@remix-run/node";
import { boughtLeadsCsv } from "~/modules/deliveries/buyer-leads.server";
import { requireUser } from "~/utils/session.server";

// The CSV export of every lead this advertiser bought (the pull API's columns).
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const csv = await boughtLeadsCsv(actor);
  const day = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="leadex-leads-${day}.csv"`,
      "cache-control": "private, no-store",
    },
  });
}
