export * from './auth.ts';
export * from './market.ts';
export * from './news.ts';
export * from './portfolio.ts';
export * from './admin.ts';
