import { fail, hold, pass, skip, type LeadCheck } from "./lead-check";

// Checks of what was posted beside the fields: activity signals and consent. Pure.

export const formFillTimeCheck: LeadCheck = {
  code: "form_fill_time",
  run(ctx) {
    const min = ctx.rules.minFormFillSeconds;
    const seconds = ctx.signals.timeOnFormSeconds;
    if (min === 0) return skip("form_fill_time", "The offer sets no minimum form-fill time");
    // Not certain enough to reject: a human reviews leads that come without the signal.
    if (seconds === undefined) return hold("form_fill_time", "form_fill_time_missing", `No time_on_form posted; the offer expects at least ${min} s`);
    return seconds >= min
      ? pass("form_fill_time", `Form filled in ${seconds} s (at least ${min} s)`)
      : fail("form_fill_time", "form_fill_too_fast", `Form filled in ${seconds} s, faster than the offer's ${min} s`);
  },
};

export const consentCheck: LeadCheck = {
  code: "consent",
  run(ctx) {
    const has = Boolean(ctx.consent?.text && ctx.consent.at);
    if (!ctx.rules.requireConsent) return pass("consent", has ? "Consent text and time posted" : "The offer does not require consent");
    return has ? pass("consent", `Consent given at ${ctx.consent!.at}`) : fail("consent", "missing_consent", "The offer requires consent_text and consent_at");
  },
};

export const consentCertificateCheck: LeadCheck = {
  code: "consent_certificate",
  run(ctx) {
    const url = ctx.consent?.certUrl;
    if (!ctx.rules.requireConsentCertificate) {
      return url ? pass("consent_certificate", `Certificate ${url}`) : skip("consent_certificate", "The offer does not require a consent certificate");
    }
    return url
      ? pass("consent_certificate", `Certificate ${url}`)
      : fail("consent_certificate", "missing_consent_certificate", "The offer requires a consent certificate URL (consent_cert_url)");
  },
};
