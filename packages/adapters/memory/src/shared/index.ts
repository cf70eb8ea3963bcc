export { frozenCopy } from './frozen-copy';
