import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ReportPage } from "~/components/report-page";
import { advertiserReport } from "~/modules/reports/advertiser-report.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Reports · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const view = await advertiserReport(actor, new URL(request.url).searchParams);
  return json(view, { status: Object.keys(view.errors).length > 0 ? 400 : 200 });
}

export default function AdvertiserReports() {
  const view = useLoaderData<typeof loader>();
  return (
    <ReportPage
      view={view}
      title="Reports"
      description="The leads you bought: spend, cost per lead and per action, conversion and return rates, ROI, by offer and by affiliate, and how fast each lead reached you and your team."
    />
  );
}
