import { InvalidInputError, type OutgoingMessage, type ValidationIssue } from '@ordo/kernel';
import type { Message, TopicMessages } from 'kafkajs';
import { HEADER } from './message-headers';
import { topicNameProblem } from '../client/topic-names';
import type { KafkaTopicRoute } from './topic-routing';

/**
 * The headers a message travels with: its own headers (the kernel's `messageHeaders` for
 * integration events) with `ordo-event-id` and `ordo-event-type` set from the message itself,
 * since consumers deduplicate on that id.
 */
export const recordHeaders = (message: OutgoingMessage): Readonly<Record<string, string>> => {
  const headers = message.headers;
  // The kernel's integration messages carry both already: send their headers as they are.
  if (headers[HEADER.eventId] === message.id && headers[HEADER.eventType] === message.type) return headers;
  return { ...headers, [HEADER.eventId]: message.id, [HEADER.eventType]: message.type };
};

const issue = (path: string, expected: string, actual: unknown, message: string): ValidationIssue => ({
  path,
  expected,
  actual,
  message,
});

/** Where a field sits in a batch: `<at>.<field>`, or the field alone. */
const pathOf = (at: string, field: string) => (at === '' ? field : `${at}.${field}`);

/**
 * Problems that keep `message` from becoming a Kafka record; empty when it can be sent. Runs for
 * every message the relay publishes: a valid message costs type checks and the empty answer.
 */
export const outgoingMessageIssues = (
  message: OutgoingMessage,
  topic: unknown,
  at = '',
  topicProblemOf: (topic: unknown) => string | undefined = topicNameProblem,
): ValidationIssue[] => {
  const issues: ValidationIssue[] = [];
  if (typeof message.id !== 'string' || message.id === '')
    issues.push(
      issue(pathOf(at, 'id'), 'non-empty string', message.id, 'a message needs an id: consumers deduplicate on it'),
    );
  if (typeof message.type !== 'string' || message.type === '')
    issues.push(issue(pathOf(at, 'type'), 'non-empty string', message.type, 'a message needs a type'));
  if (typeof message.key !== 'string' || message.key === '')
    issues.push(
      issue(pathOf(at, 'key'), 'non-empty string', message.key, 'a message needs a key (its stream id) for ordering'),
    );
  const topicProblem = topicProblemOf(topic);
  if (topicProblem !== undefined) issues.push(issue(pathOf(at, 'topic'), 'Kafka topic name', topic, topicProblem));
  const headers: unknown = message.headers;
  if (typeof headers !== 'object' || headers === null) {
    issues.push(issue(pathOf(at, 'headers'), 'record of strings', headers, 'headers must be an object of strings'));
  } else {
    for (const name in headers) {
      const value: unknown = (headers as Record<string, unknown>)[name];
      if (Object.hasOwn(headers, name) && typeof value !== 'string')
        issues.push(issue(pathOf(at, `headers.${name}`), 'string', value, 'header values must be strings'));
    }
  }
  return issues;
};

const jsonText = (payload: unknown): string | undefined => {
  try {
    return JSON.stringify(payload);
  } catch {
    return undefined;
  }
};

/**
 * Turns messages into kafkajs topic batches: one entry per topic, messages in their input order
 * (so one key's messages keep their order in their partition). Validates everything first and
 * throws one {@link InvalidInputError} (`invalid_message`) naming every problem, so a bad message
 * sends nothing.
 */
export const toTopicMessages = (messages: ReadonlyArray<OutgoingMessage>, route: KafkaTopicRoute): TopicMessages[] => {
  const issues: ValidationIssue[] = [];
  const byTopic = new Map<string, Message[]>();
  // A batch names few topics: check each name once.
  const topicProblems = new Map<unknown, string | undefined>();
  const topicProblemOf = (topic: unknown) => {
    if (!topicProblems.has(topic)) topicProblems.set(topic, topicNameProblem(topic));
    return topicProblems.get(topic);
  };
  messages.forEach((message, index) => {
    let topic: unknown;
    try {
      topic = route(message);
    } catch (error) {
      issues.push(
        issue(`${index}.topic`, 'Kafka topic name', undefined, `the topic route threw: ${(error as Error).message}`),
      );
      return;
    }
    const found = outgoingMessageIssues(message, topic, String(index), topicProblemOf);
    // Text the source already holds (the PostgreSQL outbox) is sent as it is.
    const value = typeof message.payloadJson === 'string' ? message.payloadJson : jsonText(message.payload);
    if (value === undefined)
      found.push(issue(`${index}.payload`, 'JSON value', message.payload, 'the payload must be JSON-serialisable'));
    if (found.length > 0) {
      issues.push(...found);
      return;
    }
    const list = byTopic.get(topic as string) ?? [];
    // kafkajs only reads the headers; a shared object is never changed.
    list.push({ key: message.key, value: value as string, headers: recordHeaders(message) as Record<string, string> });
    byTopic.set(topic as string, list);
  });
  if (issues.length > 0) {
    throw new InvalidInputError(
      'invalid_message',
      `cannot publish to Kafka: ${issues.map((i) => `${i.path}: ${i.message ?? `expected ${i.expected}`}`).join('; ')}`,
      issues,
    );
  }
  return [...byTopic].map(([topic, list]) => ({ topic, messages: list }));
};
