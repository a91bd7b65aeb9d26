import type { Server } from 'node:http';

export declare const root: string;
export declare const defaultMounts: Record<string, string>;
export declare function buildPage(options?: { outdir?: string; minify?: boolean }): Promise<{ outdir: string; bytes: number }>;
export declare function startServer(options?: { dist?: string; mounts?: Record<string, string | null>; port?: number }): Promise<{ server: Server; url: string }>;
