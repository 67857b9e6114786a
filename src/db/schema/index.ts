export * from './auth.ts';
export * from './market.ts';
export * from './portfolio.ts';
