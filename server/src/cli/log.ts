/** A logger for command-line tools: the message first, then its details as JSON. */
export const cliLog = {
  info: (details: object, message?: string) => console.log(message ?? '', Object.keys(details).length ? JSON.stringify(details) : ''),
  error: (details: object, message: string) => console.error(message, JSON.stringify(details)),
};
