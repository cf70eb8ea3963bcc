import { defineMessages, InvalidInputError } from '@ordo/kernel';
import * as t from 'io-ts';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createInMemoryInbox } from '@ordo/adapter-memory';
import { createKafkaConsumer, type KafkaConsumerOptions } from './kafka-consumer';

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

test('bad options are refused with an invalid_options error naming the option', () => {
  const { kafka, configs } = recordingKafka();
  const valid: KafkaConsumerOptions<t.TypeOf<typeof Events.codec>, unknown, void> = {
    kafka,
    groupId: 'g',
    topics: ['t'],
    codec: Events.codec,
    inbox: createInMemoryInbox(),
    handle: async () => undefined,
  };
  const cases: ReadonlyArray<readonly [Partial<typeof valid>, string, unknown]> = [
    [{ groupId: '' }, 'groupId', ''],
    [{ topics: [] }, 'topics', []],
    [{ topics: ['t', 'bad topic'] }, 'topics.1', 'bad topic'],
    [{ maxAttempts: 0 }, 'maxAttempts', 0],
    [{ commitEvery: 1.5 }, 'commitEvery', 1.5],
    [{ partitionsConsumedConcurrently: -1 }, 'partitionsConsumedConcurrently', -1],
    [{ batchSize: 0 }, 'batchSize', 0],
    [{ batchSize: 2.5 }, 'batchSize', 2.5],
  ];
  for (const [bad, path, actual] of cases) {
    try {
      createKafkaConsumer({ ...valid, ...bad });
      assert.unreachable(`${path} was accepted`);
    } catch (error) {
      assert.instance(error, InvalidInputError);
      const e = error as InvalidInputError;
      assert.is(e.code, 'invalid_options', `${path}: code`);
      assert.is(e.issues.length, 1, `${path}: one issue`);
      assert.is(e.issues[0]?.path, path);
      assert.equal(e.issues[0]?.actual, actual);
      assert.match(e.message, path);
    }
  }
  assert.is(configs.length, 0, 'nothing reached kafkajs');
});

test('a consumer takes exactly one of handle and handleBatch', () => {
  const { kafka, configs } = recordingKafka();
  const base = { kafka, groupId: 'g', topics: ['t'], codec: Events.codec, inbox: createInMemoryInbox() };
  const handle = async () => undefined;
  const cases: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
    [{}, 'handle'],
    [{ handle: 'not a function' }, 'handle'],
    [{ handleBatch: 7 }, 'handleBatch'],
    [{ handle, handleBatch: handle }, 'handleBatch'],
  ];
  for (const [handlers, path] of cases) {
    try {
      createKafkaConsumer({ ...base, ...handlers } as unknown as Parameters<typeof createKafkaConsumer>[0]);
      assert.unreachable(`${Object.keys(handlers).join(' + ') || 'no handler'} was accepted`);
    } catch (error) {
      assert.instance(error, InvalidInputError);
      assert.is((error as InvalidInputError).code, 'invalid_options');
      assert.is((error as InvalidInputError).issues[0]?.path, path);
    }
  }
  createKafkaConsumer({ ...base, handleBatch: async () => undefined });
  assert.is(configs.length, 0, 'nothing reached kafkajs');
});

test.run();
