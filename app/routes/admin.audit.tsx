import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { CursorPager } from "~/components/cursor-pager";
import { DataTable } from "~/components/data-table";
import { DateRangeFields, FilterButtons } from "~/components/filter-bar";
import { formatDateTime } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { auditLogFilterSchema } from "~/modules/audit/audit-log.schema";
import { listAuditLog } from "~/modules/audit/audit-log.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Audit log · Admin · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const filter = auditLogFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { filter, ...(await listAuditLog(actor, filter)) };
}

export default function AdminAudit() {
  const { rows, nextCursor, filter } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const filtered = Boolean(filter.actor || filter.action || filter.targetType || filter.targetId || filter.from || filter.to);
  return (
    <>
      <PageHeader title="Audit log" description="What admins (and Leadex on its own) changed, newest first, 50 a page." />
      <Form method="get" className="filter-bar card">
        <div className="field">
          <label htmlFor="f-actor">Who</label>
          <input id="f-actor" name="actor" defaultValue={filter.actor ?? ""} placeholder="Email, name or user id" />
        </div>
        <div className="field">
          <label htmlFor="f-action">Action</label>
          <input id="f-action" name="action" defaultValue={filter.action ?? ""} placeholder="company. or offer.unlisted" />
        </div>
        <div className="field">
          <label htmlFor="f-targetType">Target type</label>
          <input id="f-targetType" name="targetType" defaultValue={filter.targetType ?? ""} placeholder="Company, Offer, Lead" />
        </div>
        <div className="field">
          <label htmlFor="f-targetId">Target id</label>
          <input id="f-targetId" name="targetId" defaultValue={filter.targetId ?? ""} />
        </div>
        <DateRangeFields fromLabel="From" from={filter.from} to={filter.to} />
        <FilterButtons clearTo="/admin/audit" filtered={filtered} />
      </Form>
      <section className="card">
        <DataTable
          rows={rows}
          testId="audit-log"
          stackOnPhone
          empty={<EmptyState title={filtered ? "No audit rows match these filters" : "Nothing audited yet"} />}
          head={
            <>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Target</th>
              <th>Data</th>
            </>
          }
          row={(r) => (
            <tr key={r.id}>
              <td className="nowrap" data-label="When">
                {formatDateTime(r.createdAt, { seconds: true })}
              </td>
              <td data-label="Who">{r.actor}</td>
              <td data-label="Action">
                {r.actionWords} <code className="muted small">{r.action}</code>
              </td>
              <td data-label="Target">
                {r.targetType}{" "}
                {r.targetHref ? (
                  <Link to={r.targetHref}>
                    <code>{r.targetId}</code>
                  </Link>
                ) : (
                  <code>{r.targetId}</code>
                )}
              </td>
              <td data-label="Data">
                <code className="small">{r.data}</code>
              </td>
            </tr>
          )}
        />
        <CursorPager search={search} nextCursor={nextCursor} label="Audit log pages" />
      </section>
    </>
  );
}
