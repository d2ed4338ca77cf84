import { txExecute } from "~/utils/db.server";
import type { Lead, Offer } from "~/generated/prisma/client";
import { offerFieldsSchema, type OfferField } from "~/modules/offers/offers.schema";
import type { Tx } from "~/utils/db.server";
import { txMemo } from "~/utils/tx-memo.server";
import { runLeadChecks, type LeadContact } from "./checks/index.server";
import { checkLeadFields, type LeadFieldValues } from "./lead-fields";
import { personHash } from "./person-hash.server";
import { stateForUsZip } from "./postal-geo";
import { leadConsentSchema, leadSignalsSchema, type CheckResult, type LeadConsent, type LeadSignals, type OfferQualityRules } from "./quality.schema";

export type { LeadContact } from "./checks/index.server";

export interface VerificationResult {
  checks: CheckResult[];
  /** Reason codes of failed checks: any one rejects the lead. */
  failures: string[];
  /** Reason codes of checks that want a human to look: the lead is held for review. */
  holds: string[];
  /** Normalised fields and contact, absent when the fields fail the offer's spec. */
  fields: LeadFieldValues | null;
  contact: LeadContact | null;
  emailHash: string | null;
  phoneHash: string | null;
  consent: LeadConsent | null;
  signals: LeadSignals;
}

function contactOf(spec: OfferField[], fields: LeadFieldValues): LeadContact {
  const byType = (type: OfferField["type"]) => {
    const name = spec.find((f) => f.type === type)?.name;
    return name && fields[name] ? fields[name] : null;
  };
  return { email: byType("email"), phone: byType("phone"), state: byType("state"), postalCode: byType("postal_code") };
}

/**
 * The contact stored on the lead, whose state routing's state filters and the portals read: a lead
 * without a state whose US ZIP lies in one state gets that state. The checks see the contact as
 * posted (the geo check reads the ZIP itself; a derived state cannot mismatch its own ZIP).
 */
function storedContact(contact: LeadContact, country: string): LeadContact {
  if (contact.state || !contact.postalCode || country !== "US") return contact;
  return { ...contact, state: stateForUsZip(contact.postalCode) };
}

/** The person hashes (email, phone) of this lead as verification computes them (null for invalid fields or a missing contact). */
export function personHashPairOf(
  lead: Pick<Lead, "rawFields">,
  offer: Pick<Offer, "fields" | "country">,
): { emailHash: string | null; phoneHash: string | null } {
  const spec = offerFieldsSchema.parse(offer.fields);
  const fieldCheck = checkLeadFields(spec, offer.country, (lead.rawFields ?? {}) as Record<string, unknown>);
  if (!fieldCheck.ok) return { emailHash: null, phoneHash: null };
  const contact = contactOf(spec, fieldCheck.fields);
  return { emailHash: contact.email ? personHash(contact.email) : null, phoneHash: contact.phone ? personHash(contact.phone) : null };
}

/**
 * Takes the advisory lock of each person hash not yet held by this transaction, in one statement
 * and in sorted order (every verifier sorts the same way, so two never deadlock on them).
 */
export async function lockPersons(tx: Tx, hashes: string[]): Promise<void> {
  const memo = txMemo(tx);
  let held = memo.get("person-locks") as Set<string> | undefined;
  if (!held) memo.set("person-locks", (held = new Set()));
  const keys = [...new Set(hashes)].filter((h) => !held.has(h)).sort();
  if (keys.length === 0) return;
  const names = keys.map((key) => `person:${key}`);
  await txExecute(tx)`SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${names}::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n`;
  for (const key of keys) held.add(key);
}

/**
 * Runs every verification check (modules/quality/checks) on a received lead and collects the
 * reasons. Must run in the transaction that records the verdict: it takes an advisory lock per
 * person hash, so two leads of the same person (on any offer) are checked one after the other.
 */
export async function verifyLead(tx: Tx, lead: Lead, offer: Offer, rules: OfferQualityRules): Promise<VerificationResult> {
  const raw = (lead.rawFields ?? {}) as Record<string, unknown>;
  const spec = offerFieldsSchema.parse(offer.fields);
  const fieldCheck = checkLeadFields(spec, offer.country, raw);
  const fields = fieldCheck.ok ? fieldCheck.fields : null;
  const contact = fields ? contactOf(spec, fields) : null;
  const emailHash = contact?.email ? personHash(contact.email) : null;
  const phoneHash = contact?.phone ? personHash(contact.phone) : null;

  await lockPersons(
    tx,
    [emailHash, phoneHash].filter((h): h is string => h !== null),
  );

  const consentParse = leadConsentSchema.safeParse(lead.consent ?? {});
  const consent = consentParse.success && Object.keys(consentParse.data).length > 0 ? consentParse.data : null;
  const signalsParse = leadSignalsSchema.safeParse(lead.signals ?? {});
  const signals = signalsParse.success ? signalsParse.data : {};

  const checks = await runLeadChecks({
    tx,
    lead,
    offer,
    rules,
    spec,
    fields,
    fieldErrors: fieldCheck.ok ? {} : fieldCheck.errors,
    contact,
    emailHash,
    phoneHash,
    consent,
    signals,
    now: new Date(),
  });
  const reasonsOf = (outcome: CheckResult["outcome"]) => [...new Set(checks.flatMap((c) => (c.outcome === outcome && c.reason ? [c.reason] : [])))];
  return {
    checks,
    failures: reasonsOf("fail"),
    holds: reasonsOf("hold"),
    fields,
    contact: contact && storedContact(contact, offer.country),
    emailHash,
    phoneHash,
    consent,
    signals,
  };
}
