// One article per story: copies share a canonical URL or carry a near-identical headline
// (syndication), and the earliest published copy stands for them all with every symbol they link.
import { MINUTE_MS } from '../time.ts';
import { canonicalUrl } from './canonical-url.ts';
import { similarFingerprints, TITLE_SIMILARITY_THRESHOLD, titleFingerprint } from './titles.ts';
import type { TitleFingerprint } from './titles.ts';

/**
 * Near-identical headlines count as copies only when published this close together: syndication
 * happens within hours, while recurring columns ("Stock market today: ...") come back a day later.
 */
export const SYNDICATION_WINDOW_MS = 12 * 60 * MINUTE_MS;

export interface DedupeCandidate {
  url: string;
  title: string;
  /** The outlet, so a headline's " - Outlet" suffix is recognised even for outlets we do not list. */
  source?: string | null;
  publishedAt: Date | null;
  symbols: readonly string[];
}

export interface DuplicateGroup<A> {
  /** The earliest published copy (undated copies count as latest; ties go to the first given). */
  kept: A;
  /** The other copies, in the order given. */
  duplicates: A[];
  /** Every symbol any copy links, sorted. */
  symbols: string[];
}

export interface DedupeOptions {
  /** Jaccard threshold for near-identical headlines (default TITLE_SIMILARITY_THRESHOLD). */
  threshold?: number;
  /** Widest gap between two dated copies (default SYNDICATION_WINDOW_MS). */
  windowMs?: number;
}

/**
 * The stories among `articles`: groups of copies joined by the same canonical URL, or by
 * near-identical headlines published within the window (transitively: a copy of a copy is a copy).
 * Groups come in the order of their kept article. Near-identical pairs are found with prefix
 * filtering (AllPairs, Bayardo et al. 2007): each headline is indexed under its rarest few shingles,
 * enough that any pair at or above the threshold shares one, so only such pairs are compared.
 */
export function groupDuplicates<A extends DedupeCandidate>(articles: readonly A[], options: DedupeOptions = {}): DuplicateGroup<A>[] {
  const threshold = options.threshold ?? TITLE_SIMILARITY_THRESHOLD;
  const windowMs = options.windowMs ?? SYNDICATION_WINDOW_MS;
  const count = articles.length;
  const parent = Array.from({ length: count }, (_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] ?? root;
    for (let node = i; parent[node] !== root;) {
      const next = parent[node] ?? root;
      parent[node] = root;
      node = next;
    }
    return root;
  };
  const union = (a: number, b: number): void => {
    const rootA = find(a);
    const rootB = find(b);
    if (rootA !== rootB) parent[Math.max(rootA, rootB)] = Math.min(rootA, rootB);
  };

  const firstByUrl = new Map<string, number>();
  articles.forEach((article, i) => {
    const url = canonicalUrl(article.url) ?? article.url.trim();
    const first = firstByUrl.get(url);
    if (first === undefined) firstByUrl.set(url, i);
    else union(first, i);
  });

  const fingerprints = articles.map((article) => titleFingerprint(article.title, article.source));
  const times = articles.map((article) => article.publishedAt?.getTime() ?? Number.NaN);
  const closeInTime = (a: number, b: number): boolean => {
    const gap = Math.abs((times[a] ?? Number.NaN) - (times[b] ?? Number.NaN));
    return Number.isNaN(gap) || gap <= windowMs;
  };
  const prefixes = indexPrefixes(fingerprints, threshold);
  const index = new Map<string, number[]>();
  const seenBy = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i += 1) {
    const fingerprint = fingerprints[i];
    const prefix = prefixes[i];
    if (fingerprint === undefined || prefix === undefined) continue;
    for (const shingle of prefix) {
      const bucket = index.get(shingle);
      if (bucket === undefined) {
        index.set(shingle, [i]);
        continue;
      }
      for (const j of bucket) {
        if (seenBy[j] === i) continue;
        seenBy[j] = i;
        const other = fingerprints[j];
        if (other !== undefined && closeInTime(i, j) && similarFingerprints(fingerprint, other, threshold)) union(i, j);
      }
      bucket.push(i);
    }
  }

  const members = new Map<number, number[]>();
  for (let i = 0; i < count; i += 1) {
    const root = find(i);
    const group = members.get(root);
    if (group === undefined) members.set(root, [i]);
    else group.push(i);
  }
  const groups: { keptIndex: number; group: DuplicateGroup<A> }[] = [];
  for (const indices of members.values()) {
    let keptIndex = indices[0] ?? 0;
    for (const i of indices) if (publishedEarlier(times[i] ?? Number.NaN, times[keptIndex] ?? Number.NaN)) keptIndex = i;
    const symbols = new Set<string>();
    for (const i of indices) for (const symbol of articles[i]?.symbols ?? []) symbols.add(symbol);
    const kept = articles[keptIndex];
    if (kept === undefined) continue;
    groups.push({
      keptIndex,
      group: {
        kept,
        duplicates: indices.filter((i) => i !== keptIndex).map((i) => articles[i]).filter((a) => a !== undefined),
        symbols: [...symbols].sort(),
      },
    });
  }
  return groups.sort((a, b) => a.keptIndex - b.keptIndex).map(({ group }) => group);
}

/** One article per story, the earliest copy, its symbols the union of all copies' (see groupDuplicates). */
export function dedupeArticles<A extends DedupeCandidate>(articles: readonly A[], options: DedupeOptions = {}): A[] {
  return groupDuplicates(articles, options).map(({ kept, symbols }) => ({ ...kept, symbols }));
}

// Strictly earlier; an undated copy is never earlier than a dated one (NaN compares false).
function publishedEarlier(a: number, b: number): boolean {
  if (Number.isNaN(a)) return false;
  return Number.isNaN(b) || a < b;
}

/**
 * Each headline's index keys: its shingles in one global order (rarest first, so buckets stay small;
 * ties by first appearance), cut to |S| - ceil(t·|S|) + 1. Two sets with Jaccard ≥ t overlap in at
 * least ceil(t·max|S|) shingles, so their prefixes of this length always share one. Keys carry the
 * headline's numbers, since headlines with other figures are never copies: templated ones stay apart.
 */
function indexPrefixes(fingerprints: readonly TitleFingerprint[], threshold: number): string[][] {
  const ids = new Map<string, number>();
  const counts: number[] = [];
  const shingleIds = fingerprints.map(({ key, shingles }) => {
    if (key === '') return [];
    const own: number[] = [];
    for (const shingle of shingles) {
      let id = ids.get(shingle);
      if (id === undefined) {
        id = counts.length;
        ids.set(shingle, id);
        counts.push(0);
      }
      counts[id] = (counts[id] ?? 0) + 1;
      own.push(id);
    }
    return own;
  });
  const rarestFirst = (a: number, b: number): number => (counts[a] ?? 0) - (counts[b] ?? 0) || a - b;
  return shingleIds.map((own, i) => {
    if (own.length === 0) return [];
    // The epsilon keeps 0.8 × 15 = 12.000000000000002 from rounding up to 13.
    const length = own.length - Math.ceil(threshold * own.length - 1e-9) + 1;
    const numbers = fingerprints[i]?.numbers ?? '';
    return own.sort(rarestFirst).slice(0, Math.max(1, length)).map((id) => `${numbers}\u0000${id}`);
  });
}
