import { formatDateTime } from "./format";

export interface LeadTimelineEvent {
  id: string;
  type: string;
  message: string;
  createdAt: Date | string;
}

/** A lead's timeline: every event, oldest first, to the second. */
export function LeadTimeline({ events }: { events: readonly LeadTimelineEvent[] }) {
  if (events.length === 0) return <p className="muted">No events recorded.</p>;
  return (
    <ol className="timeline">
      {events.map((e) => (
        <li key={e.id}>
          <time className="nowrap muted small">{formatDateTime(e.createdAt, { seconds: true })}</time>
          <span className={`event-type event-${e.type}`}>{e.type}</span>
          <span>{e.message}</span>
        </li>
      ))}
    </ol>
  );
}
