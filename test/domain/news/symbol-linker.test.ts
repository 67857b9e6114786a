import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { companyNameAliases, compileSymbolLinker, linkSymbols } from '../../../src/domain/news/symbol-linker.ts';
import { hasSharedData, NO_SHARED_DATA, sharedData } from '../../support/shared-data.ts';
import { SP500_SLICE, sp500Universe } from './universe.ts';

const linker = compileSymbolLinker(SP500_SLICE);

describe('companyNameAliases', () => {
  it.each([
    ['Apple Inc.', ['Apple Inc.', 'Apple']],
    ['Alphabet Inc. (Class A)', ['Alphabet Inc.', 'Alphabet']],
    ['Walt Disney Company (The)', ['The Walt Disney Company', 'Walt Disney Company', 'Walt Disney']],
    ['Lilly (Eli)', ['Eli Lilly']],
    ['Tesla, Inc.', ['Tesla, Inc.', 'Tesla']],
    ['KKR & Co.', ['KKR & Co.', 'KKR']],
    ['Deere & Company', ['Deere & Company', 'Deere']],
    ['CRH plc', ['CRH plc', 'CRH']],
    ['Chubb Limited', ['Chubb Limited', 'Chubb']],
    ['Vistra Corp.', ['Vistra Corp.', 'Vistra']],
    ['Jack Henry & Associates', ['Jack Henry & Associates']],
    ['Microsoft', ['Microsoft']],
  ])('%s → %j', (name, aliases) => {
    expect(companyNameAliases(name)).toEqual(aliases);
  });
});

describe('linkSymbols: what an article mentions', () => {
  it.each([
    ['cashtags, including a class share in lower case', 'Traders piled into $AAPL, $TSLA and $brk.b today', ['AAPL', 'BRK.B', 'TSLA']],
    ['exchange notation with and without space', 'Apple Inc. (NASDAQ: AAPL) and JPMorgan (NYSE:JPM) rose', ['AAPL', 'JPM']],
    ['exchange notation listing two classes', 'Alphabet (Nasdaq: GOOGL, GOOG) reported', ['GOOG', 'GOOGL']],
    ['exchange notation for a class the universe lacks', 'Berkshire Hathaway Inc. (NYSE: BRK.A) said', ['BRK.B']],
    ['exchange notation for a single-letter ticker', 'Agilent (NYSE: A) beat estimates', ['A']],
    ['Reuters instrument codes', 'Apple Inc (AAPL.O) and Berkshire (BRKb.N) fell', ['AAPL', 'BRK.B']],
    ['bare tickers', 'NVDA and AMD led chip stocks higher; TSLA slipped.', ['AMD', 'NVDA', 'TSLA']],
    ['a bare class share in any notation', 'BRK-B and BF.B both rose', ['BF.B', 'BRK.B']],
    ['a name with its legal suffix dropped', 'Apple unveils a new iPad', ['AAPL']],
    ['a share-class name', 'Alphabet Inc. Class A slipped', ['GOOG', 'GOOGL']],
    ['"The" names by their common short form', 'The Walt Disney Company said Disney+ grew; Walt Disney shares rose', ['DIS']],
    ['a curated short name', 'Disney and Google announced a partnership', ['DIS', 'GOOG', 'GOOGL']],
    ['an inverted name', 'Eli Lilly raised its forecast', ['LLY']],
    ['possessive names that end in \'s', "Lowe's and McDonald's beat estimates", ['LOW', 'MCD']],
    ['a possessive of a plain name', "Tesla's deliveries fell", ['TSLA']],
    ['initials with or without periods', 'J.B. Hunt and JB Hunt are the same', ['JBHT']],
    ['accents, ampersands and hyphens', 'Estee Lauder, Procter and Gamble, AT&T and T-Mobile moved', ['EL', 'PG', 'T', 'TMUS']],
    ['curly apostrophes', 'O’Reilly Automotive and O\'Reilly are the same', ['ORLY']],
    ['the longest name first', 'FedEx Freight spin-off completed', ['FDXF']],
    ['a shorter name when the longer is not capitalised as a name', 'FedEx freight volumes fell', ['FDX']],
    ['a name written in capitals', 'NVIDIA AND TESLA LEAD THE MARKET', ['NVDA', 'TSLA']],
  ])('finds %s', (_name, text, symbols) => {
    expect(linkSymbols(text, SP500_SLICE)).toEqual(symbols);
  });

  it.each([
    ['common words that are tickers', 'All the news: it is on the move now, a key day; are lows in? A cost to all.'],
    ['the same words in capitals', 'IT IS ON NOW: ALL ARE IN, KEY LOW COST DAY'],
    ['a shouting headline', 'HIGH COST OF LIVING HITS SHOPPERS NOW'],
    ['abbreviations', 'The CEO said AI will lift EPS and GDP in the USA, the CFO added; the SEC and FDA agreed.'],
    ['target as a word', 'Target date funds are popular; the Fed kept its inflation Target; analysts raised the price target.'],
    ['Target company in M&A language', 'Target company : Tieto Corporation, date of change in holding'],
    ['the Dow and the Nasdaq', 'The Dow fell 300 points while the Nasdaq slid; Dow futures and the Nasdaq-100 dipped.'],
    ['an outlet suffix', 'Stocks rally into the close | Fox Business'],
    ['News as a word', 'News of the deal lifted shares'],
    ['lower-case common nouns', 'an apple pie recipe, a visa for travel, and a ball game'],
    ['Ball and Williams as words', 'Ball game tonight; Williams scored twice'],
    ['abbreviation names without corroboration', 'PTC credits for solar, RTX 4090 graphics and HP printers'],
    ['tickers glued to other words', 'COVID-19 cases; the U.S. economy; S&P 500; ALL-IN; IT-led; A-list'],
    ['dollar amounts', 'It paid $5 billion, or US$3.2 billion, and $ 7 more; a $a typo'],
    ['tickers outside the universe', '$ZZZZ and (NYSE: QQQQ) are not ours'],
  ])('ignores %s', (_name, text) => {
    expect(linkSymbols(text, SP500_SLICE)).toEqual([]);
  });

  it('links an ambiguous name when a company word or its ticker vouches for it', () => {
    expect(linkSymbols('Target shares fell', SP500_SLICE)).toEqual(['TGT']);
    expect(linkSymbols("Target's quarterly results", SP500_SLICE)).toEqual(['TGT']);
    expect(linkSymbols('Target Corp cut its forecast', SP500_SLICE)).toEqual(['TGT']);
    expect(linkSymbols('Investors sold shares of Target', SP500_SLICE)).toEqual(['TGT']);
    expect(linkSymbols('Target said it would close stores', SP500_SLICE)).toEqual(['TGT']);
    expect(linkSymbols('Ball (BALL) rose', SP500_SLICE)).toEqual(['BALL']);
    expect(linkSymbols('Dow Inc. cut its dividend', SP500_SLICE)).toEqual(['DOW']);
    expect(linkSymbols('Nasdaq Inc. reported record listings', SP500_SLICE)).toEqual(['NDAQ']);
    expect(linkSymbols('News Corp sold a unit', SP500_SLICE)).toEqual(['NWS', 'NWSA']);
    expect(linkSymbols('Fox Corp shares rose', SP500_SLICE)).toEqual(['FOX', 'FOXA']);
    expect(linkSymbols('RTX Corp won a contract', SP500_SLICE)).toEqual(['RTX']);
    expect(linkSymbols('Williams Companies and Williams-Sonoma', SP500_SLICE)).toEqual(['WMB', 'WSM']);
  });

  it('links a capitalised "Apple" even in a recipe (documented choice) but never lower-case "apple"', () => {
    expect(linkSymbols('Apple pie recipe for the holidays', SP500_SLICE)).toEqual(['AAPL']);
    expect(linkSymbols('the best apple pie recipe', SP500_SLICE)).toEqual([]);
  });

  it('does not link a name shared by two companies (Honeywell Aerospace vs Honeywell Technologies) without the curated one', () => {
    expect(linkSymbols('Honeywell Aerospace won an order', SP500_SLICE)).toEqual(['HONA']);
    expect(linkSymbols('Honeywell raised guidance', SP500_SLICE)).toEqual(['HON']);
  });

  it('reads tickers on a normal line even when another line shouts', () => {
    expect(linkSymbols('BREAKING: MARKETS TUMBLE AS YIELDS SOAR\nNVDA fell 4% in early trading', SP500_SLICE)).toEqual(['NVDA']);
  });

  it('says how each symbol was found, the strongest way first', () => {
    expect(linker.mentions('$TSLA rallied; Apple (NASDAQ: AAPL) too; Apple and NVDA; Microsoft')).toEqual([
      { symbol: 'AAPL', via: 'exchange' },
      { symbol: 'MSFT', via: 'name' },
      { symbol: 'NVDA', via: 'ticker' },
      { symbol: 'TSLA', via: 'cashtag' },
    ]);
  });

  it('accepts a compiled linker and gives the same answer', () => {
    const text = 'Apple and $MSFT rose; NVDA fell';
    expect(linkSymbols(text, linker)).toEqual(linkSymbols(text, SP500_SLICE));
  });

  it('only ever returns universe symbols, sorted and without repeats', () => {
    const symbols = new Set(SP500_SLICE.map(({ symbol }) => symbol));
    const piece = fc.oneof(
      fc.constantFrom(...SP500_SLICE.map(({ symbol }) => symbol), ...SP500_SLICE.map(({ name }) => name)),
      fc.constantFrom('$', '(NYSE: ', ')', 'shares', 'rose', 'ALL', 'IT', 'the', 'Target', "'s", '\n', 'AT&T', 'ZZZ'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 25 }), (pieces) => {
      const linked = linkSymbols(pieces.join(' '), SP500_SLICE);
      expect(linked.every((symbol) => symbols.has(symbol))).toBe(true);
      expect(linked).toEqual([...new Set(linked)].sort());
    }), { numRuns: 300 });
  });
});

const CONSTITUENTS = ['constituents', 'sp500_constituents.csv'] as const;
const PHRASEBANK = ['sentiment', 'financial_phrasebank_v1.0', 'Sentences_50Agree.txt'] as const;
const SP500_TITLE = 'linkSymbols over the S&P 500';

describe.skipIf(!hasSharedData(...CONSTITUENTS))(hasSharedData(...CONSTITUENTS) ? SP500_TITLE : `${SP500_TITLE}: ${NO_SHARED_DATA}`, () => {
  it('links every constituent from a sentence naming it by its listed name', () => {
    const universe = sp500Universe();
    const full = compileSymbolLinker(universe);
    const missed = universe.filter(({ symbol, name }) => !full.link(`Shares of ${companyNameAliases(name)[0] ?? name} rose 3% on Tuesday.`).includes(symbol));
    expect(missed).toEqual([]);
  });

  it('links every constituent from its cashtag and from exchange notation', () => {
    const universe = sp500Universe();
    const full = compileSymbolLinker(universe);
    const missed = universe.filter(({ symbol }) => !full.link(`$${symbol} moved`).includes(symbol) || !full.link(`(NYSE: ${symbol})`).includes(symbol));
    expect(missed).toEqual([]);
  });

  it('links no English words the constituents use as tickers', () => {
    const full = compileSymbolLinker(sp500Universe());
    const text = 'ARE we ON track? IT is NOW or never. ALL in. A KEY day. LOW COST, FAST FIX. COIN flip. DASH home. '
      + 'WELL done. HAS it? CAT and DOG. ICE cream. PEG ratio. MET Gala. GEN Z. TAP water. YUM. BRO. DOC. EXE file. '
      + 'TECH stocks. BALL game. KEYS please. FLEX time. ECHO chamber. LITE mode. HOOD up. ON Semi? no.';
    expect(full.link(text)).toEqual([]);
  });

  it.skipIf(!hasSharedData(...PHRASEBANK))(
    'links few Financial PhraseBank sentences (Finnish company news that rarely names S&P 500 members)', () => {
      const full = compileSymbolLinker(sp500Universe());
      const sentences = readFileSync(sharedData(...PHRASEBANK), 'utf8')
        .split('\n').filter((line) => line.includes('@')).map((line) => line.slice(0, line.lastIndexOf('@')));
      const linked = sentences.filter((sentence) => full.link(sentence).length > 0);
      // 114 of 4,437 when written, nearly all real mentions (Microsoft, Google, Goldman Sachs, Intel ...).
      expect(linked.length / sentences.length).toBeLessThan(0.04);
    });
});
