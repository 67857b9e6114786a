// Email is the login: one normal form, so "Jane@Example.com " and "jane@example.com" are one user.
const EMAIL = /^[^\s@"'<>()[\]\\,;:]+@[^\s@"'<>()[\]\\,;:]+\.[^\s@"'<>()[\]\\,;:.]{2,}$/;
export const MAX_EMAIL_LENGTH = 254;

/** The normal form of an email address, or null when it is not a plausible address. */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email) || email.includes('..')) return null;
  return email;
}
