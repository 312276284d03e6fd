export * from './blue-green-reembed';
export { catchUpPass, countVectors, type CatchUpResult } from './catch-up-pass';
