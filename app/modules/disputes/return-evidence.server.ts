import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { orderFilters } from "~/modules/orders/orders.schema";
import { offerQualityRules, type LeadConsent } from "~/modules/quality/quality.schema";
import type { Tx } from "~/utils/db.server";
import type { Finding, ReturnReasonCode } from "./disputes.schema";

// What the platform can tell by itself about a return, from what it holds now: a phone that fails
// validation, a duplicate it sold the same buyer, a consent certificate the offer required and the
// lead lacks, a geo outside the order's filters, an age under 18. "proven" approves at once with
// these facts on the timeline; "contradicted" (the evidence says the lead is fine) and "unknown"
// go to the affiliate with the facts shown. Nothing here refuses a return.

const DAY_MS = 86_400_000;
/** How far back a same-person lead sold to the same buyer makes this one a duplicate. */
export const DUPLICATE_LOOKBACK_DAYS = 90;

export interface ReturnedLead {
  id: string;
  phone: string | null;
  phoneHash: string | null;
  emailHash: string | null;
  state: string | null;
  postalCode: string | null;
  consent: unknown;
  fields: unknown;
  qualityScore: number | null;
  offer: { country: string; qualityRules: unknown };
}

export interface ReturnedSale {
  id: string;
  advertiserId: string;
  soldAt: Date;
  order: { filters: unknown };
}

// `facts` are what the summary does not already say (consent, score), shown under it.
const proven = (summary: string, facts: string[] = []): Finding => ({ verdict: "proven", summary, facts });
const contradicted = (summary: string, facts: string[] = []): Finding => ({ verdict: "contradicted", summary, facts });
const unknown = (summary: string, facts: string[] = []): Finding => ({ verdict: "unknown", summary, facts });

export async function findReturnEvidence(tx: Tx, reason: ReturnReasonCode, lead: ReturnedLead, sale: ReturnedSale, now: Date = new Date()): Promise<Finding> {
  switch (reason) {
    case "invalid_phone":
      return phoneFinding(lead);
    case "duplicate":
      return duplicateFinding(tx, lead, sale);
    case "no_consent":
      return consentFinding(lead);
    case "out_of_geo":
      return geoFinding(lead, sale);
    case "under_age":
      return ageFinding(lead, now);
    case "wrong_person":
    case "fake_or_fraud":
    case "did_not_request":
      return unknown("The platform cannot check this by itself: the seller is asked to answer", consentFacts(lead));
  }
}

function phoneFinding(lead: ReturnedLead): Finding {
  if (!lead.phone) return proven("The lead has no phone number");
  const parsed = parsePhoneNumberFromString(lead.phone, lead.offer.country as never);
  if (!parsed || !parsed.isValid()) return proven(`The phone ${lead.phone} fails validation now: it is not a valid ${lead.offer.country} number`);
  const type = parsed.getType() ?? "UNKNOWN";
  if (type === "MOBILE") return contradicted(`The phone ${lead.phone} is a valid mobile number (checked now)`);
  return unknown(`The phone ${lead.phone} is a valid number of type ${type} (checked now); whether it is disconnected cannot be checked here`);
}

async function duplicateFinding(tx: Tx, lead: ReturnedLead, sale: ReturnedSale): Promise<Finding> {
  const person = [...(lead.phoneHash ? [{ phoneHash: lead.phoneHash }] : []), ...(lead.emailHash ? [{ emailHash: lead.emailHash }] : [])];
  if (person.length === 0) return unknown("The lead has neither phone nor email to compare");
  const earlier = await tx.leadSale.findFirst({
    where: {
      advertiserId: sale.advertiserId,
      leadId: { not: lead.id },
      soldAt: { lt: sale.soldAt, gte: new Date(sale.soldAt.getTime() - DUPLICATE_LOOKBACK_DAYS * DAY_MS) },
      lead: { OR: person },
    },
    orderBy: { soldAt: "desc" },
    select: { leadId: true, soldAt: true, lead: { select: { phoneHash: true } } },
  });
  if (earlier) {
    const by = lead.phoneHash && earlier.lead.phoneHash === lead.phoneHash ? "phone" : "email";
    return proven(`The same person (${by}) was sold to you on ${earlier.soldAt.toISOString().slice(0, 10)} as lead ${earlier.leadId}`);
  }
  return contradicted(`No other lead with this phone or email was sold to you in the ${DUPLICATE_LOOKBACK_DAYS} days before this one`);
}

function consentOf(lead: ReturnedLead): LeadConsent | null {
  const consent = lead.consent as LeadConsent | null;
  return consent && typeof consent === "object" ? consent : null;
}

function consentFacts(lead: ReturnedLead): string[] {
  const consent = consentOf(lead);
  const facts: string[] = [];
  if (consent?.text) facts.push(`Consent posted: "${consent.text.slice(0, 200)}"${consent.at ? ` at ${consent.at}` : ""}`);
  if (consent?.certUrl) facts.push(`Consent certificate: ${consent.certUrl}`);
  if (lead.qualityScore !== null) facts.push(`Quality score when received: ${lead.qualityScore}`);
  return facts;
}

function consentFinding(lead: ReturnedLead): Finding {
  const rules = offerQualityRules(lead.offer.qualityRules);
  const consent = consentOf(lead);
  const hasConsent = Boolean(consent?.text && consent.at);
  if (rules.requireConsentCertificate && !consent?.certUrl) return proven("The offer requires a consent certificate and the lead has none");
  if (rules.requireConsent && !hasConsent) return proven("The offer requires consent and the lead was posted without consent text and time");
  if (hasConsent || consent?.certUrl) return contradicted("The lead was posted with consent", consentFacts(lead));
  return unknown("The offer does not require consent and none was posted with the lead");
}

function geoFinding(lead: ReturnedLead, sale: ReturnedSale): Finding {
  const filters = orderFilters(sale.order.filters);
  const where = `state ${lead.state ?? "(none)"}, postal code ${lead.postalCode ?? "(none)"}`;
  if (filters.states.length > 0 && !(lead.state && filters.states.includes(lead.state))) {
    return proven(`The lead's state ${lead.state ?? "(none)"} is not one of the order's states ${filters.states.join(", ")}`);
  }
  if (filters.postalCodePrefixes.length > 0 && !(lead.postalCode && filters.postalCodePrefixes.some((p) => lead.postalCode!.startsWith(p)))) {
    return proven(`The lead's postal code ${lead.postalCode ?? "(none)"} does not start with the order's ${filters.postalCodePrefixes.join(", ")}`);
  }
  if (filters.states.length === 0 && filters.postalCodePrefixes.length === 0) return unknown(`The order has no geo filter; the lead is in ${where}`);
  return contradicted(`The lead (${where}) is inside the order's geo filter`);
}

const AGE_FIELDS = ["date_of_birth", "dob", "birth_date", "birthdate"];

function ageFinding(lead: ReturnedLead, now: Date): Finding {
  const fields = (lead.fields ?? {}) as Record<string, unknown>;
  const ageField = typeof fields.age === "string" || typeof fields.age === "number" ? Number(fields.age) : NaN;
  if (Number.isFinite(ageField)) {
    return ageField < 18 ? proven(`The lead's age is ${ageField}`) : contradicted(`The lead's age was posted as ${ageField}`);
  }
  for (const name of AGE_FIELDS) {
    const value = fields[name];
    if (typeof value !== "string") continue;
    const born = new Date(value);
    if (Number.isNaN(born.getTime())) continue;
    const age = yearsBetween(born, now);
    return age < 18 ? proven(`The lead's ${name} ${value} makes them ${age}`) : contradicted(`The lead's ${name} ${value} makes them ${age}`);
  }
  return unknown("The lead has no age or date of birth to check");
}

function yearsBetween(born: Date, now: Date): number {
  let years = now.getUTCFullYear() - born.getUTCFullYear();
  const beforeBirthday = now.getUTCMonth() < born.getUTCMonth() || (now.getUTCMonth() === born.getUTCMonth() && now.getUTCDate() < born.getUTCDate());
  if (beforeBirthday) years--;
  return years;
}
