/**
 * Small DOM helpers: typed element lookup, a phase progress line (n of N, elapsed, ETA), and buttons that
 * always say why they are disabled.
 * @module
 */
export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

export const num = (id: string): number => Number($<HTMLInputElement>(id).value);

export function seconds(ms: number): string {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** A progress line: "<phase>: n of N · elapsed · ETA" with a <progress> bar; one per mode. */
export class PhaseProgress {
  private phase = '';
  private started = 0;
  private last: [number, number, string] = [0, 1, ''];
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly bar: HTMLProgressElement, private readonly label: HTMLElement) {}

  /** Starts a phase; `total` units (tokens, samples, steps). The elapsed time ticks on between updates. */
  start(phase: string, total: number): void {
    this.phase = phase;
    this.started = performance.now();
    this.update(0, total);
    this.ticker ??= setInterval(() => this.update(...this.last), 500);
  }

  update(done: number, total: number, extra = ''): void {
    this.last = [done, total, extra];
    const elapsed = performance.now() - this.started;
    const eta = done > 0 && done < total ? ` · about ${seconds((elapsed / done) * (total - done))} left` : '';
    this.bar.max = Math.max(total, 1);
    this.bar.value = done;
    this.label.textContent = `${this.phase}: ${done} of ${total} · ${seconds(elapsed)} elapsed${eta}${extra ? ` · ${extra}` : ''}`;
  }

  done(message: string): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
    this.bar.value = this.bar.max;
    this.label.textContent = message;
  }
}

/** Enables `button` when `reason` is null, else disables it and shows the reason next to it. */
export function gate(button: HTMLButtonElement, reasonEl: HTMLElement, reason: string | null): void {
  button.disabled = reason !== null;
  reasonEl.textContent = reason ?? '';
}

export function downloadBytes(name: string, bytes: Uint8Array, type = 'application/zip'): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}
