import { useRef } from 'react';

/**
 * The latest value, for an effect that runs on other changes and only reads this one when it
 * finishes (the language of an error text, a parent's callback): not a reason to run it again.
 */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
