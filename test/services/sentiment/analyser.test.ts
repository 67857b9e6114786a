// SentimentAnalyser: Gemini first (the real client against a local server speaking Gemini's REST
// shapes), the offline model without a key, after a failure, and for any unusable answer.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ANALYSER, classify } from '../../../src/domain/sentiment/index.ts';
import { createGemini, GEMINI_TEXTS_PER_REQUEST } from '../../../src/providers/llm/gemini.ts';
import type { CallPolicy } from '../../../src/providers/outside-call.ts';
import { offlineText, SentimentAnalyser } from '../../../src/services/sentiment/analyser.ts';
import { fixtureText, GEMINI_KEY, geminiTexts, json, standardRoute, useRecordedNews } from '../../providers/news/recorded-news.ts';

const server = useRecordedNews(standardRoute);
const FAST: CallPolicy = { timeoutMs: 2_000, retries: 2, backoffBaseMs: 5, backoffCapMs: 20 };
const log = pino({ level: 'silent' });

const withGemini = () => new SentimentAnalyser(createGemini({ apiKey: GEMINI_KEY, model: 'gemini-flash-latest', baseUrl: `${server.url}/gemini`, policy: FAST }));
const articles = (n: number) => Array.from({ length: n }, (_, i) => ({ title: i % 2 === 0 ? `Company ${i} beats estimates` : `Company ${i} cuts jobs`, description: '' }));
const generateRequests = () => server.requestsTo('/gemini/');

describe('sentiment of articles', () => {
  it('uses the offline model without a key, naming it, its version and its confidence', async () => {
    const input = [{ title: 'Operating loss narrowed', description: 'The company said costs fell.' }, { title: 'The company issued a profit warning', description: '' }];
    const { results, byLlm } = await new SentimentAnalyser(null).analyse(input, log);
    expect(byLlm).toBe(0);
    results.forEach((result, i) => {
      const expected = classify(offlineText(input[i]!));
      expect(result).toMatchObject({ label: expected.label, analyser: ANALYSER.name, analyserVersion: ANALYSER.version });
      expect(result.score).toBeCloseTo(expected.score, 4);
      expect(result.confidence).toBeCloseTo(expected.confidence, 4);
      expect(result.analysis).toContain('offline');
    });
    expect(results.map((r) => r.label)).toEqual(['positive', 'negative']);
  });

  it('asks Gemini with several articles per request and records the model that answered', async () => {
    const input = articles(GEMINI_TEXTS_PER_REQUEST + 5);
    const { results, byLlm } = await withGemini().analyse(input, log);
    expect(byLlm).toBe(input.length);
    expect(generateRequests().map((r) => geminiTexts(r).length)).toEqual([GEMINI_TEXTS_PER_REQUEST, 5]);
    expect(new Set(results.map((r) => `${r.analyser}@${r.analyserVersion}`))).toEqual(new Set(['gemini@gemini-2.5-flash']));
    expect(results.map((r) => r.label)).toEqual(input.map((a) => (a.title.includes('beats') ? 'positive' : 'negative')));
  });

  it('gives the offline model the articles whose Gemini answer broke the schema', async () => {
    server.override = (request) => (request.path.endsWith(':generateContent') ? json(200, fixtureText('gemini/generateContent-partly-invalid.json')) : undefined);
    const input = [{ title: 'Apple beats estimates', description: '' }, { title: 'Apple is fined', description: '' }, { title: 'Apple sets a date', description: '' }];
    const { results, byLlm } = await withGemini().analyse(input, log);
    expect(byLlm).toBe(2);
    expect(results.map((r) => r.analyser)).toEqual(['gemini', ANALYSER.name, 'gemini']);
  });

  it('falls back to the offline model for the whole run once Gemini is down, without asking for every batch', async () => {
    server.override = (request) => (request.path.endsWith(':generateContent') ? json(500, fixtureText('gemini/error-500-internal.json')) : undefined);
    const input = articles(2 * GEMINI_TEXTS_PER_REQUEST + 1);
    const { results, byLlm, llmFailures } = await withGemini().analyse(input, log);
    expect(byLlm).toBe(0);
    expect(llmFailures).toBe(1);
    expect(results.every((r) => r.analyser === ANALYSER.name)).toBe(true);
    // One batch, three attempts; the other batches were never sent.
    expect(generateRequests()).toHaveLength(3);
  });

  it('still asks for the next batch after one batch\'s answers were unusable', async () => {
    let call = 0;
    server.override = (request) => {
      if (!request.path.endsWith(':generateContent')) return undefined;
      call += 1;
      return call <= 3 ? json(200, fixtureText('gemini/generateContent-malformed.json')) : undefined;
    };
    const input = articles(GEMINI_TEXTS_PER_REQUEST + 2);
    const { results, byLlm } = await withGemini().analyse(input, log);
    expect(byLlm).toBe(2);
    expect(results.slice(0, GEMINI_TEXTS_PER_REQUEST).every((r) => r.analyser === ANALYSER.name)).toBe(true);
    expect(results.slice(GEMINI_TEXTS_PER_REQUEST).every((r) => r.analyser === 'gemini')).toBe(true);
  });

  it('says which analyser comes first', () => {
    expect(new SentimentAnalyser(null).primary).toEqual(ANALYSER);
    expect(withGemini().primary).toEqual({ name: 'gemini', version: 'gemini-flash-latest' });
  });
});

describe('sentiment of texts', () => {
  it('classifies texts offline, in order, as `stockmind sentiment classify` does', () => {
    const texts = ['Net sales rose by 12 % .', 'Costs rose by 10 % .', 'The AGM is in April .', ''];
    const results = new SentimentAnalyser(null).classifyTexts(texts);
    expect(results.map((r) => r.label)).toEqual(texts.map((t) => classify(t).label));
    results.forEach((result, i) => {
      expect(result.score).toBeCloseTo(classify(texts[i]!).score, 4);
      expect(result.analyser).toBe(`${ANALYSER.name}@${ANALYSER.version}`);
    });
  });

  it('reads the headline, then the start of the description', () => {
    expect(offlineText({ title: 'Apple beats estimates', description: '' })).toBe('Apple beats estimates');
    expect(offlineText({ title: 'Apple beats estimates.', description: 'Sales rose.' })).toBe('Apple beats estimates. Sales rose.');
    expect(offlineText({ title: 'Apple beats estimates', description: 'Sales rose.' })).toBe('Apple beats estimates. Sales rose.');
    expect(offlineText({ title: 'T', description: 'word '.repeat(200) }).length).toBeLessThan(320);
  });
});
