import { InvalidInputError } from '@ordo/kernel';

/** Kafka's own limit on a topic name's length. */
export const MAX_TOPIC_NAME_LENGTH = 249;

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

/** Why `name` is not a legal Kafka topic name, or `undefined` when it is. Mirrors the broker's rules. */
export const topicNameProblem = (name: unknown): string | undefined => {
  if (typeof name !== 'string') return 'a topic name must be a string';
  if (name.length === 0) return 'a topic name must not be empty';
  if (name === '.' || name === '..') return `a topic name must not be '.' or '..'`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `a topic name must be at most ${MAX_TOPIC_NAME_LENGTH} characters`;
  if (!LEGAL_TOPIC_NAME.test(name)) return 'a topic name may only hold ASCII letters, digits, ".", "_" and "-"';
  return undefined;
};

/** Throws an {@link InvalidInputError} (`invalid_topic_name`) unless `name` is a legal Kafka topic name. */
export const assertTopicName = (name: unknown, path = 'topic'): string => {
  const problem = topicNameProblem(name);
  if (problem === undefined) return name as string;
  throw new InvalidInputError('invalid_topic_name', `invalid Kafka topic name ${JSON.stringify(name)}: ${problem}`, [
    { path, expected: 'Kafka topic name', actual: name, message: problem },
  ]);
};
