import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { CursorPager } from "~/components/cursor-pager";
import { DataTable } from "~/components/data-table";
import { SubmitButton } from "~/components/field";
import { ChoiceFilterField, FilterButtons, SearchFilterField } from "~/components/filter-bar";
import { formatDateTime, humanize } from "~/components/format";
import { EmptyState } from "~/components/portal-shell";
import { RunNowHeader } from "~/components/run-now-header";
import { StatusBadge } from "~/components/status-badge";
import { listAffiliatePayoutStanding, requestPayoutRun, setPayoutHold } from "~/modules/payouts/payout-queries.server";
import { formatMoney } from "~/utils/money";
import { redirectWithFlash } from "~/utils/flash.server";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";
import { PAYOUT_STATUSES } from "~/modules/payouts/payouts.constants";
import { adminPayoutFilterSchema, payoutAdminActionSchema } from "~/modules/payouts/payouts.schema";

export const meta: MetaFunction = () => [{ title: "Payouts · Admin · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const filter = adminPayoutFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { filter, ...(await listAffiliatePayoutStanding(actor, filter)) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return handleForm(
    await readForm(request),
    payoutAdminActionSchema,
    async (input) => {
      if (input.intent === "run") {
        await requestPayoutRun(actor);
        return redirectWithFlash("/admin/payouts", "Payout run started: refresh in a moment to see who was paid and why others were not.");
      }
      const name = await setPayoutHold(actor, input.affiliateId, input.intent === "hold" ? { held: true, reason: input.reason } : { held: false });
      return redirectWithFlash("/admin/payouts", input.intent === "hold" ? `Payouts to ${name} are held.` : `Payouts to ${name} are no longer held.`);
    },
    { formError: "Choose what to do" },
  );
}

export default function AdminPayouts() {
  const { affiliates, payouts, nextCursor, runs, filter } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { search } = useLocation();
  const filtered = Boolean(filter.q || filter.status);
  return (
    <>
      <RunNowHeader
        title="Payouts"
        description="Affiliates are paid their available earnings through Stripe Connect on each run. Holds are written to the audit log."
        runLabel="Run payouts now"
        result={result}
      />
      <section className="card">
        <h2>Recent runs</h2>
        <DataTable
          stackOnPhone
          rows={runs}
          empty={<EmptyState title="No payout runs yet" />}
          head={
            <>
              <th>Started</th>
              <th>Trigger</th>
              <th className="num">Paid</th>
              <th className="num">Not paid</th>
              <th>Finished</th>
            </>
          }
          row={(r) => (
            <tr key={r.id}>
              <td data-label="Started" className="nowrap">
                {formatDateTime(r.startedAt)}
              </td>
              <td data-label="Trigger">{r.trigger.toLowerCase()}</td>
              <td data-label="Paid" className="num">
                {r._count.payouts}
              </td>
              <td data-label="Not paid" className="num">
                {r._count.skips}
              </td>
              <td data-label="Finished" className="nowrap">
                {r.finishedAt ? formatDateTime(r.finishedAt) : "running"}
              </td>
            </tr>
          )}
        />
      </section>
      <Form method="get" className="filter-bar card">
        <SearchFilterField value={filter.q} placeholder="Affiliate name" />
        <ChoiceFilterField
          name="status"
          label="Payout status"
          anyLabel="Any status"
          value={filter.status}
          options={PAYOUT_STATUSES.map((s) => ({ value: s, label: humanize(s) }))}
        />
        <FilterButtons clearTo="/admin/payouts" filtered={filtered} />
      </Form>
      <section className="card">
        <h2>Affiliates</h2>
        <DataTable
          stackOnPhone
          rows={affiliates}
          empty={<EmptyState title={filter.q ? "No affiliate has this name" : "No affiliates yet"} />}
          head={
            <>
              <th>Affiliate</th>
              <th>Stripe</th>
              <th>Payouts</th>
            </>
          }
          row={(a) => (
            <tr key={a.id}>
              <td data-label="Affiliate">{a.name}</td>
              <td data-label="Stripe">{a.stripeAccountId ? (a.payoutsEnabled ? "ready" : "onboarding") : "not set up"}</td>
              <td data-label="Payouts">
                {a.payoutsHeldAt ? (
                  <Form method="post" className="form-inline">
                    <span>Held: {a.payoutsHeldReason}</span>
                    <input type="hidden" name="intent" value="release" />
                    <input type="hidden" name="affiliateId" value={a.id} />
                    <SubmitButton className="button button-small button-ghost">Release</SubmitButton>
                  </Form>
                ) : (
                  <Form method="post" className="form-inline">
                    <input type="hidden" name="intent" value="hold" />
                    <input type="hidden" name="affiliateId" value={a.id} />
                    <label className="visually-hidden" htmlFor={`hold-${a.id}`}>
                      Reason to hold {a.name}&apos;s payouts
                    </label>
                    <input id={`hold-${a.id}`} name="reason" placeholder="Reason to hold" required maxLength={500} />
                    <SubmitButton className="button button-small button-ghost">Hold</SubmitButton>
                  </Form>
                )}
              </td>
            </tr>
          )}
        />
      </section>
      <section className="card">
        <h2>Payouts, newest first</h2>
        <DataTable
          stackOnPhone
          rows={payouts}
          testId="admin-payouts"
          empty={<EmptyState title={filtered ? "No payouts match these filters" : "No payouts yet"} />}
          head={
            <>
              <th>Date</th>
              <th>Affiliate</th>
              <th className="num">Amount</th>
              <th>Status</th>
              <th>Details</th>
            </>
          }
          row={(p) => (
            <tr key={p.id}>
              <td data-label="Date" className="nowrap">
                {formatDateTime(p.createdAt)}
              </td>
              <td data-label="Affiliate">{p.affiliate.name}</td>
              <td data-label="Amount" className="num">
                {formatMoney(p.amountCents, p.currency)}
              </td>
              <td data-label="Status">
                <StatusBadge status={p.status} />
              </td>
              <td data-label="Details">{p.failureReason ?? (p.stripeTransferId ? <code>{p.stripeTransferId}</code> : "—")}</td>
            </tr>
          )}
        />
        <CursorPager search={search} nextCursor={nextCursor} label="Payout pages" />
      </section>
    </>
  );
}
