import type { NewEvent } from '@ordo/kernel';

/** A valid new event with id `id`; `data` is spread into the event. */
export const newEvent = (id: string, data: Readonly<Record<string, unknown>> = {}, tenantId?: string): NewEvent => ({
  event: { type: 'Tested', ...data },
  metadata: {
    eventId: id,
    correlationId: `corr-${id}`,
    causationId: `cause-${id}`,
    occurredAt: '2024-01-02T03:04:05.678Z',
    ...(tenantId === undefined ? {} : { tenantId }),
  },
});
