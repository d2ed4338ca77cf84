/** The rest of the password rule (not easy to guess) is checked on the server: password-policy.server.ts. */
export const MIN_PASSWORD_LENGTH = 10;
