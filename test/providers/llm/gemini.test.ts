// The Gemini client (@google/genai pointed at a local server) against answers in Gemini's REST
// shapes (test/fixtures/gemini, see test/providers/news/recorded-news.ts).
import { describe, expect, it } from 'vitest';
import { createGemini, GEMINI_POLICY, GEMINI_TEXTS_PER_REQUEST } from '../../../src/providers/llm/gemini.ts';
import { ProviderError, type CallPolicy } from '../../../src/providers/outside-call.ts';
import { fixtureText, GEMINI_KEY, geminiTexts, json, useRecordedNews, type Seen } from '../news/recorded-news.ts';

const MODEL = 'gemini-flash-latest';
const server = useRecordedNews(() => undefined);
const FAST: CallPolicy = { timeoutMs: 2_000, retries: 2, backoffBaseMs: 5, backoffCapMs: 20, maxRetryAfterMs: 5_000 };
const TEXTS = [
  'Apple beats estimates as iPhone sales climb',
  'Apple faces EU antitrust fine over App Store rules',
  'Apple to hold annual shareholder meeting in February',
];

function gemini(policy: CallPolicy = FAST) {
  const logs: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const client = createGemini({
    apiKey: GEMINI_KEY, model: MODEL, baseUrl: `${server.url}/gemini`, policy,
    log: { warn: (obj, msg) => logs.push({ obj: obj as Record<string, unknown>, msg }) },
  });
  return { client, logs };
}

/** Answers generateContent with the recorded files in turn (the last one repeats). */
function answers(...files: string[]): void {
  let call = 0;
  server.override = (request) => {
    if (!request.path.endsWith(':generateContent')) return undefined;
    const file = files[Math.min(call++, files.length - 1)]!;
    const status = /^error-(\d{3})/.exec(file)?.[1];
    return json(status ? Number(status) : 200, fixtureText(`gemini/${file}`));
  };
}

const requests = (): Seen[] => server.requestsTo('/gemini/');

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('Gemini sentiment', () => {
  it('analyses several texts in one request under a JSON response schema, and names the model that answered', async () => {
    answers('generateContent-sentiment.json');
    const answer = await gemini().client.sentiments(TEXTS);

    expect(answer.model).toBe('gemini-2.5-flash');
    expect(answer.results).toEqual([
      { label: 'positive', score: 0.8, confidence: 0.92, analysis: expect.stringContaining('Earnings above estimates') },
      { label: 'negative', score: -0.6, confidence: 0.85, analysis: expect.stringContaining('antitrust') },
      // The model may leave out its confidence.
      { label: 'neutral', score: 0.05, confidence: null, analysis: expect.stringContaining('routine') },
    ]);
    expect(requests()).toHaveLength(1);
    const [request] = requests();
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/gemini/v1beta/models/${MODEL}:generateContent`);
    expect(request?.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(geminiTexts(request!)).toEqual(TEXTS.map((text, id) => ({ id, text })));
    const body = JSON.parse(request!.body) as { generationConfig: { responseMimeType: string; responseSchema: { properties: { results: { items: { required: string[]; properties: { sentiment: { enum: string[] } } } } } } } };
    expect(body.generationConfig.responseMimeType).toBe('application/json');
    const item = body.generationConfig.responseSchema.properties.results.items;
    expect(item.required).toEqual(['id', 'sentiment', 'score', 'analysis']);
    expect(item.properties.sentiment.enum).toEqual(['positive', 'neutral', 'negative']);
  });

  it('asks again after malformed JSON (a cut-off answer) and takes the next good one', async () => {
    answers('generateContent-malformed.json', 'generateContent-sentiment.json');
    const answer = await gemini().client.sentiments(TEXTS);
    expect(answer.results.map((r) => r?.label)).toEqual(['positive', 'negative', 'neutral']);
    expect(requests()).toHaveLength(2);
  });

  it('fails as a bad answer after three malformed ones', async () => {
    answers('generateContent-malformed.json');
    const { client, logs } = gemini();
    const error = await failure(client.sentiments(TEXTS));
    expect(error.provider).toBe('gemini');
    expect(error.failure).toBe('bad_response');
    expect(error.message).toContain('malformed JSON');
    expect(requests()).toHaveLength(3);
    expect(logs).toHaveLength(1);
  });

  it('fails as a bad answer when no entry keeps to the schema (labels outside the enum, scores out of range or of the wrong sign)', async () => {
    answers('generateContent-schema-violation.json');
    const error = await failure(gemini().client.sentiments(TEXTS));
    expect(error.failure).toBe('bad_response');
    expect(error.message).toContain('schema violation');
    expect(requests()).toHaveLength(3);
  });

  it('keeps the entries that keep to the schema and leaves the others empty, without asking again', async () => {
    answers('generateContent-partly-invalid.json');
    const answer = await gemini().client.sentiments(TEXTS);
    expect(answer.results.map((r) => r?.label ?? null)).toEqual(['positive', null, 'neutral']);
    expect(requests()).toHaveLength(1);
  });

  it('waits out the RetryInfo delay of a 429 and then answers', async () => {
    answers('error-429-resource-exhausted.json', 'generateContent-sentiment.json');
    const answer = await gemini().client.sentiments(TEXTS);
    expect(answer.results).toHaveLength(3);
    expect(requests()).toHaveLength(2);
  });

  it('fails as rate-limited after three 429s, passing Gemini\'s delay on', async () => {
    answers('error-429-resource-exhausted.json');
    const error = await failure(gemini().client.sentiments(TEXTS));
    expect(error.failure).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBe(1);
    expect(error.message).toContain('RESOURCE_EXHAUSTED');
    expect(requests()).toHaveLength(3);
  });

  it('retries a 500 and answers when Gemini recovers', async () => {
    answers('error-500-internal.json', 'generateContent-sentiment.json');
    expect((await gemini().client.sentiments(TEXTS)).results).toHaveLength(3);
    expect(requests()).toHaveLength(2);
  });

  it('fails as unavailable after three 500s', async () => {
    answers('error-500-internal.json');
    const error = await failure(gemini().client.sentiments(TEXTS));
    expect(error.failure).toBe('unavailable');
    expect(error.message).toContain('INTERNAL');
    expect(requests()).toHaveLength(3);
  });

  it('fails at once on a bad key: asking again changes nothing', async () => {
    answers('error-400-api-key-invalid.json');
    const error = await failure(gemini().client.sentiments(TEXTS));
    expect(error.failure).toBe('bad_response');
    expect(error.message).toContain('API key not valid');
    expect(requests()).toHaveLength(1);
  });

  it('times out each of its three attempts when Gemini does not answer', async () => {
    server.override = () => 'hang';
    const error = await failure(gemini({ ...FAST, timeoutMs: 150 }).client.sentiments(TEXTS));
    expect(error.failure).toBe('timeout');
    expect(requests()).toHaveLength(3);
  });

  it('makes three attempts by default, with exponential backoff', () => {
    expect(GEMINI_POLICY.retries).toBe(2);
    expect(GEMINI_POLICY.backoffBaseMs).toBeGreaterThan(0);
  });

  it('refuses more texts than one request carries', async () => {
    await expect(gemini().client.sentiments(Array.from({ length: GEMINI_TEXTS_PER_REQUEST + 1 }, () => 'x'))).rejects.toThrow(RangeError);
    expect(requests()).toHaveLength(0);
  });
});

describe('Gemini narratives', () => {
  it('returns the text and the model, with the system instruction sent', async () => {
    answers('generateContent-narrative.json');
    const narration = await gemini().client.narrate('Describe AAPL over the last three months.', { system: 'You are a cautious equity analyst.', maxOutputTokens: 300 });
    expect(narration.text).toMatch(/^Apple's shares have risen about 12%/);
    expect(narration.model).toBe('gemini-2.5-flash');
    const body = JSON.parse(requests()[0]!.body) as { systemInstruction: { parts: Array<{ text: string }> }; generationConfig: { maxOutputTokens: number } };
    expect(body.systemInstruction.parts[0]?.text).toBe('You are a cautious equity analyst.');
    expect(body.generationConfig.maxOutputTokens).toBe(300);
  });

  it('fails as unavailable when Gemini keeps failing', async () => {
    answers('error-500-internal.json');
    const error = await failure(gemini().client.narrate('Describe AAPL.'));
    expect(error.failure).toBe('unavailable');
  });
});
