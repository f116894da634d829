/**
 * Runs `check` until it passes or `deadline` ms have gone, for what happens shortly after a
 * request rather than before its answer (a notification on its own connection, a replica).
 */
export async function eventually(check: () => Promise<void>, deadline = 5_000): Promise<void> {
  const until = Date.now() + deadline;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
