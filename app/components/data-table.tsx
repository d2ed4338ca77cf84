import type { ReactNode } from "react";

/**
 * A scrollable table of rows, or `empty` (an EmptyState, a short note) when there are none.
 * The header cells and each row's `<tr key=…>` stay with the page that knows its columns.
 */
export function DataTable<Row>({
  rows,
  head,
  row,
  empty = null,
  testId,
  stackOnPhone = false,
}: {
  rows: readonly Row[];
  head: ReactNode;
  row: (item: Row) => ReactNode;
  empty?: ReactNode;
  testId?: string;
  /** On a phone each row becomes a card, its cells labelled by their `data-label`. */
  stackOnPhone?: boolean;
}) {
  if (rows.length === 0 && empty !== null) return <>{empty}</>;
  return (
    <div className="table-wrap">
      <table data-testid={testId} className={stackOnPhone ? "stack-on-phone" : undefined}>
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody>{rows.map((item) => row(item))}</tbody>
      </table>
    </div>
  );
}
