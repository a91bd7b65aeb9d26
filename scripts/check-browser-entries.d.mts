export declare const NODE_ONLY: Set<string>;
export declare function nodeImportsOf(dir: string): Promise<{ name: string; nodeImports: string[] }>;
export declare function browserPackages(): string[];
