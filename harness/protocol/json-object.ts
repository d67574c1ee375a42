/** A received frame as a JSON object, or undefined when it is not JSON or not an object. */
export function parseObject(frame: string): Record<string, unknown> | undefined {
  let msg: unknown;
  try {
    msg = JSON.parse(frame);
  } catch {
    return undefined;
  }
  return msg !== null && typeof msg === 'object' && !Array.isArray(msg) ? (msg as Record<string, unknown>) : undefined;
}
