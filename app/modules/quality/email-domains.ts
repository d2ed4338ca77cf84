// Built-in lists for the email checks. No network lookups: well-known throwaway-mailbox domains
// and the local parts of shared team mailboxes.

const DISPOSABLE_EMAIL_DOMAINS = new Set([
  "10minutemail.com",
  "10minutemail.net",
  "20minutemail.com",
  "33mail.com",
  "burnermail.io",
  "discard.email",
  "dispostable.com",
  "emailondeck.com",
  "fakeinbox.com",
  "getairmail.com",
  "getnada.com",
  "grr.la",
  "guerrillamail.biz",
  "guerrillamail.com",
  "guerrillamail.de",
  "guerrillamail.net",
  "guerrillamail.org",
  "guerrillamailblock.com",
  "inboxkitten.com",
  "jetable.org",
  "mailcatch.com",
  "maildrop.cc",
  "mailinator.com",
  "mailinator.net",
  "mailnesia.com",
  "mailpoof.com",
  "mintemail.com",
  "moakt.com",
  "mohmal.com",
  "mytemp.email",
  "nada.email",
  "sharklasers.com",
  "spam4.me",
  "spambox.us",
  "spamgourmet.com",
  "temp-mail.io",
  "temp-mail.org",
  "tempail.com",
  "tempinbox.com",
  "tempmail.com",
  "tempmail.net",
  "tempmailo.com",
  "tempr.email",
  "throwawaymail.com",
  "tmail.ws",
  "tmpmail.net",
  "tmpmail.org",
  "trash-mail.com",
  "trashmail.com",
  "trashmail.net",
  "wegwerfmail.de",
  "yopmail.com",
  "yopmail.fr",
  "yopmail.net",
]);

const ROLE_LOCAL_PARTS = new Set([
  "abuse",
  "accounts",
  "admin",
  "administrator",
  "billing",
  "careers",
  "contact",
  "enquiries",
  "hello",
  "help",
  "hostmaster",
  "hr",
  "info",
  "inquiries",
  "jobs",
  "marketing",
  "no-reply",
  "noreply",
  "office",
  "postmaster",
  "privacy",
  "root",
  "sales",
  "security",
  "service",
  "support",
  "team",
  "webmaster",
]);

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

/** A throwaway mailbox: the domain, or a parent domain, is a known disposable-email service. */
export function isDisposableEmail(email: string): boolean {
  const labels = domainOf(email).split(".");
  for (let i = 0; i < labels.length - 1; i++) {
    if (DISPOSABLE_EMAIL_DOMAINS.has(labels.slice(i).join("."))) return true;
  }
  return false;
}

/** A shared team mailbox (admin@, info@, sales@ ...), not a person. "+tags" are ignored. */
export function isRoleEmail(email: string): boolean {
  const local = email.slice(0, email.lastIndexOf("@")).toLowerCase().split("+")[0];
  return ROLE_LOCAL_PARTS.has(local);
}
