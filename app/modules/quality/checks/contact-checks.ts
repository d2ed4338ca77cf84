import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { isDisposableEmail, isRoleEmail } from "../email-domains";
import { statesForUsZip } from "../postal-geo";
import { contactToCheck, fail, pass, skip, SKIPPED_INVALID_FIELDS, withValidFields, type LeadCheck } from "./lead-check";

// Checks of the lead's own data: fields and types, email, phone, geo. Pure (no database).

export const fieldsCheck: LeadCheck = {
  code: "fields",
  run(ctx) {
    const errors = Object.entries(ctx.fieldErrors);
    if (errors.length === 0) return pass("fields", "Required fields present, every field of the right type");
    return fail("fields", "invalid_fields", errors.map(([name, message]) => `${name}: ${message}`).join("; "));
  },
};

export const disposableEmailCheck: LeadCheck = {
  code: "email_disposable",
  run(ctx) {
    const contact = contactToCheck(ctx, "email_disposable", "email");
    if ("skipped" in contact) return contact.skipped;
    const email = contact.value;
    const domain = email.slice(email.lastIndexOf("@") + 1);
    if (!isDisposableEmail(email)) return pass("email_disposable", `${domain} is not a disposable-email domain`);
    if (!ctx.rules.rejectDisposableEmail) return pass("email_disposable", `${domain} is a disposable-email domain (allowed by this offer)`);
    return fail("email_disposable", "disposable_email", `${domain} is a disposable-email domain`);
  },
};

export const roleEmailCheck: LeadCheck = {
  code: "email_role",
  run(ctx) {
    const contact = contactToCheck(ctx, "email_role", "email");
    if ("skipped" in contact) return contact.skipped;
    const email = contact.value;
    const local = email.slice(0, email.lastIndexOf("@"));
    if (!isRoleEmail(email)) return pass("email_role", "A personal mailbox, not a role account");
    if (!ctx.rules.rejectRoleEmail) return pass("email_role", `${local}@ is a role account (allowed by this offer)`);
    return fail("email_role", "role_email", `${local}@ is a role account, not a person`);
  },
};

/** FIXED_LINE_OR_MOBILE (most US numbers) satisfies an offer that takes mobiles or fixed lines. */
function phoneTypeAllowed(type: string, allowed: string[]): boolean {
  if (allowed.includes(type)) return true;
  return type === "FIXED_LINE_OR_MOBILE" && (allowed.includes("MOBILE") || allowed.includes("FIXED_LINE"));
}

export const phoneTypeCheck: LeadCheck = {
  code: "phone_type",
  run(ctx) {
    const contact = contactToCheck(ctx, "phone_type", "phone");
    if ("skipped" in contact) return contact.skipped;
    const phone = contact.value;
    const type = parsePhoneNumberFromString(phone)?.getType() ?? "UNKNOWN";
    const data = { lineType: type };
    const allowed = ctx.rules.allowedPhoneTypes;
    if (allowed.length === 0) return pass("phone_type", `Valid ${ctx.offer.country} number ${phone}, type ${type}`, data);
    if (phoneTypeAllowed(type, allowed))
      return pass("phone_type", `Valid ${ctx.offer.country} number ${phone}, type ${type} (offer takes ${allowed.join(", ")})`, data);
    return fail("phone_type", "phone_type_not_allowed", `Phone type ${type} is not one the offer takes (${allowed.join(", ")})`, data);
  },
};

export const geoCheck: LeadCheck = {
  code: "geo",
  run(ctx) {
    const valid = withValidFields(ctx);
    if (!valid) return skip("geo", SKIPPED_INVALID_FIELDS);
    const states = ctx.offer.states;
    if (states.length === 0) return pass("geo", `Offer takes all of ${ctx.offer.country}`);
    const { state, postalCode } = valid.contact;
    if (state) {
      return states.includes(state)
        ? pass("geo", `State ${state} is inside the offer's geo`)
        : fail("geo", "out_of_geo", `State ${state} is outside the offer's geo (${states.join(", ")})`);
    }
    const zipStates = ctx.offer.country === "US" && postalCode ? statesForUsZip(postalCode) : null;
    if (zipStates) {
      return zipStates.some((s) => states.includes(s))
        ? pass("geo", `Postal code ${postalCode} (${zipStates.join("/")}) is inside the offer's geo`)
        : fail("geo", "out_of_geo", `Postal code ${postalCode} (${zipStates.join("/")}) is outside the offer's geo (${states.join(", ")})`);
    }
    if (ctx.spec.some((f) => f.type === "state")) {
      return fail("geo", "out_of_geo", `No state on this lead; the offer takes ${states.join(", ")} only`);
    }
    return skip("geo", "No state or known postal code to check the offer's geo with");
  },
};

export const postalStateCheck: LeadCheck = {
  code: "postal_state",
  run(ctx) {
    const valid = withValidFields(ctx);
    if (!valid) return skip("postal_state", SKIPPED_INVALID_FIELDS);
    const { state, postalCode } = valid.contact;
    if (!state || !postalCode || ctx.offer.country !== "US") return skip("postal_state", "Needs a US state and postal code");
    const zipStates = statesForUsZip(postalCode);
    if (!zipStates) return skip("postal_state", `Postal code ${postalCode} is not a known US ZIP`);
    return zipStates.includes(state)
      ? pass("postal_state", `ZIP ${postalCode} is in ${state}`)
      : fail("postal_state", "postal_state_mismatch", `ZIP ${postalCode} is in ${zipStates.join("/")}, not ${state}`);
  },
};
