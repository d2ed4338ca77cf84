import { describe, expect, it } from "vitest";
import type { OfferField } from "~/modules/offers/offers.schema";
import { checkLeadFields } from "~/modules/quality/lead-fields";

const spec: OfferField[] = [
  { name: "first_name", type: "string", required: true },
  { name: "email", type: "email", required: true },
  { name: "phone", type: "phone", required: true },
  { name: "state", type: "state", required: false },
];

describe("lead field checks", () => {
  it("normalises email to lower case and phone to E.164", () => {
    const result = checkLeadFields(spec, "US", { first_name: " Ada ", email: "Ada@Example.COM", phone: "(415) 555-2671", state: "ca" });
    expect(result).toEqual({
      ok: true,
      fields: { first_name: "Ada", email: "ada@example.com", phone: "+14155552671", state: "CA" },
    });
  });

  it("names every missing or invalid field", () => {
    const result = checkLeadFields(spec, "US", { email: "not-an-email", phone: "555-1234", state: "California" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      first_name: "Required by this offer",
      email: "Not a valid email address",
      phone: "Not a valid US phone number",
      state: "Use a two-letter state code",
    });
  });

  it("takes only phone numbers of the offer's country, asking for one by name", () => {
    const fields = { first_name: "Ada", email: "a@b.co" };
    for (const phone of ["+447911123456", "+44 20 7946 0958", "+1 416 555 0123", "+33 6 12 34 56 78"]) {
      expect(checkLeadFields(spec, "US", { ...fields, phone }), phone).toEqual({ ok: false, errors: { phone: "Enter a US phone number" } });
    }
    expect(checkLeadFields(spec, "US", { ...fields, phone: "+1 415 555 2671" })).toMatchObject({ ok: true, fields: { phone: "+14155552671" } });
    expect(checkLeadFields(spec, "GB", { ...fields, phone: "020 7946 0958" })).toMatchObject({ ok: true, fields: { phone: "+442079460958" } });
    expect(checkLeadFields(spec, "GB", { ...fields, phone: "+1 415 555 2671" })).toEqual({ ok: false, errors: { phone: "Enter a GB phone number" } });
  });

  it("keeps fields the offer does not declare, as posted", () => {
    const result = checkLeadFields(spec, "US", { first_name: "Ada", email: "a@b.co", phone: "+1 650 253 0000", budget: 5000 });
    expect(result.ok && result.fields.budget).toBe("5000");
  });
});

describe("lead field types", () => {
  const typed: OfferField[] = [
    { name: "email", type: "email", required: true },
    { name: "coverage", type: "enum", required: true, options: ["Basic", "Full"] },
    { name: "homeowner", type: "boolean", required: true },
    { name: "move_date", type: "date", required: false, min: "2025-01-01", max: "2026-12-31" },
    { name: "budget", type: "number", required: false, min: 100, max: 5000 },
    { name: "notes", type: "string", required: false, maxLength: 10 },
  ];

  it("normalises enum, boolean, date and number values", () => {
    for (const [word, value] of [
      ["yes", "true"],
      ["1", "true"],
      ["TRUE", "true"],
      ["no", "false"],
      ["0", "false"],
      ["false", "false"],
    ]) {
      const result = checkLeadFields(typed, "US", { email: "a@b.co", coverage: "full", homeowner: word, move_date: "2025-06-30", budget: "2500" });
      expect(result).toEqual({ ok: true, fields: { email: "a@b.co", coverage: "Full", homeowner: value, move_date: "2025-06-30", budget: "2500" } });
    }
  });

  it("names every value outside its type, options or range", () => {
    const result = checkLeadFields(typed, "US", {
      email: "a@b.co",
      coverage: "Premium",
      homeowner: "maybe",
      move_date: "2024-12-31",
      budget: "99",
      notes: "far too long for ten",
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        coverage: "Must be one of: Basic, Full",
        homeowner: "Must be true or false (also 1/0, yes/no)",
        move_date: "At least 2025-01-01",
        budget: "At least 100",
        notes: "At most 10 characters",
      },
    });
    const dates = checkLeadFields(typed, "US", { email: "a@b.co", coverage: "Basic", homeowner: "no", move_date: "2025-02-30", budget: "5001" });
    expect(dates.ok || dates.errors).toEqual({ move_date: "Must be a date written yyyy-mm-dd", budget: "At most 5000" });
  });
});
