import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FieldError, FormError, SubmitButton } from "~/components/field";
import { formatDateTime, humanize } from "~/components/format";
import { OfferHistory } from "~/components/offer-history";
import { OfferPayout } from "~/components/offer-payout";
import { OfferTerms } from "~/components/offer-terms";
import { PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { changeOfferStatus } from "~/modules/offers/offer-changes.server";
import { canMoveOffer } from "~/modules/offers/offer-status";
import { offerStatusFormSchema } from "~/modules/offers/offer-status.schema";
import { type OfferField } from "~/modules/offers/offers.schema";
import { MAX_STRING_LENGTH } from "~/modules/offers/offers.constants";
import { ownOfferPageView } from "~/modules/offers/own-offer-views.server";
import type { OfferQualityRules } from "~/modules/quality/quality.schema";
import { redirectWithFlash } from "~/utils/flash.server";
import { handleForm, orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.offer.title ?? "Offer"} · Leadex` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  return orNotFound(ownOfferPageView(actor, params.offerId ?? ""));
}

const STATUS_DONE = { ACTIVE: "resumed: it takes leads again", PAUSED: "paused: it takes no leads until you resume it", ARCHIVED: "archived" } as const;

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  return handleForm(await readForm(request), offerStatusFormSchema, async ({ status }) => {
    const offer = await changeOfferStatus(actor, params.offerId ?? "", status);
    return redirectWithFlash(`/affiliate/offers/${offer.id}`, `Offer “${offer.title}” ${STATUS_DONE[status]}.`);
  });
}

/** An enum's values or a number/date/string bound, in words. */
function fieldRule(f: OfferField): string {
  if (f.type === "enum") return `One of: ${(f.options ?? []).join(", ")}`;
  if (f.type === "boolean") return "true / false (also 1/0, yes/no)";
  const range = [f.min !== undefined ? `from ${f.min}` : null, f.max !== undefined ? `to ${f.max}` : null].filter(Boolean).join(" ");
  if (f.type === "date") return `yyyy-mm-dd${range ? `, ${range}` : ""}`;
  if (f.type === "string") return `At most ${f.maxLength ?? MAX_STRING_LENGTH} characters`;
  return range ? range[0].toUpperCase() + range.slice(1) : "";
}

const days = (n: number) => (n === 0 ? "off" : `${n} days`);
const limit = (n: number, per: string) => (n === 0 ? "no limit" : `${n} per ${per}`);

function QualityRules({ rules, distribution }: { rules: OfferQualityRules; distribution: string }) {
  return (
    <dl className="details" data-testid="quality-rules">
      <dt>Distribution</dt>
      <dd>{humanize(distribution)}</dd>
      <dt>Duplicate window</dt>
      <dd>
        this offer: {days(rules.duplicateWindowDays)}; other offers: {days(rules.crossOfferDuplicateWindowDays)}
      </dd>
      <dt>Velocity</dt>
      <dd>
        {limit(rules.maxLeadsPerAffiliatePerHour, "hour from you")}; {limit(rules.maxLeadsPerIpPerDay, "day per consumer IP")}
      </dd>
      <dt>Minimum form-fill time</dt>
      <dd>{rules.minFormFillSeconds === 0 ? "off" : `${rules.minFormFillSeconds} s (time_on_form)`}</dd>
      <dt>Consent</dt>
      <dd>
        {rules.requireConsent ? "required (consent_text, consent_at)" : "not required"}
        {rules.requireConsentCertificate ? "; certificate URL required (consent_cert_url)" : ""}
      </dd>
      <dt>Email</dt>
      <dd>
        disposable domains {rules.rejectDisposableEmail ? "rejected" : "accepted"}; role accounts {rules.rejectRoleEmail ? "rejected" : "accepted"}
      </dd>
      <dt>Phone types</dt>
      <dd>{rules.allowedPhoneTypes.length === 0 ? "any valid number" : rules.allowedPhoneTypes.map(humanize).join(", ")}</dd>
      <dt>Score thresholds</dt>
      <dd>
        accepted from {rules.acceptScore}; rejected below {rules.rejectScore}; held for review in between
      </dd>
    </dl>
  );
}

function StatusActions({ offer }: { offer: { status: string; unlistedAt: Date | string | null } }) {
  const answer = useActionData<typeof action>();
  const can = (to: string) => canMoveOffer(offer, to);
  if (!can("ACTIVE") && !can("PAUSED") && !can("ARCHIVED")) return null;
  return (
    <section className="card" aria-labelledby="offer-status-title">
      <h2 id="offer-status-title">Status</h2>
      <FormError error={answer?.formError} />
      <div className="form-actions">
        {can("PAUSED") ? (
          <Form method="post">
            <input type="hidden" name="status" value="PAUSED" />
            <SubmitButton className="button button-ghost">Pause offer</SubmitButton>
          </Form>
        ) : null}
        {can("ACTIVE") ? (
          <Form method="post">
            <input type="hidden" name="status" value="ACTIVE" />
            <SubmitButton>Resume offer</SubmitButton>
          </Form>
        ) : null}
      </div>
      {can("ARCHIVED") ? (
        <Form method="post" className="form archive-form">
          <input type="hidden" name="status" value="ARCHIVED" />
          <label className="checkbox-line">
            <input type="checkbox" name="confirm" aria-describedby={answer?.errors?.confirm ? "f-confirm-error" : undefined} /> I understand: an archived offer
            takes no leads, is hidden from buyers, and cannot be reopened.
          </label>
          <FieldError id="f-confirm-error" error={answer?.errors?.confirm} />
          <SubmitButton className="button button-danger">Archive offer</SubmitButton>
        </Form>
      ) : null}
    </section>
  );
}

export default function AffiliateOffer() {
  const { offer, history, payout, refusal } = useLoaderData<typeof loader>();
  const editable = offer.status !== "ARCHIVED";
  return (
    <>
      <PageHeader
        title={offer.title}
        description={
          <>
            Offer id <code>{offer.id}</code> · created {formatDateTime(offer.createdAt)}
          </>
        }
        actions={
          <>
            <StatusBadge status={offer.status} />
            <Link to={`/affiliate/send-leads?offer=${offer.id}`} className="button button-ghost">
              Send leads to this offer
            </Link>
            {editable ? (
              <Link to={`/affiliate/offers/${offer.id}/edit`} className="button">
                Edit offer
              </Link>
            ) : null}
          </>
        }
      />
      {offer.unlistedAt ? (
        <p className="alert alert-error" role="alert" data-testid="unlisted-reason">
          Leadex unlisted this offer on {formatDateTime(offer.unlistedAt)}: <strong>{offer.unlistedReason || "no reason given"}</strong>. It takes no leads and
          buyers cannot see it until an admin relists it; write to support to ask for that.
        </p>
      ) : refusal ? (
        <p className="alert alert-warning" role="status">
          {refusal}.
        </p>
      ) : null}
      <div className="grid-2">
        <section className="card">
          <h2>What you are paid</h2>
          <OfferPayout payout={payout} />
          <h2>Terms</h2>
          <OfferTerms offer={offer} />
          <h2>Quality rules</h2>
          <QualityRules rules={offer.qualityRules} distribution={offer.distribution} />
        </section>
        <section className="card">
          <h2>Lead fields</h2>
          <DataTable
            stackOnPhone
            rows={offer.fields}
            head={
              <>
                <th>Name</th>
                <th>Type</th>
                <th>Required</th>
                <th>Allowed values</th>
              </>
            }
            row={(f) => (
              <tr key={f.name}>
                <td data-label="Name">
                  <code>{f.name}</code>
                </td>
                <td data-label="Type">{humanize(f.type)}</td>
                <td data-label="Required">{f.required ? "Required" : "Optional"}</td>
                <td data-label="Allowed values">{fieldRule(f)}</td>
              </tr>
            )}
          />
        </section>
      </div>
      <StatusActions offer={offer} />
      <section className="card">
        <h2>History</h2>
        <OfferHistory rows={history} />
      </section>
    </>
  );
}
