import * as E from 'fp-ts/Either';
import { type Clock, domainError, type IdGenerator, validationError } from '@ordo/kernel';
import type { PasswordHasher } from '@ordo/domains';
import type { CommandRoute } from '../workers/command-dispatcher';
import type { CommerceCommand, ExecuteContext, ExecuteResult, Host } from './host';

/**
 * The host's intake: `execute` (one command to its domain's handler) and `registerCustomer` (the
 * three-step registration that keeps e-mail addresses unique). `ensureRunning` throws once the
 * host is stopped.
 */
export const createHostCommands = (deps: {
  readonly routes: Readonly<Record<string, CommandRoute>>;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly hasher: PasswordHasher;
  readonly ensureRunning: () => void;
}): Pick<Host, 'execute' | 'registerCustomer'> => {
  const { routes, ids, clock, hasher, ensureRunning } = deps;
  const execute = async (command: CommerceCommand, context: ExecuteContext = {}): Promise<ExecuteResult> => {
    ensureRunning();
    const type = typeof command === 'object' && command !== null ? (command as { type?: unknown }).type : undefined;
    const route = typeof type === 'string' && Object.hasOwn(routes, type) ? routes[type] : undefined;
    // Only the domains' handlers are open to callers: the payment service's route is the saga's.
    if (route?.kind !== 'handler') {
      return E.left(domainError('unknown_command', `no command handler for type '${String(type)}'`, { type }));
    }
    return route.handler.handleUntrusted(command, {
      ...context,
      commandId: context.commandId ?? ids.next(),
      occurredAt: context.occurredAt ?? clock.now().toISOString(),
    });
  };

  return {
    execute,
    registerCustomer: async (customer, context = {}) => {
      ensureRunning();
      const { customerId, email, password } = customer;
      if (typeof password !== 'string' || password.length === 0) {
        // The password never reaches a codec (only its hash does), so it is checked here.
        return E.left(
          validationError([{ path: 'password', expected: 'non-empty string', actual: '<hidden>' }], 'customer'),
        );
      }
      const at = customer.at ?? clock.now().toISOString();
      const base = context.commandId ?? ids.next();
      const passwordHash = await hasher.hash(password);
      const reserved = await execute(
        { type: 'ReserveEmail', email, customerId, at },
        { ...context, commandId: `${base}:reserve-email` },
      );
      if (E.isLeft(reserved)) return reserved;
      const registered = await execute(
        { type: 'RegisterCustomer', customerId, email, passwordHash, at },
        { ...context, commandId: `${base}:register` },
      );
      // Give the address back so the customer can try again, but only if this call reserved it: a
      // customer who already held it (a repeated registration) keeps it.
      if (E.isLeft(registered) && reserved.right.events.length > 0) {
        await execute(
          { type: 'ReleaseEmail', email, customerId, at },
          { ...context, commandId: `${base}:release-email` },
        );
      }
      return registered;
    },
  };
};
