// tsyringe checks for the Reflect metadata polyfill when it loads, so the polyfill is imported
// first, here, and every module of the host takes tsyringe from this one.
import 'reflect-metadata';

export { container, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
