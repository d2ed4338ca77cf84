import type { ReactNode } from "react";
import { DataTable } from "./data-table";
import { formatDateTime } from "./format";

/** One line of a history (from the audit log): when, who, what was done, and a line per detail below it. */
export interface HistoryEntry {
  id: string;
  at: string | Date;
  who: string;
  what: string;
  details?: readonly string[];
}

/** The history of an order or an offer as a table: When, Who, What. */
export function HistoryTable({ rows, empty, testId }: { rows: readonly HistoryEntry[]; empty: ReactNode; testId?: string }) {
  return (
    <DataTable
      rows={rows}
      stackOnPhone
      testId={testId}
      label="History"
      empty={empty}
      head={
        <>
          <th>When</th>
          <th>Who</th>
          <th>What</th>
        </>
      }
      row={(h) => (
        <tr key={h.id}>
          <td className="nowrap" data-label="When">
            {formatDateTime(h.at)}
          </td>
          <td data-label="Who">{h.who}</td>
          <td data-label="What">
            <strong>{h.what}</strong>
            {h.details?.map((line) => (
              <div key={line} className="small">
                {line}
              </div>
            ))}
          </td>
        </tr>
      )}
    />
  );
}
