import type { MessagingBackend } from '../backends/messaging-backend';
import type { StoreBackend } from '../backends/store-backend';
import type { ResolvedHostConfig } from '../composition/host-config';
import type { DependencyHealth, HostHealth } from './host-health';
import type { HostWorker } from './role-workers';

const probe = async (check: () => Promise<void>, timeoutMs: number): Promise<DependencyHealth> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    // Only the message: a driver's error may carry the connection string in other fields.
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
};

/** Builds the host's health report: probes the store and the broker, reads every worker's health. */
export const hostHealth = async (input: {
  readonly live: boolean;
  readonly config: ResolvedHostConfig;
  readonly store: StoreBackend;
  readonly messaging: MessagingBackend;
  readonly consumers: ReadonlyArray<string>;
  readonly workers: ReadonlyArray<HostWorker>;
}): Promise<HostHealth> => {
  const { config } = input;
  const [store, broker] = await Promise.all([
    probe(() => input.store.ping(), 2_000),
    probe(() => input.messaging.ping(), 2_000),
  ]);
  const outboxPending = store.ok ? await input.store.outboxPending().catch(() => 0) : 0;
  const workers = input.workers.map((w) => ({ ...w.health(), role: w.role }));
  const reasons: string[] = [];
  if (!input.live) reasons.push('the host is stopped');
  if (!store.ok) reasons.push(`store unreachable: ${store.error ?? ''}`);
  if (!broker.ok) reasons.push(`broker unreachable: ${broker.error ?? ''}`);
  if (outboxPending > config.runtime.maxOutboxLag) {
    reasons.push(`outbox lagging: ${outboxPending} messages waiting (bound ${config.runtime.maxOutboxLag})`);
  }
  for (const w of workers) {
    if (input.live && !w.running) reasons.push(`worker ${w.name} is not running`);
    if (w.consecutiveFailures >= config.runtime.maxWorkerFailures) {
      reasons.push(`worker ${w.name} failed ${w.consecutiveFailures} times in a row`);
    }
  }
  return {
    live: input.live,
    ready: reasons.length === 0,
    reasons,
    roles: [...config.roles],
    store: { ...store, kind: input.store.kind },
    broker: { ...broker, kind: input.messaging.kind },
    outboxPending,
    consumers: [...input.consumers],
    workers,
  };
};
