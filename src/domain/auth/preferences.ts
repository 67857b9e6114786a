// What a user wants to be told about, and the defaults a new account starts with.
export interface NotificationPreferences {
  emailAlerts: boolean;
  priceAlerts: boolean;
  newsDigest: boolean;
  predictionUpdates: boolean;
}

export const DEFAULT_NOTIFICATION_PREFERENCES: NotificationPreferences = {
  emailAlerts: true,
  priceAlerts: true,
  newsDigest: false,
  predictionUpdates: false,
};
