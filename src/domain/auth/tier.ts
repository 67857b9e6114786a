// Subscription tiers: what a user pays for decides their daily quota and real-time limits.
export type Tier = 'basic' | 'premium' | 'pro';
export const TIERS: readonly Tier[] = ['basic', 'premium', 'pro'];
