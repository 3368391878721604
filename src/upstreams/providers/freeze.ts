/**
 * Deep-freeze helper for descriptor data: every nested object and array is
 * frozen, so a descriptor cannot be edited at run time by any module that
 * imports it (DESIGN §4: providers are frozen data).
 */
import type { ProviderDescriptor } from "../descriptor.js";

export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const key of Reflect.ownKeys(value)) {
      deepFreeze((value as Record<PropertyKey, unknown>)[key]);
    }
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}

/** True when `value` and everything reachable from it is frozen. */
export function isDeepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  if (!Object.isFrozen(value)) return false;
  return Reflect.ownKeys(value).every((key) => isDeepFrozen((value as Record<PropertyKey, unknown>)[key]));
}

/** Freeze a provider descriptor and everything in it. */
export function defineProvider(descriptor: ProviderDescriptor): ProviderDescriptor {
  return deepFreeze(descriptor);
}
