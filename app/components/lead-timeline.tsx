import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { UNSOLD_REASONS } from "~/modules/leads/lead-reasons";
import { ORDER_MENTION } from "~/modules/leads/lead-timeline.constants";
import { formatDateTime } from "./format";
import { ReasonText } from "./reason-text";

export interface LeadTimelineEvent {
  id: string;
  type: string;
  message: string;
  createdAt: Date | string;
  /** The line's stored data (LeadEvent.data): a check's code, outcome and reason; a verdict's reason codes. */
  data?: unknown;
}

/** Who each order on the timeline belongs to (order id → advertiser), looked up by the page's loader. */
export type TimelineOrders = Readonly<Record<string, { advertiserId: string; advertiserName: string }>>;

/** The message with each order it names shown as its advertiser (linked to the company) and the order id. */
function withOrderNames(message: string, orders: TimelineOrders): ReactNode {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of message.matchAll(ORDER_MENTION)) {
    const owner = orders[match[2]];
    if (!owner) continue;
    parts.push(message.slice(last, match.index));
    parts.push(
      <span key={match.index}>
        {match[1]} of <Link to={`/admin/companies/${owner.advertiserId}`}>{owner.advertiserName}</Link> (<code>{match[2]}</code>)
      </span>,
    );
    last = match.index + match[0].length;
  }
  if (parts.length === 0) return message;
  parts.push(message.slice(last));
  return parts;
}

const CHECK_OUTCOME_WORDS: Readonly<Record<string, string>> = { pass: "passed", fail: "failed", hold: "held", skip: "skipped" };
const UNSOLD_CODE_BY_LINE: ReadonlyMap<string, string> = new Map(Object.values(UNSOLD_REASONS).map((r) => [r.line, r.code]));

const record = (data: unknown): Record<string, unknown> =>
  typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
const text = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);

/** The reason codes a line carries: a failed or held check's reason, a verdict's reasons, or the code behind an unsold line. */
function lineReasons(event: LeadTimelineEvent): string[] {
  const data = record(event.data);
  if (event.type === "check") return text(data.reason) ? [data.reason as string] : [];
  if (Array.isArray(data.reasons)) return data.reasons.filter((r): r is string => typeof r === "string");
  const unsold = event.type === "unsold" ? UNSOLD_CODE_BY_LINE.get(event.message) : undefined;
  return unsold ? [unsold] : [];
}

/**
 * One line in words: a check's "email_role: fail: detail" as the check's name, its outcome and the
 * detail; then the reason codes it carries in words with the code beside them. Read from the stored
 * line and its data, so the pipeline writes the same lines as before.
 */
function TimelineMessage({ event, orders }: { event: LeadTimelineEvent; orders: TimelineOrders }) {
  const data = record(event.data);
  const check = event.type === "check" ? text(data.code) : null;
  const outcome = text(data.outcome);
  const prefix = check && outcome ? `${check}: ${outcome}: ` : null;
  const reasons = lineReasons(event);
  return (
    <>
      {prefix && event.message.startsWith(prefix) ? (
        <>
          <code>{check}</code> {`${CHECK_OUTCOME_WORDS[outcome!] ?? outcome}: ${event.message.slice(prefix.length)}`}
        </>
      ) : (
        withOrderNames(event.message, orders)
      )}
      {reasons.map((code) => (
        <span key={code} className="timeline-reason">
          {" · "}
          <ReasonText code={code} />
        </span>
      ))}
    </>
  );
}

/** A lead's timeline: every event, oldest first, to the second; orders named by their advertiser when `orders` knows them. */
export function LeadTimeline({ events, orders = {} }: { events: readonly LeadTimelineEvent[]; orders?: TimelineOrders }) {
  if (events.length === 0) return <p className="muted">No events recorded.</p>;
  return (
    <ol className="timeline">
      {events.map((e) => (
        <li key={e.id}>
          <time className="nowrap muted small">{formatDateTime(e.createdAt, { seconds: true })}</time>
          <span className={`event-type event-${e.type}`}>{e.type}</span>
          <span>
            <TimelineMessage event={e} orders={orders} />
          </span>
        </li>
      ))}
    </ol>
  );
}
