// The ai-prediction text: Gemini's narrative of our own numbers when a key is set, otherwise one
// written here from the same numbers. Either way the text says who wrote it and that the numbers
// are StockMind's forecast, not advice.
import type { StatisticalView, TermView } from './prediction.ts';

export type Narrator = 'gemini' | 'stockmind';

const MODEL_NAMES: Record<string, string> = {
  lstm: 'the LSTM', randomWalk: 'the random walk (no change)', drift: 'the drift baseline', holt: 'damped Holt smoothing',
};
const money = (value: number, currency: string) => `${value.toFixed(2)} ${currency}`;
const signed = (value: number) => `${value > 0 ? '+' : ''}${value.toFixed(2)} %`;

function termSentence(term: TermView, currency: string): string {
  const record = term.backtest;
  const versus = record?.mase == null ? ''
    : record.beatsRandomWalk ? `; in its backtest its errors were ${((1 - record.mase) * 100).toFixed(1)} % smaller than a random walk's`
      : term.model === 'randomWalk' ? '; no model beat this in the backtest'
        : `; in its backtest its errors were ${((record.mase - 1) * 100).toFixed(1)} % larger than a random walk's`;
  return `${term.period}: ${money(term.targetPrice, currency)} (${signed(term.change)}), 80 % range ${money(term.low, currency)}–${money(term.high, currency)}, `
    + `${term.trend.toLowerCase()} (confidence ${term.confidence.toFixed(0)} %), from ${MODEL_NAMES[term.model] ?? term.model}${versus}.`;
}

const SIGNAL_WORDS = {
  macd: { Bullish: 'the MACD histogram is positive', Bearish: 'the MACD histogram is negative', Neutral: 'MACD is flat' },
  rsi: { Bullish: 'RSI says oversold', Bearish: 'RSI says overbought', Neutral: 'RSI is neutral' },
  maCross: { Bullish: 'the 20-day average is above the 50-day', Bearish: 'the 20-day average is below the 50-day', Neutral: 'the 20- and 50-day averages give no cross' },
  bollinger: { Bullish: 'the price is below its lower Bollinger band', Bearish: 'the price is above its upper Bollinger band', Neutral: 'the price is inside its Bollinger bands' },
} as const;

/** The facts a narrative is written from, one per line (also Gemini's prompt material). */
export function narrativeFacts(view: StatisticalView): string[] {
  const { technicalIndicators: ind, signals, overallOutlook: outlook, currency } = view;
  const rsi = ind.rsi === null ? '' : ` (RSI 14 at ${ind.rsi.toFixed(1)})`;
  const volatility = ind.volatility === null ? 'unknown volatility' : `annualised volatility ${ind.volatility.toFixed(1)} %`;
  const sentiment = outlook.sentimentSource === 'news'
    ? `News sentiment is ${outlook.sentiment.toLowerCase()}; with the forecast and indicators the bullish score is ${outlook.bullishScore}/100.`
    : `No news sentiment was available: the overall outlook, ${outlook.sentiment.toLowerCase()} with a bullish score of ${outlook.bullishScore}/100, comes from the forecast and indicators.`;
  return [
    `${view.symbol} last closed at ${money(view.currentPrice, currency)}${view.asOf ? ` (${view.asOf})` : ''}.`,
    `Forecast by StockMind (${view.model.name}${view.model.version ? ` ${view.model.version}` : ''}):`,
    ...[view.predictions.shortTerm, view.predictions.mediumTerm, view.predictions.longTerm].map((term) => termSentence(term, currency)),
    `Technicals: ${SIGNAL_WORDS.macd[signals.macd]}, ${SIGNAL_WORDS.rsi[signals.rsi]}${rsi}, ${SIGNAL_WORDS.maCross[signals.maCross]}, ${SIGNAL_WORDS.bollinger[signals.bollinger]}.`,
    `Risk is ${outlook.riskLevel.toLowerCase()} (${volatility}).`,
    sentiment,
  ];
}

const DISCLAIMER = 'This is a statistical forecast, not investment advice.';

/** The narrative written here, from our own numbers only. */
export function templateNarrative(view: StatisticalView, why: string | null = null): string {
  const source = `Written by StockMind from its own forecast, indicators and sentiment; no language model was used${why ? ` (${why})` : ''}.`;
  return `${narrativeFacts(view).join(' ')} ${DISCLAIMER} ${source}`;
}

/** How Gemini is asked to write: narrate the facts, invent nothing. */
export const NARRATIVE_SYSTEM = 'You are a careful financial writer. You narrate the statistical facts you are given for a retail investor, '
  + 'in plain prose of at most 180 words without headings or lists. You never invent prices, news or numbers, you say where the '
  + 'forecast model does not beat a random walk, and you end with one sentence saying this is a statistical forecast, not investment advice.';

/** The facts Gemini narrates. */
export function narrativePrompt(view: StatisticalView): string {
  return [`Write a short analysis of ${view.symbol} from these facts:`, '', ...narrativeFacts(view)].join('\n');
}

/** Gemini's text with a line saying who wrote it and from what. */
export function geminiNarrative(text: string, model: string): string {
  return `${text.trim()} (Written by Gemini, ${model}, from StockMind's forecast, indicators and sentiment.)`;
}
