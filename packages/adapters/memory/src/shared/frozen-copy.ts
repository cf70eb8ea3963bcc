import { frozenJsonCopy } from '@ordo/kernel/adapter-kit';

/**
 * Deep-copies a JSON value and freezes the copy. The in-memory stores keep their data this way:
 * a caller that mutates what it appended cannot reach the stored copy, and a caller that mutates
 * what it read fails loudly (frozen objects throw in strict mode) instead of corrupting the store.
 * Reads then hand out the stored objects without copying, which keeps folds over millions of
 * events cheap.
 *
 * The value must already be validated as JSON-safe (`findNonJsonValue`). Like JSON, the copy
 * drops object properties holding `undefined`. (The kernel's `frozenJsonCopy`; the event store
 * gets its copies from its append validation, which copies in the same walk.)
 */
export const frozenCopy = <T>(value: T): T => frozenJsonCopy(value);
