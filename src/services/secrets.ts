import { createHash, randomBytes } from 'node:crypto';

/** Lookup hash of a high-entropy secret (API key, refresh token): no salt or slow hash needed. */
export const sha256 = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const API_KEY_PREFIX_LENGTH = 11;

/** `sm_` and 40 random url-safe characters (240 bits); the first 11 characters identify it. */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const key = `sm_${randomBytes(30).toString('base64url')}`;
  return { key, prefix: key.slice(0, API_KEY_PREFIX_LENGTH), hash: sha256(key) };
}
