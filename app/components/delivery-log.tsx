import { Form, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { OUTBOUND_STATUSES } from "~/modules/deliveries/deliveries.constants";
import { CursorPager } from "./cursor-pager";
import { DataTable } from "./data-table";
import { FilterButtons, StatusFilterField } from "./filter-bar";
import { formatDateTime } from "./format";
import { EmptyState } from "./portal-shell";
import { StatusBadge } from "./status-badge";

export interface DeliveryLogEntry {
  id: string;
  leadId: string;
  event: string;
  method: string;
  url: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date | string;
  deliveredAt: Date | string | null;
  attemptLog: Array<{
    id: string;
    attemptedAt: Date | string;
    statusCode: number | null;
    durationMs: number;
    error: string | null;
    responseSnippet: string | null;
    replay: boolean;
  }>;
}

/** A delivery log's status filter; the URL keeps it as `status` and Clear goes back to `clearTo`. */
function DeliveryStatusFilter({ status, clearTo }: { status?: string | null; clearTo: string }) {
  return (
    <Form method="get" className="filter-bar">
      <StatusFilterField statuses={OUTBOUND_STATUSES} value={status} />
      <FilterButtons clearTo={clearTo} filtered={Boolean(status)} />
    </Form>
  );
}

/**
 * A page of a delivery log (CRM webhooks or postbacks), newest first, under its status filter
 * (`status`, Clear back to `clearTo`): status, attempts, last answer, each attempt, replay; then
 * the link to older deliveries (`nextCursor`). `empty` says what shows here once something is sent.
 */
export function DeliveryLog({
  deliveries,
  nextCursor,
  status,
  clearTo,
  empty,
}: {
  deliveries: DeliveryLogEntry[];
  nextCursor: string | null;
  status?: string | null;
  clearTo: string;
  empty: ReactNode;
}) {
  const { search } = useLocation();
  const filtered = Boolean(status);
  return (
    <>
      <DeliveryStatusFilter status={status} clearTo={clearTo} />
      <DeliveryTable
        deliveries={deliveries}
        empty={filtered ? <EmptyState title="No deliveries match this status" /> : <EmptyState title="Nothing sent yet">{empty}</EmptyState>}
      />
      <CursorPager search={search} nextCursor={nextCursor} label="Delivery pages" />
    </>
  );
}

function DeliveryTable({ deliveries, empty }: { deliveries: DeliveryLogEntry[]; empty: ReactNode }) {
  return (
    <DataTable
      stackOnPhone
      rows={deliveries}
      testId="delivery-log"
      empty={empty}
      head={
        <>
          <th>Created</th>
          <th>Event</th>
          <th>Lead</th>
          <th>Request</th>
          <th>Status</th>
          <th className="num">Attempts</th>
          <th>Last answer</th>
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        </>
      }
      row={(d) => (
        <tr key={d.id} data-delivery-id={d.id}>
          <td data-label="Created" className="nowrap">
            {formatDateTime(d.createdAt, { seconds: true })}
          </td>
          <td data-label="Event">{d.event}</td>
          <td data-label="Lead">
            <code>{d.leadId}</code>
          </td>
          <td data-label="Request" className="small delivery-request">
            <code>
              {d.method} {d.url}
            </code>
            {d.attemptLog.length > 0 ? (
              <details>
                <summary>Attempts</summary>
                <ol className="attempt-log">
                  {d.attemptLog.map((a) => (
                    <li key={a.id}>
                      {formatDateTime(a.attemptedAt, { seconds: true })} · {a.statusCode !== null ? `HTTP ${a.statusCode}` : a.error} · {a.durationMs} ms
                      {a.replay ? " · replay" : ""}
                      {a.responseSnippet ? (
                        <pre tabIndex={0} aria-label="Response">
                          {a.responseSnippet}
                        </pre>
                      ) : null}
                    </li>
                  ))}
                </ol>
              </details>
            ) : null}
          </td>
          <td data-label="Status">
            <StatusBadge status={d.status} />
          </td>
          <td data-label="Attempts" className="num">
            {d.attempts}
          </td>
          <td data-label="Last answer" className="small">
            {d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : null}
            {d.lastError && d.lastStatusCode === null ? d.lastError : null}
            {d.lastStatusCode === null && !d.lastError ? <span className="muted">—</span> : null}
          </td>
          <td data-label="Actions" className="actions">
            <Form method="post">
              <input type="hidden" name="intent" value="replay" />
              <input type="hidden" name="deliveryId" value={d.id} />
              <button type="submit" className="button button-small button-ghost">
                Replay
              </button>
            </Form>
          </td>
        </tr>
      )}
    />
  );
}
