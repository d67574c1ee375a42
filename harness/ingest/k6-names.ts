/**
 * The k6 metrics overbench reads, by the names its k6 scripts (k6/lib/exai.ts) give them, with
 * k6's own HTTP metrics as the fallback for a user's HTTP script.
 */

/** Request-to-reply latency (a Trend of time, ms), in the order they are looked for. */
export const LATENCY_TRENDS = ['exai_reply_latency', 'http_req_duration'] as const;
/** Finished calls (a Counter); without it, the latency Trend's sample count. */
export const REQUEST_COUNTERS = ['exai_requests', 'http_reqs'] as const;
/** Failed calls: a Counter tagged with the error `code`. */
export const ERROR_COUNTER = 'exai_errors';
/** k6's own: a Rate whose true samples are failed HTTP requests. */
export const HTTP_FAILED_RATE = 'http_req_failed';
/** The tag overbench's scripts put on every sample: 0 = warm-up, 1.. = measured rounds. */
export const ROUND_TAG = 'round';
