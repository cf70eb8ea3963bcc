/**
 * The Kafka cluster itself, outside the kernel's ports: the kafkajs client factory with its
 * logging, and topic administration. Topic-name checks are internal to the package.
 */
export { createKafkaClient } from './kafka-client';
export type { KafkaClientOptions, KafkaLogLevel, KafkaLogLine, KafkaLogSink } from './kafka-client';
export { deleteTopics, ensureTopics, topicPartitionCounts, withAdmin } from './topic-admin';
export type { EnsureTopicsResult, TopicSpec } from './topic-admin';
