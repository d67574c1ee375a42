/** WebSocket close codes of EXAI-PROTOCOL.md and the reference daemon. */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  PolicyViolation: 1008,
  TooBig: 1009,
  BadJson: 4000,
  MissingHello: 4001,
  HelloTimeout: 4002,
  Unauthorized: 4003,
  /**
   * The client kept exceeding its per-session rate limit (EXAI_RATE_ABUSE_STRIKES refusals,
   * leaking at the session's refill rate): it was answered OVER_CAPACITY each time, then closed.
   * 4029 after HTTP 429; reconnecting resumes the session, whose bucket is still empty.
   */
  RateLimitAbuse: 4029,
} as const;
