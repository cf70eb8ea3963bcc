export {
  InvalidInputError,
  OrdoError,
  describeValue,
  domainError,
  invalidOptionError,
  isInvalidInputError,
  validationError,
} from './errors';
export type { ConcurrencyConflict, DomainError, OrdoFailure, ValidationError, ValidationIssue } from './errors';
export { EventMetadataCodec, causedBy } from './event-metadata';
export type { EventMetadata } from './event-metadata';
export { defineMessages } from './messages';
export type { Message, MessageOf, MessageShapes, MessageUnion, UnionOf } from './messages';
export { decodeWith, toValidationIssues } from './validation';
