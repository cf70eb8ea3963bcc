import { defineMessages } from '@ordo/kernel';
import * as t from 'io-ts';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createInMemoryInbox } from '@ordo/adapter-memory';
import { createKafkaConsumer } from './kafka-consumer';

const Events = defineMessages({ Happened: { n: t.number } });

/**
 * A kafkajs client that only records the consumer configuration it is given: enough to check
 * what the adapter asks kafkajs for, without a broker (the broker tests are the int specs).
 */
const recordingKafka = () => {
  const configs: ConsumerConfig[] = [];
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: () => () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async () => undefined,
    disconnect: async () => undefined,
  };
  const producer = { connect: async () => undefined, disconnect: async () => undefined, sendBatch: async () => [] };
  const kafka = {
    consumer: (config: ConsumerConfig) => {
      configs.push(config);
      return consumer;
    },
    producer: () => producer,
  } as unknown as Kafka;
  return { kafka, configs };
};

test('a crashed consumer is restarted by kafkajs while running, never after stop()', async () => {
  const { kafka, configs } = recordingKafka();
  const consumer = createKafkaConsumer({
    kafka,
    groupId: 'g',
    topics: ['t'],
    codec: Events.codec,
    inbox: createInMemoryInbox(),
    handle: async () => undefined,
  });
  await consumer.start();
  const restartOnFailure = configs[0]?.retry?.restartOnFailure;
  assert.type(restartOnFailure, 'function');
  assert.is(await restartOnFailure!(new Error('broker gone')), true, 'running: kafkajs may restart it');
  assert.is(configs[0]?.retry?.retries, 5, "kafkajs' default retries are kept");
  await consumer.stop();
  assert.is(await restartOnFailure!(new Error('broker gone')), false, 'stopped: no restart, no reconnect');
});

test.run();
