/**
 * Looking a user-given name up in a table written as an object literal. `table[name]` also finds
 * Object.prototype's members: `peft_type: "constructor"` resolved to a function and reported the
 * base model's loss as the adapter's. Every lookup keyed by a user string goes through here (or a Map).
 * @module
 */

/** `table[key]` when `key` is the table's own property, else undefined (never a prototype member). */
export function ownEntry<T>(table: { readonly [key: string]: T }, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
