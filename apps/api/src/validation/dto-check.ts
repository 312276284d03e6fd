import { validateSync } from 'class-validator';
import { keyPath } from './field-path';
import { declaredRules } from './rule-decorator';
import type { ProblemList } from './problem-list';

export type DtoClass = new () => object;

export const UNKNOWN_FIELD = 'is not an allowed field';

/**
 * Own keys (JSON.parse creates them) that class-validator cannot judge: it
 * finds a DTO's rules through `object.constructor`, so an own "constructor"
 * hides them all, and its whitelist looks keys up in a plain object, where
 * "__proto__" always seems declared. Reported here and never copied.
 */
const KEYS_CLASS_VALIDATOR_MISJUDGES = ['constructor', '__proto__'];

/**
 * Runs one DTO's rules over one level of a plain JSON object with
 * class-validator (whitelist + forbidNonWhitelisted) and records its problems
 * under `path`; returns the names of the properties that failed.
 */
export function checkWithClassValidator(dto: DtoClass, plain: Record<string, unknown>, path: string, problems: ProblemList): Set<string> {
  const invalid = new Set<string>();
  for (const key of KEYS_CLASS_VALIDATOR_MISJUDGES) {
    if (!Object.hasOwn(plain, key)) continue;
    invalid.add(key);
    problems.add(keyPath(path, key), UNKNOWN_FIELD);
  }
  const errors = validateSync(asInstance(dto, plain), {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
  for (const error of errors) {
    const property = error.property ?? '';
    invalid.add(property);
    const isUnknownField = error.constraints?.whitelistValidation !== undefined;
    const problem = isUnknownField ? UNKNOWN_FIELD : (Object.values(error.constraints ?? {})[0] ?? 'is invalid');
    problems.add(property === '' ? path || 'body' : keyPath(path, property), problem);
  }
  return invalid;
}

/**
 * The same check without class-validator's machinery (about 5 µs a call):
 * used for chunks, of which one job body may hold millions. Same rules, same
 * messages, same order (unknown fields first); a unit test keeps the two equal.
 */
export function checkDeclaredRules(dto: DtoClass, plain: Record<string, unknown>, path: string, problems: ProblemList): Set<string> {
  const rules = declaredRules(dto);
  const invalid = new Set<string>();
  for (const key of Object.keys(plain)) {
    if (rules.has(key)) continue;
    invalid.add(key);
    problems.add(keyPath(path, key), UNKNOWN_FIELD);
  }
  for (const [property, rule] of rules) {
    const problem = rule(plain[property]);
    if (problem === undefined) continue;
    invalid.add(property);
    problems.add(keyPath(path, property), problem);
  }
  return invalid;
}

/**
 * A DTO instance holding the plain object's own properties. Not
 * class-transformer: it silently drops keys such as `__proto__` and
 * `constructor` (they must be reported as unknown fields) and rewrites nested
 * objects such as metadata. defineProperty keeps a `__proto__` key an
 * ordinary own field instead of a prototype change.
 */
function asInstance(dto: DtoClass, plain: Record<string, unknown>): object {
  const instance = Object.create(dto.prototype as object) as object;
  for (const key of Object.keys(plain)) {
    if (KEYS_CLASS_VALIDATOR_MISJUDGES.includes(key)) continue;
    Object.defineProperty(instance, key, { value: plain[key], enumerable: true, writable: true, configurable: true });
  }
  return instance;
}
