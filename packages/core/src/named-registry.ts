/**
 * A named table filled by explicit registration (tfjs's kernel registry idea): a Map, so a user-given
 * name such as 'constructor' is unknown rather than an Object.prototype hit; a warning when a name is
 * registered again; an error listing the known names, naming the option at fault.
 * @module
 */
import { FishTuningError } from './errors.js';

export class NamedRegistry<T> {
  private readonly entries = new Map<string, T>();

  /** @param what how errors and warnings call an entry ('method', 'model family') */
  constructor(private readonly what: string) {}

  /** Adds `value` under `name`; a second registration replaces the first, with a warning. Returns the replaced value. */
  set(name: string, value: T): T | undefined {
    const previous = this.entries.get(name);
    if (previous !== undefined) console.warn(`fish-tuning: ${this.what} '${name}' registered again; the new one replaces it`);
    this.entries.set(name, value);
    return previous;
  }

  find(name: string): T | undefined {
    return this.entries.get(name);
  }

  /** The entry, or an error naming `option` and listing what is registered. */
  get(name: string, option: string): T {
    const value = this.entries.get(name);
    if (value === undefined) throw new FishTuningError(`unknown ${this.what} '${name}'; registered: ${this.names().join(', ') || '(none)'}`, { option });
    return value;
  }

  delete(name: string): boolean {
    return this.entries.delete(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }
}
