/**
 * THE normalisation of a username (an email address) for every comparison and key, in the client and
 * the provider alike. Lowercase because Cloud Manager compares usernames case-insensitively
 * ("Alice@acme.com" and "alice@acme.com" are one account); trimmed so that a stray space in stored
 * state or an answer cannot split one person in two (the provider's check rejects surrounding spaces).
 */
export function usernameKey(username: string): string {
  return username.trim().toLowerCase();
}
