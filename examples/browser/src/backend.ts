/**
 * Backend choice for the page: WebGPU first, WebAssembly (SIMD) when WebGPU is missing or fails, and what
 * kind of WebGPU adapter it is: a software one (SwiftShader, `isFallbackAdapter`) is ~1000× slower than a GPU.
 * `?backend=wasm` in the address skips WebGPU.
 *
 * Each backend package selects itself when imported, and tfjs drops the older of two concurrent backend
 * initialisations, so the WebAssembly package is imported (and started) only once WebGPU has failed.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { ready as webgpuReady } from '@fish-tuning/backend-webgpu';

export interface BackendInfo {
  name: 'webgpu' | 'wasm';
  /** The WebGPU adapter as the browser describes it (vendor / architecture / description). */
  adapter: string | null;
  /** True for a software WebGPU adapter (SwiftShader / fallback adapter). */
  software: boolean;
  /** Why WebGPU is not used, when it is not. */
  whyNotWebgpu: string | null;
}

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/** How the browser describes its WebGPU adapter, or null without one. */
async function describeAdapter(): Promise<{ text: string; software: boolean } | null> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<any> } }).gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return null;
  const info: AdapterInfoLike = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') || 'unknown adapter';
  const software = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || /swiftshader|llvmpipe|software/i.test(text) || /^google\b/i.test(info.vendor ?? '');
  return { text, software };
}

/** Picks the backend (webgpu → wasm) and reports what it got. */
export async function chooseBackend(search = typeof location === 'undefined' ? '' : location.search): Promise<BackendInfo> {
  const forced = new URLSearchParams(search).get('backend');
  let whyNotWebgpu: string | null = null;
  const started = await webgpuReady().then(
    () => null,
    (e: Error) => e.message,
  );
  if (forced === 'wasm') whyNotWebgpu = 'skipped (?backend=wasm in the address)';
  else if (!('gpu' in navigator)) whyNotWebgpu = 'this browser has no WebGPU (navigator.gpu is missing)';
  else if (started !== null) {
    const adapter = await describeAdapter().catch(() => null);
    whyNotWebgpu = adapter ? `WebGPU failed to start on ${adapter.text}` : 'the browser offers no WebGPU adapter';
  }
  if (!whyNotWebgpu) {
    const adapter = await describeAdapter().catch(() => null);
    return { name: 'webgpu', adapter: adapter?.text ?? 'unknown adapter', software: adapter?.software ?? false, whyNotWebgpu: null };
  }
  const wasm = await import('@fish-tuning/backend-wasm');
  await wasm.ready();
  if (!(await tf.setBackend('wasm'))) throw new Error(`WebGPU: ${whyNotWebgpu}; WebAssembly failed to start too`);
  await tf.ready();
  return { name: 'wasm', adapter: null, software: false, whyNotWebgpu };
}
