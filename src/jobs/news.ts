// fetch_and_analyze_news: every 30 minutes on the sentiment queue, the largest active symbols' news
// fetched, stored once per story, analysed once per article, and each symbol's sentiment published.
import type { NewsService } from '../services/news/news.ts';
import type { JobHandler } from './runner.ts';

export function fetchAndAnalyzeNews(news: NewsService, symbols: number): JobHandler {
  return (run) => news.fetchAndAnalyze(symbols, run.log);
}
