import type { Inbox, MessageConsumer } from '@ordo/kernel';
import type { Kafka } from 'kafkajs';
import { createKafkaConsumerWith, type KafkaConsumerSettings } from './kafka-consumer';

/** Options of {@link createKafkaMessageConsumer}: {@link KafkaConsumerSettings} minus what `subscribe` supplies. */
export type KafkaMessageConsumerOptions<Tx> = Omit<
  KafkaConsumerSettings<Tx>,
  'groupId' | 'topics' | 'kafka' | 'inbox'
> & {
  readonly kafka: Kafka;
  readonly inbox: Inbox<Tx>;
};

/**
 * The kernel's {@link MessageConsumer} port over Kafka: each `subscribe` starts a group member
 * with inbox dedup, retries and dead-lettering (see {@link createKafkaConsumer}). Payloads arrive
 * as parsed JSON: decode them in the handler, or use `createKafkaConsumer` with a codec to have
 * undecodable messages dead-lettered before the handler sees them.
 */
export const createKafkaMessageConsumer = <Tx>(options: KafkaMessageConsumerOptions<Tx>): MessageConsumer => ({
  async subscribe({ topics, group, handle }) {
    const consumer = createKafkaConsumerWith<unknown, Tx>(
      { ...options, groupId: group, topics, handle: (_payload, context) => handle(context.message) },
      (value) => ({ _tag: 'Right', right: value }),
    );
    await consumer.start();
    return { stop: () => consumer.stop() };
  },
});
