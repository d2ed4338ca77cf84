import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { ORDER_MENTION } from "~/modules/leads/lead-timeline.constants";
import { formatDateTime } from "./format";

export interface LeadTimelineEvent {
  id: string;
  type: string;
  message: string;
  createdAt: Date | string;
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

/** A lead's timeline: every event, oldest first, to the second; orders named by their advertiser when `orders` knows them. */
export function LeadTimeline({ events, orders = {} }: { events: readonly LeadTimelineEvent[]; orders?: TimelineOrders }) {
  if (events.length === 0) return <p className="muted">No events recorded.</p>;
  return (
    <ol className="timeline">
      {events.map((e) => (
        <li key={e.id}>
          <time className="nowrap muted small">{formatDateTime(e.createdAt, { seconds: true })}</time>
          <span className={`event-type event-${e.type}`}>{e.type}</span>
          <span>{withOrderNames(e.message, orders)}</span>
        </li>
      ))}
    </ol>
  );
}
