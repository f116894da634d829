/** Sizes and times as db:backup and db:restore print them. */
export function describeSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

export function elapsedSince(started: bigint): string {
  return `${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`;
}
