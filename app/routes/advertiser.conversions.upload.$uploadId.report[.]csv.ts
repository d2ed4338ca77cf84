import type { LoaderFunctionArgs } from "@remix-run/node";
import { conversionUploadReportCsv } from "~/modules/conversions/conversion-uploads.server";
import { orNotFound } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

// An upload's report: every row with its outcome and the reason, then the row as uploaded.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const { filename, csv } = await orNotFound(conversionUploadReportCsv(actor, params.uploadId ?? ""));
  return new Response(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "private, no-store" },
  });
}
