/** What the benchmark asks of its light SMTP sink process, and what the sink answers (over Node's IPC channel). */
export type SinkRequest = { readonly type: 'take' } | { readonly type: 'stop' };

export type SinkReply =
  | { readonly type: 'listening'; readonly port: number }
  /** Every message accepted since the last take: its Message-ID and when (ms since the epoch). */
  | { readonly type: 'taken'; readonly accepted: readonly (readonly [string, number])[] };
