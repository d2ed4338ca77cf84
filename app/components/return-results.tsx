import { Link } from "@remix-run/react";
import type { ReturnAttempt } from "~/modules/disputes/return-list.schema";
import { DataTable } from "./data-table";

/** What happened to each return of a selection or a CSV upload: created (approved or sent to the seller) or refused, in words. */
export function ReturnResults({ results, indexLabel }: { results: readonly ReturnAttempt[]; indexLabel?: string }) {
  const created = results.filter((r) => r.result === "created").length;
  return (
    <section className="card" aria-labelledby="return-results-title">
      <h2 id="return-results-title">
        {`${created} of ${results.length} ${results.length === 1 ? "return" : "returns"} asked${results.length - created > 0 ? `, ${results.length - created} refused` : ""}`}
      </h2>
      <DataTable
        rows={results}
        testId="return-results"
        stackOnPhone
        head={
          <>
            {indexLabel ? <th className="num">{indexLabel}</th> : null}
            <th>Lead</th>
            <th>Result</th>
            <th>What happened</th>
          </>
        }
        row={(r) => (
          <tr key={`${r.index}:${r.leadId}`} data-result={r.result}>
            {indexLabel ? (
              <td className="num" data-label={indexLabel}>
                {r.index}
              </td>
            ) : null}
            <td data-label="Lead">
              <code>{r.leadId || "—"}</code>
            </td>
            <td data-label="Result">
              <span className={`badge badge-${r.result === "created" ? (r.code === "approved" ? "success" : "info") : "danger"}`}>
                {r.result === "created" ? (r.code === "approved" ? "created: approved" : "created: sent to the seller") : "refused"}
              </span>
            </td>
            <td data-label="What happened">
              {r.message}
              {r.returnId ? (
                <>
                  {" "}
                  <Link to={`/advertiser/disputes/${r.returnId}`}>{r.result === "created" ? "See the return" : "See the existing return"}</Link>
                </>
              ) : null}
            </td>
          </tr>
        )}
      />
    </section>
  );
}
