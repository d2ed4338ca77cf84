import { Form } from "@remix-run/react";
import { RETURN_REASON_CODES, RETURN_REASON_LABELS } from "~/modules/disputes/disputes.constants";
import { BOUGHT_LEAD_SORT_LABELS, BOUGHT_LEAD_SORTS, isFiltered } from "~/modules/leads/bought-leads.constants";
import type { BoughtLeadFilter } from "~/modules/leads/bought-leads.schema";
import { TEMPERATURES } from "~/modules/quality/quality.constants";
import { FieldError, FormError, SelectField } from "./field";
import { ChoiceFilterField, FilterButtons, SearchFilterField } from "./filter-bar";
import { humanize } from "./format";

// The forms of the advertiser's leads list: the filter (a GET form, so the URL, the next page and
// the CSV export hold the same question) and the bar that returns or marks the ticked leads.

/** The leads list's search, temperature, score, contacted and sort filters (an order's leads keep its id). */
export function BoughtLeadFilters({ filter }: { filter: BoughtLeadFilter }) {
  return (
    <Form method="get" className="filter-bar card" role="search">
      {filter.orderId ? <input type="hidden" name="orderId" value={filter.orderId} /> : null}
      <SearchFilterField value={filter.q} placeholder="Name, email, phone or lead id" />
      <ChoiceFilterField
        name="temperature"
        label="Temperature"
        anyLabel="Any temperature"
        value={filter.temperature}
        options={TEMPERATURES.map((t) => ({ value: t, label: humanize(t) }))}
      />
      <div className="field">
        <label htmlFor="f-min-score">Minimum score</label>
        <input id="f-min-score" name="minScore" type="number" min={0} max={100} step={1} defaultValue={filter.minScore ?? ""} />
      </div>
      <ChoiceFilterField
        name="contacted"
        label="Contacted"
        anyLabel="Any"
        value={filter.contacted}
        options={[
          { value: "no", label: "Not yet contacted" },
          { value: "yes", label: "Contacted" },
        ]}
      />
      <div className="field">
        <label htmlFor="f-sort">Sort</label>
        <select id="f-sort" name="sort" defaultValue={filter.sort}>
          {BOUGHT_LEAD_SORTS.map((sort) => (
            <option key={sort} value={sort}>
              {BOUGHT_LEAD_SORT_LABELS[sort]}
            </option>
          ))}
        </select>
      </div>
      <FilterButtons clearTo="/advertiser/leads" filtered={isFiltered(filter)} />
    </Form>
  );
}

const REASON_OPTIONS = [{ value: "", label: "Choose a reason" }, ...RETURN_REASON_CODES.map((code) => ({ value: code, label: RETURN_REASON_LABELS[code] }))];

/**
 * "Return selected" (one reason and note for every ticked lead) and "Mark selected contacted":
 * the buttons of the form around the leads table, with what a refused submit said.
 */
export function BulkLeadActions({ failure }: { failure: { errors: Record<string, string>; formError?: string; values?: Record<string, string> } | null }) {
  const errors: Record<string, string | undefined> = failure?.errors ?? {};
  return (
    <>
      <div className="bulk-bar">
        <SelectField
          name="reason"
          label="Return selected leads as"
          options={REASON_OPTIONS}
          defaultValue={failure?.values?.reason ?? ""}
          error={errors.reason}
        />
        <div className="field">
          <label htmlFor="f-bulk-note">Note (for all)</label>
          <input id="f-bulk-note" name="note" maxLength={2000} defaultValue={failure?.values?.note} />
        </div>
        <button type="submit" name="intent" value="return" className="button">
          Return selected
        </button>
        <button type="submit" name="intent" value="contacted" className="button button-ghost">
          Mark selected contacted
        </button>
      </div>
      <FieldError error={errors.lead_id && !failure?.formError ? errors.lead_id : undefined} />
      <FormError error={failure?.formError} />
    </>
  );
}
