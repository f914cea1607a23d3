import { randomBytes } from 'node:crypto';
import type { SecretStore } from '../secrets/secret-store.ts';

/** Keychain account of the MCP endpoint's bearer token (not an integration id: those contain a connector prefix and a dash). */
export const MCP_TOKEN_ACCOUNT = 'kinexus.mcp/http-token';

/** The endpoint's token and whether it survives a restart. */
export interface EndpointToken {
  token: string;
  /** False when the keychain is not usable: the token then lives only as long as the app. */
  persistent: boolean;
}

/** A new random token: 32 bytes, base64url. */
function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Loads the endpoint token from the keychain, creating it on first use, so the
 * client configuration a user pasted keeps working across restarts. Without a
 * usable keychain the token is made up for this run only; it is never written
 * anywhere else.
 */
export async function loadEndpointToken(store: SecretStore, keychainUsable: boolean): Promise<EndpointToken> {
  if (!keychainUsable) return { token: newToken(), persistent: false };
  try {
    const existing = await store.get(MCP_TOKEN_ACCOUNT);
    if (existing && existing.length >= 32) return { token: existing, persistent: true };
    const token = newToken();
    await store.set(MCP_TOKEN_ACCOUNT, token);
    return { token, persistent: true };
  } catch {
    return { token: newToken(), persistent: false };
  }
}
