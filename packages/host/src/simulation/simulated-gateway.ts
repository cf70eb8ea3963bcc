import type { SeededRandom } from '@ordo/adapter-memory';
import type { Clock } from '@ordo/kernel';
import type { AuthorizationAnswer, AuthorizationRequest, PaymentGateway } from '@ordo/domains';

/** How the simulated gateway behaves, as probabilities per authorization (the rest is approved promptly). */
export interface GatewayBehaviour {
  /** Declined after a short delay. */
  readonly decline: number;
  /** Never answers (`no_answer` once the caller gives up). */
  readonly silent: number;
  /** Approves, but slowly: often after the saga's payment timeout (a late answer). */
  readonly slow: number;
}

interface Call {
  readonly dueAtMs: number;
  readonly answer: AuthorizationAnswer;
  readonly resolve: (answer: AuthorizationAnswer) => void;
}

/** A payment gateway whose answers the simulation releases one at a time, when due. */
export interface SimulatedGateway extends PaymentGateway {
  /** Calls whose answer is due at the clock's time. */
  due(): number;
  /** Releases the answer of one due call (`index` among the due ones); false if none is due. */
  answer(index: number): boolean;
  /** When the next answer falls due. */
  nextDueAt(): number | undefined;
  /** Answers given so far, by outcome. */
  stats(): Readonly<Record<string, number>>;
}

/**
 * Creates the simulated gateway. Each idempotency key gets one fate drawn from `random` on its
 * first call (a repeated key gets the same answer, as real gateways do); the answer is released
 * only once the manual clock reaches its due time and the simulation picks it.
 */
export const createSimulatedGateway = (
  random: SeededRandom,
  clock: Clock,
  behaviour: GatewayBehaviour,
): SimulatedGateway => {
  const fates = new Map<string, { answer: AuthorizationAnswer; delayMs: number; label: string }>();
  let calls: Call[] = [];
  const stats: Record<string, number> = {};
  const between = (lo: number, hi: number) => lo + random.int(hi - lo + 1);

  const fateOf = (request: AuthorizationRequest) => {
    let fate = fates.get(request.idempotencyKey);
    if (fate === undefined) {
      const r = random.next();
      fate =
        r < behaviour.decline
          ? {
              answer: { outcome: 'declined', reason: random.pick(['card_declined', 'insufficient_funds']) },
              delayMs: between(500, 20_000),
              label: 'declined',
            }
          : r < behaviour.decline + behaviour.silent
            ? { answer: { outcome: 'no_answer' }, delayMs: between(10_000, 90_000), label: 'silent' }
            : r < behaviour.decline + behaviour.silent + behaviour.slow
              ? { answer: { outcome: 'approved' }, delayMs: between(40_000, 150_000), label: 'slow' }
              : { answer: { outcome: 'approved' }, delayMs: between(500, 20_000), label: 'approved' };
      fates.set(request.idempotencyKey, fate);
    }
    return fate;
  };

  const dueCalls = () => {
    const now = clock.now().getTime();
    return calls.filter((c) => c.dueAtMs <= now);
  };

  return {
    authorize: (request) => {
      const fate = fateOf(request);
      stats[fate.label] = (stats[fate.label] ?? 0) + 1;
      return new Promise<AuthorizationAnswer>((resolve) => {
        calls.push({ dueAtMs: clock.now().getTime() + fate.delayMs, answer: fate.answer, resolve });
      });
    },
    due: () => {
      const now = clock.now().getTime();
      let n = 0;
      for (const c of calls) if (c.dueAtMs <= now) n += 1;
      return n;
    },
    answer: (index) => {
      const due = dueCalls();
      const call = due[index % Math.max(due.length, 1)];
      if (call === undefined) return false;
      calls = calls.filter((c) => c !== call);
      call.resolve(call.answer);
      return true;
    },
    nextDueAt: () => (calls.length === 0 ? undefined : Math.min(...calls.map((c) => c.dueAtMs))),
    stats: () => ({ ...stats }),
  };
};
