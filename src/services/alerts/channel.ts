// The bus channel of one user: their alerts, relayed by every API instance to that user's sockets.
export const userChannel = (userId: string) => `user_${userId}`;

/** Published on a user's channel when their sessions end (deactivated, or revoked by an admin): every instance closes their sockets. */
export const SESSIONS_ENDED = 'sessions_ended';
