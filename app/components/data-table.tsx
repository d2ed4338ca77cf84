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
  label,
}: {
  rows: readonly Row[];
  head: ReactNode;
  row: (item: Row) => ReactNode;
  empty?: ReactNode;
  testId?: string;
  /** On a phone each row becomes a card, its cells labelled by their `data-label`. */
  stackOnPhone?: boolean;
  /** Names the table's scrollable region for screen readers ("Bought leads"); defaults to a generic name. */
  label?: string;
}) {
  if (rows.length === 0 && empty !== null) return <>{empty}</>;
  return (
    // Focusable and named, so a keyboard can scroll a wide table and a screen reader says what it holds.
    <div className="table-wrap" tabIndex={0} role="region" aria-label={label ?? "Table"}>
      <table data-testid={testId} className={stackOnPhone ? "stack-on-phone" : undefined}>
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody>{rows.map((item) => row(item))}</tbody>
      </table>
    </div>
  );
}

/** A card with its heading over a DataTable whose rows become labelled cards on a phone. */
export function TableCard<Row>({ title, ...table }: { title: ReactNode } & Parameters<typeof DataTable<Row>>[0]) {
  return (
    <section className="card">
      <h2>{title}</h2>
      <DataTable stackOnPhone {...table} />
    </section>
  );
}
