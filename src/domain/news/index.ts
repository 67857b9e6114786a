// News without I/O: canonical links, syndicated-copy detection, symbol linking and feed-item cleaning.
export { canonicalUrl } from './canonical-url.ts';
export {
  headlineOnly,
  similarTitles,
  stripSourceSuffix,
  TITLE_SIMILARITY_THRESHOLD,
  titleFingerprint,
  titleKey,
  titleSimilarity,
} from './titles.ts';
export type { TitleFingerprint } from './titles.ts';
export { dedupeArticles, groupDuplicates, SYNDICATION_WINDOW_MS } from './dedupe.ts';
export type { DedupeCandidate, DedupeOptions, DuplicateGroup } from './dedupe.ts';
export { companyNameAliases, compileSymbolLinker, linkSymbols } from './symbol-linker.ts';
export type { MentionKind, SymbolLinker, SymbolMention, ListedCompany } from './symbol-linker.ts';
export {
  articleFromFeedItem,
  clip,
  DESCRIPTION_MAX,
  parsePublishedAt,
  plainText,
  SOURCE_MAX,
  TITLE_MAX,
  URL_MAX,
} from './article.ts';
export type { FeedItem, FeedItemOptions, NewsArticle } from './article.ts';
