import type { LoaderFunctionArgs } from "@remix-run/node";
import { CONVERSION_CSV_TEMPLATE } from "~/modules/conversions/conversion-upload-format";
import { requireUser } from "~/utils/session.server";

// The conversion CSV template: the header and one example row of each kind.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, ["ADVERTISER"]);
  return new Response(CONVERSION_CSV_TEMPLATE, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="leadex-conversions-template.csv"',
      "cache-control": "private, no-store",
    },
  });
}
