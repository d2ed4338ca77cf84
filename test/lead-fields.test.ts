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

  it("keeps fields the offer does not declare, as posted", () => {
    const result = checkLeadFields(spec, "US", { first_name: "Ada", email: "a@b.co", phone: "+1 650 253 0000", budget: 5000 });
    expect(result.ok && result.fields.budget).toBe("5000");
  });
});
