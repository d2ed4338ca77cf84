import { describe, expect, it } from "vitest";
import type { Offer } from "~/generated/prisma/client";
import { phoneTypeCheck } from "~/modules/quality/checks/contact-checks";
import type { LeadCheckContext } from "~/modules/quality/checks/lead-check";
import { offerQualityRules, type CheckResult } from "~/modules/quality/quality.schema";
import { readAmount, readTimeline, scoreLead, type ScoreInput } from "~/modules/quality/scoring";

const contact = { first_name: "Ada", last_name: "Lovelace", email: "ada@example.com", phone: "+14155552671", state: "CA", postal_code: "94107" };
const cleanChecks: CheckResult[] = [
  { code: "fields", outcome: "pass", detail: "Every field is valid" },
  { code: "email", outcome: "pass", detail: "Email domain accepts mail" },
  { code: "phone_type", outcome: "pass", detail: "Valid US number +14155552671, type MOBILE", data: { lineType: "MOBILE" } },
  { code: "duplicate_same_offer", outcome: "pass", detail: "Not seen on this offer in 30 days" },
];

function input(overrides: Partial<ScoreInput> = {}): ScoreInput {
  return { fields: contact, signals: {}, consent: null, checks: [], ...overrides };
}

function sumOf(reasons: Array<{ points: number }>) {
  return reasons.reduce((s, r) => s + r.points, 0);
}

describe("quality score and temperature", () => {
  it("moves the intent's temperature one step by the other signals, and says why", () => {
    const temperatureOf = (fields: Record<string, string>, signals: ScoreInput["signals"]) => {
      const result = scoreLead(input({ fields: { ...contact, ...fields }, signals, checks: cleanChecks }));
      return [result.temperature, result.reasons.find((r) => r.code === "temperature_adjusted")?.detail ?? null];
    };
    const buyingNow = { timeline: "now", decision_maker: "yes" };
    expect(temperatureOf(buyingNow, { timeOnFormSeconds: 60 })).toEqual(["HOT", null]);
    expect(temperatureOf(buyingNow, { timeOnFormSeconds: 4 })).toEqual(["WARM", "Temperature warm, not hot as its intent alone says: the form was rushed"]);
    expect(temperatureOf({ ...buyingNow, budget: "none" }, {})).toEqual(["WARM", "Temperature warm, not hot as its intent alone says: no budget"]);

    const backedUp = { budget: "12000", homeowner: "yes" };
    expect(temperatureOf({ timeline: "within 3 months", ...backedUp }, { timeOnFormSeconds: 60 })).toEqual([
      "HOT",
      "Temperature hot, not warm as its intent alone says: a budget, engaged activity and a demographic fit",
    ]);
    expect(temperatureOf({ timeline: "within 3 months", budget: "12000" }, { timeOnFormSeconds: 60 })).toEqual(["WARM", null]);
    expect(temperatureOf({ timeline: "just researching", ...backedUp }, { pagesViewed: 5 })).toEqual(["COLD", null]);
    expect(temperatureOf({ timeline: "6 months", ...backedUp }, { pagesViewed: 5 })).toEqual([
      "WARM",
      "Temperature warm, not cold as its intent alone says: a budget, engaged activity and a demographic fit",
    ]);
  });

  it("a buyer-ready decision maker with a budget, an engaged visit and certified consent is hot and scores 97", () => {
    const result = scoreLead(
      input({
        fields: { ...contact, timeline: "Immediately", need: "High", decision_maker: "Yes", budget: "$5,000 - $10,000", homeowner: "yes" },
        signals: { timeOnFormSeconds: 95, pagesViewed: 6 },
        consent: { text: "I agree to be contacted", at: "2025-03-14T09:26:53Z", certUrl: "https://cert.example/abc" },
        checks: cleanChecks,
      }),
    );
    expect(result.score).toBe(97);
    expect(result.temperature).toBe("HOT");
    expect(result.reasons).toEqual([
      { code: "email", points: 15, detail: "Email address given" },
      { code: "phone", points: 15, detail: "Phone number given" },
      { code: "full_name", points: 5, detail: "First and last name given" },
      { code: "location", points: 5, detail: "Postal code, state or address given" },
      { code: "phone_mobile", points: 5, detail: "Phone is a valid mobile line" },
      { code: "email_verified", points: 3, detail: "Email address passed its checks" },
      { code: "checks_clean", points: 2, detail: "Every verification check passed" },
      { code: "timeline_now", points: 12, detail: 'Timeline "Immediately": buying now (within a week)' },
      { code: "need_high", points: 6, detail: 'Need "High": high' },
      { code: "authority_yes", points: 6, detail: 'Authority "Yes": decision maker' },
      { code: "budget", points: 6, detail: "Budget stated: $5,000 - $10,000" },
      { code: "time_on_form_engaged", points: 5, detail: "95 s on the form: engaged" },
      { code: "pages_viewed_many", points: 5, detail: "6 pages viewed" },
      { code: "homeowner", points: 2, detail: "Owns a home" },
      { code: "consent_certificate", points: 5, detail: "Consent given, with a certificate URL" },
    ]);
    expect(sumOf(result.reasons)).toBe(result.score);
  });

  it("a lead comparing vendors over the next three months is warm and scores 69", () => {
    const result = scoreLead(
      input({
        fields: { ...contact, timeline: "1-3 months", need: "medium", authority: "shared with spouse", credit_rating: "Good", age: "41" },
        signals: { timeOnFormSeconds: 20, pagesViewed: 3 },
        consent: { text: "I agree", at: "2025-03-14T09:26:53Z" },
        checks: [
          { code: "email", outcome: "pass", detail: "Email domain accepts mail" },
          { code: "phone_type", outcome: "pass", detail: "Valid US number +14155552671, type FIXED_LINE", data: { lineType: "FIXED_LINE" } },
        ],
      }),
    );
    expect(result.temperature).toBe("WARM");
    expect(result.score).toBe(69);
    expect(result.reasons.map((r) => [r.code, r.points])).toEqual([
      ["email", 15],
      ["phone", 15],
      ["full_name", 5],
      ["location", 5],
      ["phone_verified", 2],
      ["email_verified", 3],
      ["checks_clean", 2],
      ["timeline_quarter", 6],
      ["need_medium", 3],
      ["authority_shared", 3],
      ["time_on_form_brief", 2],
      ["pages_viewed_some", 3],
      ["good_credit", 1],
      ["age", 1],
      ["consent", 3],
    ]);
  });

  it("a lead just researching, with a held check, is cold and loses points for the hold", () => {
    const result = scoreLead(
      input({
        fields: { ...contact, timeline: "just researching", need: "low", budget: "none" },
        signals: { timeOnFormSeconds: 4, pagesViewed: 1 },
        checks: [
          { code: "email", outcome: "pass", detail: "Email domain accepts mail" },
          { code: "velocity_ip", outcome: "hold", reason: "ip_velocity", detail: "6 leads from this IP today" },
        ],
      }),
    );
    expect(result.temperature).toBe("COLD");
    expect(result.score).toBe(29);
    expect(result.reasons.filter((r) => r.points <= 0)).toEqual([
      { code: "check_held", points: -15, detail: "Check velocity_ip held: ip_velocity" },
      { code: "timeline_researching", points: 0, detail: 'Timeline "just researching": just researching' },
      { code: "need_low", points: 0, detail: 'Need "low": low' },
      { code: "budget_none", points: 0, detail: "No budget: none" },
      { code: "time_on_form_too_fast", points: 0, detail: "4 s on the form: too fast to have read it" },
    ]);
    expect(sumOf(result.reasons)).toBe(29);
  });

  it("a lead with only an email and nothing else is cold, and its score never goes below 0", () => {
    const bare = scoreLead({ fields: { email: "ada@example.com" }, signals: {}, consent: null, checks: [] });
    expect(bare).toEqual({ score: 15, reasons: [{ code: "email", points: 15, detail: "Email address given" }], temperature: "COLD" });

    const flagged = scoreLead({
      fields: { email: "ada@example.com" },
      signals: {},
      consent: null,
      checks: [
        { code: "duplicate_cross_offer", outcome: "hold", reason: "duplicate_lead", detail: "Seen on another offer" },
        { code: "velocity_ip", outcome: "hold", reason: "ip_velocity", detail: "Too many from this IP" },
      ],
    });
    expect(flagged.score).toBe(0);
    expect(flagged.reasons.at(-1)).toEqual({ code: "floor", points: 15, detail: "A score is never below 0" });
    expect(sumOf(flagged.reasons)).toBe(0);
  });

  it("a complete contact without intent data reaches the default accept threshold of 40", () => {
    const result = scoreLead(input());
    expect(result.score).toBe(40);
    expect(result.temperature).toBe("COLD");
  });

  it("the same input always gives the same score", () => {
    const lead = input({ fields: { ...contact, timeline: "this week" }, signals: { pagesViewed: 2 }, checks: cleanChecks });
    expect(scoreLead(lead)).toEqual(scoreLead(structuredClone(lead)));
  });

  it("reads common timeline words and spans", () => {
    const stages = Object.fromEntries(
      [
        "immediately",
        "now",
        "ASAP",
        "this week",
        "within 2 weeks",
        "1 month",
        "next month",
        "3 months",
        "1-3 months",
        "3-6 months",
        "6+ months",
        "more than 6 months",
        "1 year",
        "researching",
        "not sure",
        "whenever",
      ].map((t) => [t, readTimeline(t)]),
    );
    expect(stages).toEqual({
      immediately: "now",
      now: "now",
      ASAP: "now",
      "this week": "now",
      "within 2 weeks": "month",
      "1 month": "month",
      "next month": "month",
      "3 months": "quarter",
      "1-3 months": "quarter",
      "3-6 months": "half_year",
      "6+ months": "later",
      "more than 6 months": "later",
      "1 year": "later",
      researching: "researching",
      "not sure": "researching",
      whenever: null,
    });
  });

  it("temperature follows the timeline, raised by a strong need with authority and lowered without authority", () => {
    const temperature = (fields: Record<string, string>) => scoreLead(input({ fields: { ...contact, ...fields } })).temperature;
    expect(temperature({ timeline: "now", authority: "no" })).toBe("WARM");
    expect(temperature({ timeline: "1 month" })).toBe("WARM");
    expect(temperature({ timeline: "1 month", need: "urgent", authority: "yes" })).toBe("HOT");
    expect(temperature({ timeline: "6 months" })).toBe("COLD");
    expect(temperature({ need: "high", decision_maker: "I am the decision maker" })).toBe("WARM");
    expect(temperature({ need: "high" })).toBe("COLD");
  });

  it("a fixed line on an offer that takes mobiles and fixed lines is scored as a valid number, a mobile as a mobile", () => {
    // The phone check as it runs on a GB offer taking MOBILE and FIXED_LINE: its detail names both types.
    const phoneCheck = (phone: string) =>
      phoneTypeCheck.run({
        fields: { phone },
        contact: { email: null, phone, state: null, postalCode: null },
        offer: { country: "GB" } as Offer,
        rules: offerQualityRules({ allowedPhoneTypes: ["MOBILE", "FIXED_LINE"] }),
      } as unknown as LeadCheckContext) as CheckResult;
    const fixedLine = phoneCheck("+442079460958");
    const mobile = phoneCheck("+447400123456");
    expect(fixedLine).toMatchObject({ outcome: "pass", detail: "Valid GB number +442079460958, type FIXED_LINE (offer takes MOBILE, FIXED_LINE)" });
    expect(mobile).toMatchObject({ outcome: "pass", detail: "Valid GB number +447400123456, type MOBILE (offer takes MOBILE, FIXED_LINE)" });

    const phoneReason = (check: CheckResult) => scoreLead(input({ checks: [check] })).reasons.find((r) => r.code.startsWith("phone_"));
    expect(phoneReason(fixedLine)).toEqual({ code: "phone_verified", points: 2, detail: "Phone is a valid number" });
    expect(phoneReason(mobile)).toEqual({ code: "phone_mobile", points: 5, detail: "Phone is a valid mobile line" });
  });

  it("reads budgets written as numbers or ranges", () => {
    expect(readAmount("5000")).toBe(5000);
    expect(readAmount("$5,000 - $10,000")).toBe(10_000);
    expect(readAmount("10k-20k")).toBe(20_000);
    expect(readAmount("under 500")).toBe(500);
    expect(readAmount("flexible")).toBeNull();
  });
});
