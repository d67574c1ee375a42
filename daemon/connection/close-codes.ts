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
} as const;
