/**
 * Compact JWTs for the Microsoft emulator. Entra signs with RS256 and
 * publishes keys; clients (MSAL included) never verify an access token's
 * signature, and MSAL only decodes the id_token, so HS256 with an emulator
 * secret is enough for Graph to tell its own tokens from forged ones.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** Signs `claims` as an HS256 JWT. */
export function signJwt(claims: Record<string, unknown>, secret: string, kid = 'kinexus-emulator'): string {
  const head = b64({ typ: 'JWT', alg: 'HS256', kid });
  const body = b64(claims);
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** Returns the claims when the token is a well-formed JWT signed with `secret`, else null. */
export function verifyJwt(token: string, secret: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [head, body, sig] = parts as [string, string, string];
  const want = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const got = Buffer.from(sig, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}
