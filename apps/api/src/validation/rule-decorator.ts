import { registerDecorator, type ValidationArguments } from 'class-validator';
import type { Rule } from './field-rules';

const rulesByClass = new Map<object, Map<string, Rule>>();

/**
 * Attaches a rule function to a DTO property. One rule per property gives one
 * precise message per field; the message is the rule's own answer, computed
 * again from the failing value. The rule is registered with class-validator
 * and also kept here, so the hot loop over millions of chunks can apply the
 * very same rules without class-validator's per-call cost (see dto-check.ts).
 */
export function Satisfies(rule: Rule): PropertyDecorator {
  return (target, propertyKey) => {
    const propertyName = String(propertyKey);
    registerDecorator({
      name: 'satisfies',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => rule(value) === undefined,
        defaultMessage: (args?: ValidationArguments) => rule(args?.value) ?? 'is invalid',
      },
    });
    const rules = rulesByClass.get(target.constructor) ?? new Map<string, Rule>();
    rules.set(propertyName, rule);
    rulesByClass.set(target.constructor, rules);
  };
}

/** The rules declared on a DTO class, in declaration order. */
export function declaredRules(dto: object): ReadonlyMap<string, Rule> {
  return rulesByClass.get(dto) ?? new Map();
}
