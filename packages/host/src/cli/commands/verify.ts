/**
 * `ordo verify`: reads the whole log through the store port and checks it: per-stream
 * contiguity, the global invariants, projections equal to a fold of the log, the outbox drained,
 * the notification inbox consistent with the log.
 */
import { type AnyEvent, type RecordedEvent } from '@ordo/kernel';
import { initialProjected, projectBatch } from '@ordo/kernel/adapter-kit';
import {
  NOTIFICATION_CONSUMER,
  type NotifiableEvent,
  type Notification,
  notificationsFor,
  notifyingEventTypes,
} from '@ordo/domains';
import pg from 'pg';
import { projectionRunners } from '../../composition/host-projections';
import { HostTokens as T, resolveService } from '../../composition/tokens';
import { checkInvariants, type InvariantResult } from '../../simulation/invariants';
import { schemaFrom, storeConfigFrom, storeFlags } from '../backend-flags';
import type { CliCommand, CliContext } from '../command';
import { EXIT } from '../errors';
import { describeStoreError, openStoreHost } from '../store-host';
import { checkContiguity } from '../verify-log';

/** One line of the verdict. */
interface Check {
  readonly name: string;
  /** `undefined`: not checked here, with `note` saying why. */
  readonly violations: ReadonlyArray<string> | undefined;
  readonly note?: string;
}

/** Invariants that look at what only the process that ran saw (its rejections, its dead letters). */
const PROCESS_LOCAL = new Map([
  ['only expected races are rejected', 'rejections are known only to the process that saw them'],
  ['no message is dead-lettered and no worker fails', 'see ordo dlq list'],
]);

const readLog = async (
  read: (o: { after?: bigint; maxCount: number }) => Promise<ReadonlyArray<RecordedEvent<AnyEvent>>>,
) => {
  const events: RecordedEvent<AnyEvent>[] = [];
  for (;;) {
    const last = events[events.length - 1];
    const batch = await read(last === undefined ? { maxCount: 1000 } : { after: last.globalPosition, maxCount: 1000 });
    events.push(...batch);
    if (batch.length < 1000) return events;
  }
};

const impliedNotifications = (events: ReadonlyArray<RecordedEvent<AnyEvent>>): ReadonlyArray<Notification> => {
  const types: ReadonlyArray<string> = notifyingEventTypes;
  return events
    .filter((e) => types.includes(e.event.type))
    .flatMap((e) => notificationsFor(e as RecordedEvent<NotifiableEvent>));
};

/** Notification ids the PostgreSQL inbox holds that no event of the log implies. */
const strayInboxIds = async (url: string, schema: string, implied: ReadonlySet<string>) => {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => undefined);
  try {
    const rows = await pool.query<{ message_id: string }>(
      `SELECT message_id FROM "${schema}".ordo_inbox WHERE consumer = $1`,
      [NOTIFICATION_CONSUMER],
    );
    return { recorded: rows.rows.length, stray: rows.rows.map((r) => r.message_id).filter((id) => !implied.has(id)) };
  } finally {
    await pool.end();
  }
};

const print = (context: CliContext, checks: ReadonlyArray<Check>) => {
  for (const c of checks) {
    const status = c.violations === undefined ? 'skip' : c.violations.length === 0 ? 'ok  ' : 'FAIL';
    context.print(`${status}  ${c.name}${c.note === undefined ? '' : ` (${c.note})`}`);
    for (const v of c.violations ?? []) context.print(`        ${v}`);
  }
};

/** `ordo verify`. */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'check a store: per-stream contiguity, invariants, projections, outbox drained, inbox consistent',
  usage: '--store postgres --database-url URL [flags]',
  description: [
    'Reads the whole log through the store port and checks: global positions increase and every stream runs 0, 1, 2, ... without a gap; the invariants of the commerce system (every order Completed or Cancelled, stock and money conserved, a cancelled order holds nothing, notifications sent once); each stored read model equals a fold of the log; no message waits in the outbox; the notification inbox records exactly what the log implies (on PostgreSQL both ways).',
    'Meaningful on a quiet system: an order still under way, a read model or a relay behind, count as broken. Exit code 1 when something is broken.',
  ],
  flags: storeFlags,
  examples: ['ordo verify --database-url postgres://ordo@localhost/shop'],
  run: async (args, context) => {
    const store = storeConfigFrom(args, { persistent: true });
    context.print(
      `ordo verify: store ${store.kind}${store.kind === 'postgres' ? `, schema ${store.schema ?? 'ordo'}` : ''}`,
    );
    let host;
    try {
      host = await openStoreHost(store);
    } catch (error) {
      context.warn(`ordo verify: cannot open the store: ${describeStoreError(error)}`);
      return EXIT.failed;
    }
    try {
      const eventStore = resolveService(host.container, T.EventStore);
      const backend = resolveService(host.container, T.StoreBackend);
      const inbox = resolveService(host.container, T.Inbox);
      const events = await readLog((o) => eventStore.readAll(o));
      const contiguity = checkContiguity(events);
      const first = events[0]?.globalPosition;
      const last = events[events.length - 1]?.globalPosition;
      context.print(
        `read ${contiguity.events} events in ${contiguity.streams} streams${first === undefined ? '' : ` (positions ${first}..${last})`}`,
      );

      const implied = impliedNotifications(events);
      const sent: Notification[] = [];
      for (const n of implied) if (await inbox.has(NOTIFICATION_CONSUMER, n.notificationId)) sent.push(n);
      const projections = await Promise.all(
        projectionRunners(resolveService(host.container, T.Projections)).map(async (runner) => ({
          name: runner.name,
          stored: (await runner.stored()).model,
          rebuilt: projectBatch(runner.projection, initialProjected(runner.projection), events).model,
        })),
      );
      const invariants: ReadonlyArray<InvariantResult> = checkInvariants({
        events,
        projections,
        sent,
        rejections: [],
        failures: [],
      });
      const noOrders = !events.some((e) => e.streamId.startsWith('order-'));
      const pending = await backend.outboxPending();

      const checks: Check[] = [
        {
          name: 'global positions increase; every stream runs 0, 1, 2, ... without a gap',
          violations: contiguity.violations,
        },
        {
          name: 'outbox drained',
          violations: pending === 0 ? [] : [`${pending} message(s) wait in the outbox`],
          ...(backend.outbox === undefined ? { note: 'the log is the outbox here: nothing to count' } : {}),
        },
      ];
      if (store.kind === 'postgres' && store.connectionString !== undefined) {
        const ids = new Set(implied.map((n) => n.notificationId));
        const inboxRows = await strayInboxIds(store.connectionString, schemaFrom(args), ids);
        checks.push({
          name: 'inbox consistent: every notification it records is implied by an event',
          violations: inboxRows.stray
            .slice(0, 10)
            .map((id) => `inbox records notification ${id}, which no event implies`),
          note: `${inboxRows.recorded} recorded, ${ids.size} implied`,
        });
      }
      for (const r of invariants) {
        const local = PROCESS_LOCAL.get(r.invariant);
        if (local !== undefined) checks.push({ name: r.invariant, violations: undefined, note: local });
        else if (noOrders && r.invariant === 'every order ends Completed or Cancelled') {
          checks.push({ name: r.invariant, violations: [], note: 'no order in the log' });
        } else {
          checks.push({
            name:
              r.invariant === 'each notification is sent once'
                ? 'each notification is sent once (the inbox records every one the log implies)'
                : r.invariant,
            violations: r.violations,
          });
        }
      }
      print(context, checks);
      const broken = checks.filter((c) => c.violations !== undefined && c.violations.length > 0);
      const checked = checks.filter((c) => c.violations !== undefined).length;
      context.print(
        broken.length === 0
          ? `verify: OK (${checked} checks passed, ${checks.length - checked} skipped)`
          : `verify: BROKEN (${broken.length} of ${checked} checks failed)`,
      );
      return broken.length === 0 ? EXIT.ok : EXIT.failed;
    } catch (error) {
      context.warn(`ordo verify: ${describeStoreError(error)}`);
      return EXIT.failed;
    } finally {
      await host.stop({ deadlineMs: 5_000 });
    }
  },
};
