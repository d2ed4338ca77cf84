import { Form, Link } from "@remix-run/react";
import { FieldError } from "./field";
import { humanize } from "./format";

// The pieces every list's filter bar repeats: a date range (from / to, as the URL keeps them) and
// the Filter button with a way back to the unfiltered list.

export function DateRangeFields({ fromLabel, from, to }: { fromLabel: string; from?: string | null; to?: string | null }) {
  return (
    <>
      <div className="field">
        <label htmlFor="f-from">{fromLabel}</label>
        <input id="f-from" name="from" type="date" defaultValue={from ?? ""} />
      </div>
      <div className="field">
        <label htmlFor="f-to">to</label>
        <input id="f-to" name="to" type="date" defaultValue={to ?? ""} />
      </div>
    </>
  );
}

/** A list's offer filter: any offer, or one of the advertiser's offers (the URL keeps its id as `offerId`). */
export function OfferFilterField({ offers, value }: { offers: ReadonlyArray<{ id: string; title: string }>; value?: string | null }) {
  return (
    <div className="field">
      <label htmlFor="f-offer">Offer</label>
      <select id="f-offer" name="offerId" defaultValue={value ?? ""}>
        <option value="">Any offer</option>
        {offers.map((o) => (
          <option key={o.id} value={o.id}>
            {o.title}
          </option>
        ))}
      </select>
    </div>
  );
}

/** "Filter", and "Clear" back to `clearTo` (always, or only while `filtered`). */
export function FilterButtons({ clearTo, filtered = true }: { clearTo: string; filtered?: boolean }) {
  return (
    <>
      <button type="submit" className="button">
        Filter
      </button>
      {filtered ? (
        <Link to={clearTo} className="button button-ghost">
          Clear
        </Link>
      ) : null}
    </>
  );
}

/**
 * What the conversion and lead lists filter by: a status, an offer and a date range (`fromLabel`
 * says which date), then the Filter button and, while `filtered`, Clear back to `clearTo`.
 */
export function StatusOfferPeriodFilters({
  statuses,
  offers,
  filter,
  fromLabel,
  clearTo,
  filtered,
}: {
  statuses: readonly string[];
  offers: ReadonlyArray<{ id: string; title: string }>;
  filter: { status?: string | null; offerId?: string | null; from?: string | null; to?: string | null };
  fromLabel: string;
  clearTo: string;
  filtered: boolean;
}) {
  return (
    <>
      <StatusFilterField statuses={statuses} value={filter.status} />
      <OfferFilterField offers={offers} value={filter.offerId} />
      <DateRangeFields fromLabel={fromLabel} from={filter.from} to={filter.to} />
      <FilterButtons clearTo={clearTo} filtered={filtered} />
    </>
  );
}

/** A list's search box (the URL keeps it as `q`). */
export function SearchFilterField({ value, placeholder }: { value?: string | null; placeholder: string }) {
  return (
    <div className="field">
      <label htmlFor="f-q">Search</label>
      <input id="f-q" name="q" type="search" defaultValue={value ?? ""} placeholder={placeholder} />
    </div>
  );
}

/** A list's filter bar: a search box (`q`), a status (`status`), Filter, and while either is set Clear back to `clearTo`. */
export function SearchStatusFilterBar({
  filter,
  placeholder,
  statuses,
  clearTo,
}: {
  filter: { q?: string | null; status?: string | null };
  placeholder: string;
  statuses: readonly string[];
  clearTo: string;
}) {
  return (
    <Form method="get" className="filter-bar card">
      <SearchFilterField value={filter.q} placeholder={placeholder} />
      <StatusFilterField statuses={statuses} value={filter.status} />
      <FilterButtons clearTo={clearTo} filtered={Boolean(filter.q || filter.status)} />
    </Form>
  );
}

/** A list's status filter: any, or one of `statuses` (the URL keeps it as `status`). */
export function StatusFilterField({ statuses, value }: { statuses: readonly string[]; value?: string | null }) {
  return (
    <ChoiceFilterField name="status" label="Status" anyLabel="Any status" value={value} options={statuses.map((s) => ({ value: s, label: humanize(s) }))} />
  );
}

/** A list's choice filter: any, or one of `options` (the URL keeps its value as `name`). */
export function ChoiceFilterField({
  name,
  label,
  anyLabel,
  value,
  options,
}: {
  name: string;
  label: string;
  anyLabel: string;
  value?: string | null;
  options: ReadonlyArray<{ value: string; label: string }>;
}) {
  return (
    <div className="field">
      <label htmlFor={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} name={name} defaultValue={value ?? ""}>
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

const SUB_IDS = ["s1", "s2", "s3", "s4", "s5"] as const;

function DayField({ name, label, value, error }: { name: string; label: string; value: string; error?: string }) {
  const id = `f-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type="date"
        defaultValue={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

/** A report's period: the first and last day (UTC, the last included), each with its error. */
export function ReportPeriodFields({ from, to, errors }: { from: string; to: string; errors: Partial<Record<"from" | "to", string>> }) {
  return (
    <>
      <DayField name="from" label="From" value={from} error={errors.from} />
      <DayField name="to" label="To (UTC, included)" value={to} error={errors.to} />
    </>
  );
}

/** A report's choice of sub-id (s1 to s5), kept in the URL as `name`. */
export function SubIdField({ name, value }: { name: string; value: string }) {
  return (
    <div className="field">
      <label htmlFor={`f-${name}`}>Sub-id</label>
      <select id={`f-${name}`} name={name} defaultValue={value}>
        {SUB_IDS.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </div>
  );
}

/** "Show", and "Last 30 days" back to the report's own page. */
export function ReportButtons({ resetTo }: { resetTo: string }) {
  return (
    <>
      <button type="submit" className="button">
        Show
      </button>
      <Link to={resetTo} className="button button-ghost">
        Last 30 days
      </Link>
    </>
  );
}
