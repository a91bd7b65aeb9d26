/**
 * The paper's published numbers (bert-base-cased unless noted), used beside ours in results.md.
 * Scores ×100; task keys are GLUE names. Sources: Table 6 (fixed ratio, per method, 4 groups in order),
 * Table 9 (masks, LoRA, all layers), Table 4 (LoRI, Qwen2.5-7B GSM8K), Table 5 (resources, RTE).
 * @module
 */
type Scores = Record<string, number>;
const row = (cola: number, mrpc: number, rte: number, sst2: number, stsb: number, wnli: number, avg: number): Scores => ({ cola, mrpc, rte, sst2, stsb, wnli, avg });

/** Table 6: per method, the four groups in order, [original, FISH]; `percent` = trainable % of all parameters. */
export const PAPER_FIXED_RATIO: Record<string, { percent: number; original: Scores; fish: Scores }[]> = {
  lora: [
    { percent: 0.0057, original: row(43.27, 80.94, 58.48, 89.56, 84.94, 53.52, 68.45), fish: row(44.28, 80.25, 58.48, 90.48, 86.41, 53.52, 68.9) },
    { percent: 0.0099, original: row(48.02, 82.17, 62.82, 89.91, 86.06, 53.52, 70.42), fish: row(51.21, 85.74, 66.06, 90.14, 86.84, 53.52, 72.25) },
    { percent: 0.0142, original: row(51.87, 84.35, 64.98, 91.17, 86.6, 53.52, 72.08), fish: row(53.58, 85.56, 65.7, 90.71, 86.79, 53.52, 72.64) },
    { percent: 0.0184, original: row(54.96, 82.41, 64.62, 90.14, 87.03, 53.52, 72.11), fish: row(55.96, 84.18, 67.51, 89.45, 86.81, 53.52, 72.91) },
  ],
  dora: [
    { percent: 0.0078, original: row(42.7, 80.45, 58.48, 89.68, 85.04, 53.52, 68.31), fish: row(46.36, 80.3, 58.48, 91.17, 86.84, 53.52, 69.45) },
    { percent: 0.0142, original: row(47.83, 80.49, 63.9, 90.14, 86.14, 53.52, 70.34), fish: row(54.14, 87.47, 66.43, 90.14, 86.84, 53.52, 73.09) },
    { percent: 0.0206, original: row(54.54, 84.0, 65.7, 91.06, 86.73, 53.52, 72.59), fish: row(55.89, 85.63, 66.79, 89.91, 86.86, 53.52, 73.1) },
    { percent: 0.0269, original: row(54.13, 82.58, 66.06, 90.25, 87.07, 53.52, 72.27), fish: row(56.0, 86.7, 67.51, 89.91, 87.21, 53.52, 73.48) },
  ],
  adapter: [
    { percent: 0.1389, original: row(41.53, 78.54, 62.82, 85.32, 82.54, 56.34, 67.85), fish: row(52.27, 87.36, 64.26, 90.6, 87.26, 57.75, 73.25) },
    { percent: 0.276, original: row(47.05, 83.58, 62.09, 90.6, 86.47, 43.66, 68.91), fish: row(53.73, 88.91, 64.62, 90.48, 87.62, 57.75, 73.85) },
    { percent: 0.4127, original: row(48.44, 85.05, 61.73, 90.71, 86.94, 49.3, 70.36), fish: row(52.64, 87.76, 65.7, 91.28, 87.76, 57.75, 73.82) },
    { percent: 0.549, original: row(51.85, 87.97, 64.62, 90.48, 87.76, 54.93, 72.94), fish: row(53.13, 88.19, 64.26, 91.51, 87.98, 57.75, 73.8) },
  ],
  ia3: [
    { percent: 0.0142, original: row(34.11, 76.42, 64.62, 87.16, 84.68, 47.89, 65.81), fish: row(38.54, 78.03, 64.62, 89.11, 86.6, 47.89, 67.46) },
    { percent: 0.0227, original: row(40.64, 78.68, 65.7, 88.65, 85.93, 47.89, 67.91), fish: row(38.47, 81.28, 64.26, 88.99, 87.04, 47.89, 67.99) },
    { percent: 0.0354, original: row(40.45, 76.73, 64.98, 89.68, 86.94, 46.48, 67.54), fish: row(37.99, 80.06, 62.09, 89.11, 87.41, 46.48, 67.19) },
    { percent: 0.0439, original: row(39.59, 81.47, 61.73, 89.11, 87.44, 46.48, 67.64), fish: row(46.74, 81.26, 62.45, 89.22, 87.59, 46.48, 68.96) },
  ],
  prefix: [
    { percent: 0.0439, original: row(34.03, 76.57, 59.57, 83.83, 80.65, 57.75, 65.4), fish: row(38.17, 76.6, 60.29, 88.07, 82.92, 59.15, 67.54) },
    { percent: 0.0864, original: row(32.1, 76.94, 61.37, 85.78, 82.48, 56.34, 65.83), fish: row(39.22, 77.15, 60.29, 87.61, 83.94, 59.15, 67.9) },
    { percent: 0.1289, original: row(35.05, 74.96, 60.65, 87.5, 83.72, 54.93, 66.13), fish: row(38.91, 77.13, 60.29, 87.61, 84.47, 59.15, 67.93) },
    { percent: 0.1713, original: row(35.8, 77.87, 65.34, 88.19, 84.04, 64.79, 69.34), fish: row(40.94, 77.13, 60.29, 88.76, 84.69, 59.15, 68.49) },
  ],
  unipelt: [
    { percent: 0.0213, original: row(47.25, 81.76, 60.65, 90.71, 85.65, 66.2, 72.04), fish: row(49.72, 81.28, 64.26, 90.14, 86.94, 43.66, 69.33) },
    { percent: 0.0411, original: row(53.65, 84.42, 64.62, 90.48, 86.85, 56.34, 72.73), fish: row(55.7, 81.95, 63.9, 91.74, 87.39, 43.66, 70.72) },
    { percent: 0.061, original: row(55.89, 87.29, 64.26, 90.94, 86.96, 57.75, 73.85), fish: row(51.66, 87.38, 63.9, 91.28, 87.45, 43.66, 70.89) },
    { percent: 0.0808, original: row(52.12, 88.08, 65.7, 90.94, 87.36, 52.11, 72.72), fish: row(52.09, 87.8, 63.9, 90.6, 87.45, 43.66, 70.92) },
  ],
};

/** Table 9 (LoRA, all 12 layers, rank 16): Ratio2 label → selection → scores. */
export const PAPER_MASKS_LORA: Record<string, Record<string, Scores>> = {
  '100%': { dense: row(60.85, 88.26, 70.4, 91.86, 88.77, 53.52, 75.61) },
  '50%': { fish: row(60.08, 87.71, 70.4, 90.94, 88.67, 54.93, 75.45), random: row(57.54, 86.36, 69.31, 91.28, 88.29, 53.52, 74.39), reverse: row(58.56, 80.35, 61.37, 91.97, 87.68, 53.52, 72.24) },
  '25%': { fish: row(58.3, 86.72, 72.92, 91.06, 88.44, 54.93, 75.39), random: row(56.29, 85.45, 71.12, 91.17, 87.99, 53.52, 74.26), reverse: row(51.62, 78.27, 58.84, 91.4, 87.0, 53.52, 70.11) },
  '10%': { fish: row(55.51, 87.4, 72.56, 90.25, 88.3, 54.93, 74.83), random: row(52.89, 81.64, 63.18, 91.17, 87.91, 53.52, 71.72), reverse: row(49.95, 74.8, 58.12, 90.14, 86.27, 53.52, 68.8) },
  '5%': { fish: row(54.84, 86.04, 72.56, 90.37, 88.21, 54.93, 74.49), random: row(49.11, 80.9, 58.84, 91.28, 87.84, 53.52, 70.25), reverse: row(39.18, 74.8, 58.12, 88.42, 85.0, 53.52, 66.51) },
  '1%': { fish: row(46.64, 85.8, 67.51, 89.22, 88.14, 53.52, 71.81), random: row(34.44, 74.8, 58.48, 89.68, 85.46, 53.52, 66.07), reverse: row(25.12, 74.8, 58.12, 83.83, 76.06, 53.52, 61.91) },
  '0.5%': { fish: row(40.71, 81.71, 63.54, 88.07, 88.09, 53.52, 69.27), random: row(34.55, 74.8, 58.12, 87.61, 82.19, 53.52, 65.13), reverse: row(18.81, 74.8, 58.12, 81.77, 71.12, 53.52, 59.69) },
};

/** Table 4 (Qwen2.5-7B, GSM8K accuracy): Ratio2 label → LoRI / FISH. */
export const PAPER_LORI: Record<string, { lori: number; fish: number }> = {
  '0.018%': { lori: 78.2, fish: 78.24 },
  '0.036%': { lori: 79.14, fish: 76.88 },
  '0.18%': { lori: 79.53, fish: 78.01 },
  '0.36%': { lori: 78.13, fish: 78.77 },
  '0.9%': { lori: 77.5, fish: 78.47 },
};

/** Table 5 (bert-base-cased, RTE, 1 epoch, GPU): Ratio2 label → Ratio1 %, time (s), GPU memory (MB). */
export const PAPER_RESOURCES: Record<string, { ratio1: number; time: number; memoryMb: number }> = {
  '100%': { ratio1: 0.8116, time: 38.0208, memoryMb: 6180 },
  '50%': { ratio1: 0.4058, time: 37.6212, memoryMb: 6650 },
  '25%': { ratio1: 0.2029, time: 37.4502, memoryMb: 6650 },
  '10%': { ratio1: 0.0812, time: 37.7291, memoryMb: 6650 },
  '5%': { ratio1: 0.0406, time: 37.0493, memoryMb: 6650 },
  '1%': { ratio1: 0.0081, time: 37.1929, memoryMb: 6650 },
  '0.5%': { ratio1: 0.0041, time: 36.6827, memoryMb: 6650 },
};
