import { Form } from "@remix-run/react";
import type { ReportCell, ReportColumn, ReportStat, ReportTable, ReportView } from "~/modules/reports/report-query.schema";
import { formatMoney, DEFAULT_CURRENCY } from "~/utils/money";
import { formatPercent } from "./conversion-report";
import { DataTable } from "./data-table";
import { ReportButtons, ReportPeriodFields, SubIdField } from "./filter-bar";
import { EmptyState, PageHeader, StatCard } from "./portal-shell";

// A report page as every role sees it: the filters (a GET form: the URL holds the question, so a
// link, the back button and the CSV export all give the same figures), the headline figures, the
// funnel, the charts (SVG drawn on the server; their numbers are in the tables below) and the
// tables, each with its own CSV link.

/** Seconds as people read a wait: "45 s", "3 min 05 s", "2 h 10 min". */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")} min`;
  return `${Math.round(seconds / 86_400)} days`;
}

function formatCell(kind: ReportColumn["kind"], value: ReportCell | undefined): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  if (kind === "money") return formatMoney(value, DEFAULT_CURRENCY);
  if (kind === "percent") return formatPercent(value);
  if (kind === "seconds") return formatSeconds(value);
  return value.toLocaleString("en-US");
}

function queryOf(view: ReportView, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    from: view.fromDay,
    to: view.toDay,
    grouping: view.grouping,
    ...(view.subKey ? { subKey: view.subKey } : {}),
    ...extra,
  });
  return params.toString();
}

function ReportFilters({ view }: { view: ReportView }) {
  return (
    <Form method="get" action={view.path} className="filter-bar card" aria-label="Report period">
      <ReportPeriodFields from={view.fromDay} to={view.toDay} errors={view.errors} />
      <div className="field">
        <label htmlFor="f-grouping">Chart by</label>
        <select id="f-grouping" name="grouping" defaultValue={view.grouping}>
          <option value="day">Day</option>
          <option value="week">Week</option>
        </select>
      </div>
      {view.subKey ? <SubIdField name="subKey" value={view.subKey} /> : null}
      <ReportButtons resetTo={view.path} />
    </Form>
  );
}

function Stat({ stat }: { stat: ReportStat }) {
  return (
    <StatCard label={stat.label} value={formatCell(stat.kind, stat.value)}>
      {stat.note ? <p className="muted small">{stat.note}</p> : null}
    </StatCard>
  );
}

function Funnel({ view }: { view: ReportView }) {
  return (
    <section className="card" aria-labelledby="funnel-title">
      <h2 id="funnel-title">Funnel</h2>
      <ol className="report-funnel" data-testid="report-funnel">
        {view.funnel.map((step) => (
          <li key={step.label}>
            <span className="report-funnel-label">{step.label}</span>
            <strong>{step.count.toLocaleString("en-US")}</strong>
            <span className="muted small">{step.ofFirst === null ? "" : formatPercent(step.ofFirst)}</span>
            <span className="report-funnel-bar" aria-hidden="true">
              <meter min={0} max={1} value={step.ofFirst ?? 0} />
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Table({ view, table }: { view: ReportView; table: ReportTable }) {
  const rows = table.rows.length > 0 && table.total ? [...table.rows, table.total] : table.rows;
  const [first, ...rest] = table.columns;
  return (
    <section className="card" aria-labelledby={`table-${table.id}`}>
      <div className="report-section-header">
        <h2 id={`table-${table.id}`}>{table.title}</h2>
        <a href={`${view.path}.csv?${queryOf(view, { table: table.id })}`} className="button button-ghost button-small" download>
          {`Download CSV`}
          <span className="visually-hidden">{` of ${table.title.toLowerCase()}`}</span>
        </a>
      </div>
      {table.description ? <p className="muted small">{table.description}</p> : null}
      <DataTable
        rows={rows}
        testId={`report-table-${table.id}`}
        stackOnPhone
        empty={<EmptyState title="Nothing in this period">Pick a longer period, or come back when leads have come in.</EmptyState>}
        head={table.columns.map((c) => (
          <th key={c.key} className={c.kind === "text" ? undefined : "num"} scope="col">
            {c.label}
          </th>
        ))}
        row={(row) => (
          <tr key={String(row[first.key])} className={row === table.total ? "total-row" : undefined}>
            <th scope="row" data-label={first.label}>
              {formatCell(first.kind, row[first.key])}
            </th>
            {rest.map((c) => (
              <td key={c.key} className={c.kind === "text" ? undefined : "num"} data-label={c.label}>
                {formatCell(c.kind, row[c.key])}
              </td>
            ))}
          </tr>
        )}
      />
    </section>
  );
}

export function ReportPage({ view, title, description }: { view: ReportView; title: string; description: string }) {
  const hasErrors = Object.keys(view.errors).length > 0;
  return (
    <>
      <PageHeader title={title} description={description} />
      <ReportFilters view={view} />
      {hasErrors ? (
        <div className="alert alert-error" role="alert">
          {`The period could not be read: ${Object.entries(view.errors)
            .map(([field, message]) => `${field === "from" ? "From" : "To"}: ${message}`)
            .join("; ")}. Showing ${view.fromDay} to ${view.toDay}.`}
        </div>
      ) : null}
      <p className="muted small" data-testid="report-freshness">
        {view.freshness}
      </p>
      <div className="stats">
        {view.stats.map((s) => (
          <Stat key={s.label} stat={s} />
        ))}
      </div>
      <Funnel view={view} />
      {view.charts.map((chart) => (
        <figure key={chart.id} className="card report-chart" data-testid={`report-chart-${chart.id}`}>
          <h2>{chart.title}</h2>
          {/* Server-drawn SVG from our own figures (no user text in it): see report-charts.server.ts. */}
          <div className="report-chart-svg" dangerouslySetInnerHTML={{ __html: chart.svg }} />
          <figcaption className="muted small">{`${chart.caption} The numbers are in the table "${view.tables[0]?.title ?? ""}" below.`}</figcaption>
        </figure>
      ))}
      {view.tables.map((t) => (
        <Table key={t.id} view={view} table={t} />
      ))}
    </>
  );
}
