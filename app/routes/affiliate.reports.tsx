import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ReportPage } from "~/components/report-page";
import { affiliateReport } from "~/modules/reports/affiliate-report.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Reports · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const view = await affiliateReport(actor, new URL(request.url).searchParams);
  return json(view, { status: Object.keys(view.errors).length > 0 ? 400 : 200 });
}

export default function AffiliateReports() {
  const view = useLoaderData<typeof loader>();
  return (
    <ReportPage
      view={view}
      title="Reports"
      description="Your leads from postback to sale, conversion and return: acceptance, earnings and EPC, by offer and by sub-id."
    />
  );
}
