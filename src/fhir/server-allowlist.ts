const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * SSRF guard: `fhirServer` is chosen by the caller, so only servers under a configured prefix are
 * fetched from. Prefixes match at a path boundary ("https://ehr/fhir" does not admit
 * "https://ehr/fhir-evil"). With no prefixes configured, development admits loopback only and
 * production admits nothing.
 */
export function isAllowedFhirServer(url: string, allowlist: readonly string[], production: boolean): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (parsed.username || parsed.password) return false;
  if (allowlist.length === 0) return !production && LOOPBACK_HOSTS.test(parsed.hostname);
  const candidate = withTrailingSlash(parsed.href);
  return allowlist.some((prefix) => candidate.startsWith(withTrailingSlash(new URL(prefix).href)));
}

/** Paging links come from the server (or the EHR's prefetch); follow them only under the same base. */
export function isUnderBase(url: string, base: string): boolean {
  try {
    return withTrailingSlash(new URL(url).href).startsWith(withTrailingSlash(new URL(base).href));
  } catch {
    return false;
  }
}
