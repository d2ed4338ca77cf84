import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatBps } from "~/components/format";
import { PageHeader } from "~/components/portal-shell";
import { returnRateFlags } from "~/modules/disputes/admin-disputes.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Return-rate flags · Admin · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return returnRateFlags(actor);
}

type Flags = ReturnType<typeof useLoaderData<typeof loader>>["buyers"];

function FlagTable({ side, flags, filter }: { side: string; flags: Flags; filter: "buyer" | "seller" }) {
  return (
    <>
      <p className="muted small">{`${flags.judged} ${side}s judged; their median approved-return rate is ${formatBps(flags.medianBps)}.`}</p>
      <DataTable
        rows={flags.flags}
        testId={`${filter}-flags`}
        stackOnPhone
        empty={<p className="muted">{`No ${side} stands out.`}</p>}
        head={
          <>
            <th>Company</th>
            <th className="num">Rate</th>
            <th className="num">CPL sales</th>
            <th className="num">Approved returns</th>
            <th className="num">Peer median</th>
          </>
        }
        row={(f) => (
          <tr key={f.companyId}>
            <td data-label="Company">
              <Link to={`/admin/disputes?status=any&${filter}=${encodeURIComponent(f.companyId)}`}>{f.name}</Link>
            </td>
            <td className="num" data-label="Rate">
              {formatBps(f.rateBps)}
            </td>
            <td className="num" data-label="Sales">
              {f.sales.toLocaleString("en-US")}
            </td>
            <td className="num" data-label="Returns">
              {f.returns.toLocaleString("en-US")}
            </td>
            <td className="num" data-label="Median">
              {formatBps(f.medianBps)}
            </td>
          </tr>
        )}
      />
    </>
  );
}

export default function ReturnRateFlags() {
  const { rule, windowDays, buyers, sellers } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/disputes">← Disputes</Link>
      </p>
      <PageHeader
        title="Return-rate flags"
        description="Buyers who return far more of what they buy than their peers, and sellers whose leads are returned far more than their peers'."
      />
      <p className="muted small" data-testid="flag-rule">
        {`Over the last ${windowDays} days, on CPL sales: a company with at least ${rule.minSales} sales is flagged when its approved-return rate is at least ` +
          `${rule.minTimesMedian}× the median of every company on its side with at least ${rule.minSales} sales, and at least ` +
          `${rule.minBpsAboveMedian / 100} percentage points above it. With fewer than ${rule.minPeers} such companies on a side, nobody there is flagged.`}
      </p>
      <section className="card">
        <h2>Buyers</h2>
        <FlagTable side="buyer" flags={buyers} filter="buyer" />
      </section>
      <section className="card">
        <h2>Sellers</h2>
        <FlagTable side="seller" flags={sellers} filter="seller" />
      </section>
    </>
  );
}
