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

/**
 * Paging links come from the server (or the EHR's prefetch); follow them only under the same base:
 * the same origin (scheme, host and port) and the base's path or a path below it. A query on the
 * base itself is under it: HAPI and the SMART launcher page with `<base>?_getpages=...`.
 */
export function isUnderBase(url: string, base: string): boolean {
  try {
    const u = new URL(url);
    const b = new URL(base);
    if (u.origin !== b.origin || u.username || u.password) return false;
    const basePath = b.pathname.replace(/\/+$/, '');
    const path = u.pathname.replace(/\/+$/, '');
    return path === basePath || u.pathname.startsWith(`${basePath}/`);
  } catch {
    return false;
  }
}

/** A paging link as an absolute URL: relative ones are resolved against the FHIR base (`?_getpages=x` onto the base itself). */
export function absoluteUnderBase(link: string, base: string): string | undefined {
  try {
    return new URL(link, link.startsWith('?') ? base.replace(/\/+$/, '') : withTrailingSlash(base)).href;
  } catch {
    return undefined;
  }
}
