/** EXAI session ids are 3..64 characters of [A-Za-z0-9_-]. */
export const MAX_SESSION_ID = 64;

/**
 * Session ids of a driver's connections: `<prefix>-<i>` for busy clients (stable across churn, so
 * a reconnect resumes the session) and `<prefix>-idle-<i>` for idle ones. Characters EXAI does
 * not allow in a session id (a scenario name may contain dots) become `_`.
 */
export function sessionIds(prefix: string): { busy(i: number): string; idle(i: number): string } {
  const safe = prefix.replace(/[^A-Za-z0-9_-]/g, '_');
  return { busy: (i) => `${safe}-${i}`, idle: (i) => `${safe}-idle-${i}` };
}
