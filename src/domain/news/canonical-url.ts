// Canonical article URLs: one spelling per article, so the same story reached through two feeds,
// two trackers or an AMP page is stored once (the database's unique key is the symbol and this URL).

// Query parameters that say who sent the reader, never which page they get.
const TRACKING_PARAMS = new Set([
  // Yahoo (consent redirects, RSS and share markers)
  'guccounter', 'tsrc', '.tsrc', 'soc_src', 'soc_trk', 'yptr', 'siteid', 'ncid', 'sr_share',
  // campaign ids of the big publishers (CNBC, Fox, WSJ/MarketWatch/Barron's, NYT, Forbes, Bloomberg, Guardian)
  'cmpid', 'cmp', 'intcmp', 'icid', 'ocid', 'mod', '__source', 'xid', 'smid', 'smtyp', 'sh', 'sref', 'srnd', 'leadsource',
  'taid', 'feedtype', 'feedname', 'partner', 'emc', 'ftag', 'trk', 'trkid', 'ito', 'mbid', 'cid_source',
  // ad-click ids
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'twclid', 'ttclid', 'yclid', 'igshid', 'igsh',
  'li_fat_id', 'mkt_tok', 's_kwcid', 'ef_id', 'rb_clickid', 'vero_id', 'oly_enc_id', 'oly_anon_id', '_openstat',
  // referrers and AMP switches
  'ref', 'ref_src', 'ref_url', 'referrer', 'amp', '_amp', 'outputtype', 'cmpgn',
]);
const TRACKING_PREFIXES = ['utm_', 'guce_', 'mc_', 'pk_', 'hsa_', '_hs', '_ga', '_gl', 'ns_', 'at_', 'itm_', 'wt.', 's_cid', 'sc_cid'];

// Sub-domains that serve the same articles as the bare domain.
const MIRROR_LABELS = new Set(['www', 'www1', 'www2', 'm', 'mobile', 'amp']);

// "amp" after one of these is Ameriprise's ticker in a quote page (marketwatch.com/investing/stock/amp), not AMP.
const LISTING_SEGMENTS = new Set(['stock', 'stocks', 'quote', 'quotes', 'symbol', 'symbols', 'ticker', 'etf', 'fund', 'funds', 'company']);

const MAX_RAW_LENGTH = 8192;
const MAX_UNWRAP = 3;

/**
 * The canonical form of an article link, or null when it cannot be one (not http(s), no public
 * host name, unparsable). Idempotent: canonicalUrl(canonicalUrl(x)) === canonicalUrl(x).
 *
 * Rules: unwrap Yahoo/Google redirects and AMP caches; https for http without an explicit port
 * (every publisher we read serves https); lower-case host without www./m./mobile./amp.;
 * no credentials, default port or fragment; "amp" path segments and ".amp" suffixes removed;
 * no trailing slash; tracking parameters dropped and the rest sorted by name (encoding kept).
 */
export function canonicalUrl(raw: string): string | null {
  let url = parseLoose(raw);
  for (let depth = 0; url !== null && depth < MAX_UNWRAP; depth += 1) {
    const target = unwrapRedirect(url);
    if (target === null) break;
    url = parseLoose(target);
  }
  if (url === null) return null;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;

  const host = publicHost(url.hostname);
  if (host === null) return null;
  const scheme = url.port === '' ? 'https' : url.protocol.slice(0, -1);
  const port = url.port === '' ? '' : `:${url.port}`;
  const query = canonicalQuery(url.search);
  return `${scheme}://${host}${port}${canonicalPath(url.pathname)}${query === '' ? '' : `?${query}`}`;
}

function parseLoose(raw: string): URL | null {
  let text = raw.trim();
  if (text === '' || text.length > MAX_RAW_LENGTH) return null;
  if (text.startsWith('//')) text = `https:${text}`;
  // Feeds sometimes drop the scheme: "www.reuters.com/markets/...".
  else if (!/^[a-z][a-z0-9+.-]*:/i.test(text) && /^[a-z0-9-]+(\.[a-z0-9-]+)+(?=[/?#]|$)/i.test(text)) text = `https://${text}`;
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** The article a redirect or AMP-cache link points at, or null when the link is the article. */
function unwrapRedirect(url: URL): string | null {
  const host = url.hostname.toLowerCase();
  // r.search.yahoo.com/_ylt=...;_ylu=.../RV=2/RE=.../RO=10/RU=<encoded target>/RK=2/RS=...
  if (host === 'r.search.yahoo.com') {
    const match = /\/RU=([^/]+)/.exec(url.pathname);
    return match?.[1] === undefined ? null : safeDecode(match[1]);
  }
  // us.rd.yahoo.com/finance/external/.../SIG=.../*https://www.barrons.com/...
  if (host.endsWith('.rd.yahoo.com')) {
    const star = url.href.indexOf('/*');
    if (star < 0) return null;
    const target = url.href.slice(star + 2);
    return /^https?(:|%3A)/i.test(target) ? safeDecode(target) : null;
  }
  // www.google.com/url?q=<target> and www.google.com/amp/s/<host/path>
  if (host === 'google.com' || host === 'www.google.com') {
    if (url.pathname === '/url') return url.searchParams.get('url') ?? url.searchParams.get('q');
    const amp = /^\/amp\/(s\/)?(.+)$/.exec(url.pathname);
    if (amp?.[2] !== undefined) return `${amp[1] === undefined ? 'http' : 'https'}://${amp[2]}${url.search}`;
    return null;
  }
  // www-cnbc-com.cdn.ampproject.org/c/s/www.cnbc.com/amp/2024/...
  if (host.endsWith('.cdn.ampproject.org')) {
    const amp = /^\/[a-z]\/(s\/)?(.+)$/.exec(url.pathname);
    if (amp?.[2] !== undefined) return `${amp[1] === undefined ? 'http' : 'https'}://${amp[2]}${url.search}`;
  }
  return null;
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** The host without mirror prefixes, or null for hosts that are no public site (IP literals, localhost, one label). */
function publicHost(hostname: string): string | null {
  let host = hostname.toLowerCase().replace(/\.$/, '');
  const labels = host.split('.');
  if (labels.length < 2 || labels.some((label) => label === '')) return null;
  if (host.startsWith('[') || /^[0-9.]+$/.test(host) || /^\d+$/.test(labels.at(-1) ?? '')) return null;
  while (labels.length > 2 && MIRROR_LABELS.has(labels[0] ?? '')) labels.shift();
  host = labels.join('.');
  return host;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function canonicalPath(pathname: string): string {
  // RFC 3986 §6.2.2: escapes of unreserved characters decoded, the others in upper-case hex.
  const normalised = pathname.replace(/%([0-9A-Fa-f]{2})/g, (_escape, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
  const segments = normalised.split('/').slice(1);
  const kept: string[] = [];
  segments.forEach((segment, index) => {
    const previous = index > 0 ? (segments[index - 1] ?? '') : '';
    if ((segment === 'amp' || segment === 'amphtml') && !LISTING_SEGMENTS.has(previous.toLowerCase())) return;
    // Fox Business and Fox News: /markets/some-story.amp
    kept.push(segment.replace(/\.amp(?=\.html?$|$)/, ''));
  });
  while (kept.length > 0 && kept.at(-1) === '') kept.pop();
  return `/${kept.join('/')}`;
}

function canonicalQuery(search: string): string {
  if (search.length <= 1) return '';
  const pairs = search.slice(1).split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      return { pair, name: safeDecode(rawName.replaceAll('+', ' ')) ?? rawName };
    })
    .filter(({ name }) => name !== '' && !isTracking(name.toLowerCase()));
  // Stable sort by name: equal names keep their order, which may carry meaning (?tag=a&tag=b).
  pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return pairs.map(({ pair }) => pair).join('&');
}

function isTracking(name: string): boolean {
  return TRACKING_PARAMS.has(name) || TRACKING_PREFIXES.some((prefix) => name.startsWith(prefix));
}
