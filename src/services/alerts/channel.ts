// The bus channel of one user: their alerts, relayed by every API instance to that user's sockets.
export const userChannel = (userId: string) => `user_${userId}`;
