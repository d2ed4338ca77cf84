import type { LoaderFunctionArgs } from "@remix-run/node";
import { advertiserReturnsCsv } from "~/modules/disputes/advertiser-disputes.server";
import { returnListFilterSchema } from "~/modules/disputes/return-list.schema";
import { requireUser } from "~/utils/session.server";

// The returns list as CSV, with the same filters as the page (every page of it) and each decision.
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([key, v]) => v !== "" && key !== "cursor"));
  const csv = await advertiserReturnsCsv(actor, returnListFilterSchema.parse(params));
  const day = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="leadex-returns-${day}.csv"`,
      "cache-control": "private, no-store",
    },
  });
}
