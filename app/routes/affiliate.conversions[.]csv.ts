import type { LoaderFunctionArgs } from "@remix-run/node";
import { conversionReportCsv } from "~/modules/conversions/conversion-reports.server";
import { conversionReportQuerySchema } from "~/modules/conversions/conversion-reports.schema";
import { requireUser } from "~/utils/session.server";

// The conversion report of the affiliate's leads as CSV (amounts in dollars), with the page's filters.
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const query = conversionReportQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { filename, csv } = await conversionReportCsv(actor, query);
  return new Response(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "private, no-store" },
  });
}
