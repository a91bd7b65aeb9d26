// @ts-check
/**
 * @module @fish-tuning/backend-node/setup — builds @tensorflow/tfjs-node(-gpu)'s N-API addon against the
 * TensorFlow C API that ships inside the PyPI wheel `tensorflow-cpu` (or `tensorflow`, the CUDA build).
 *
 * tfjs-node's own install script downloads libtensorflow 2.9.1 from a storage bucket that is unreachable
 * on many machines; the workspace keeps that script off. This does instead, idempotently:
 *  1. `pip download --no-deps --only-binary=:all:` the wheel into a cache outside the repository, keyed by
 *     TF version and flavour (default ~/.cache/fish-tuning/native/tf-<version>-<cpu|gpu>);
 *  2. extracts the two shared libraries, the C headers the addon includes and THIRD_PARTY_NOTICES.txt,
 *     then deletes the wheel;
 *  3. stages the package's deps/include and deps/lib the way its binding.gyp expects;
 *  4. builds with `node-pre-gyp install --build-from-source` against the local Node headers (or reuses the
 *     addon cached by an earlier build of the same package version) and checks that it loads.
 * Plain JavaScript so that CI can run it without building anything (scripts/setup-native.mjs).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync, lstatSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The TensorFlow release whose C API the addon is built against. */
export const TF_VERSION = '2.21.0';

/** A step could not run; `missing` names what the user has to install. The wasm backend keeps working. */
export class NativeSetupError extends Error {
  /** @param {string} message @param {'package'|'pip'|'compiler'|'headers'|'download'|'build'|'load'} missing */
  constructor(message, missing) {
    super(message);
    this.name = 'NativeSetupError';
    this.missing = missing;
  }
}

/** @param {boolean} gpu */
export function flavour(gpu) {
  return gpu
    ? { npmPackage: '@tensorflow/tfjs-node-gpu', pipPackage: 'tensorflow', key: `tf-${TF_VERSION}-gpu` }
    : { npmPackage: '@tensorflow/tfjs-node', pipPackage: 'tensorflow-cpu', key: `tf-${TF_VERSION}-cpu` };
}

/** Where the libraries of one flavour are cached: $FISH_TUNING_CACHE or $XDG_CACHE_HOME/fish-tuning or ~/.cache/fish-tuning. */
export function nativeCacheDir(gpu = false, env = process.env) {
  const root = env.FISH_TUNING_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fish-tuning');
  return join(root, 'native', flavour(gpu).key);
}

/** The package directory of tfjs-node(-gpu) as seen from `fromDir` (a directory with a package.json), or null. */
export function findTfjsNodePackage(gpu = false, fromDir = dirname(new URL(import.meta.url).pathname)) {
  const require = createRequire(join(fromDir, 'package.json'));
  try {
    return dirname(require.resolve(`${flavour(gpu).npmPackage}/package.json`));
  } catch {
    return null;
  }
}

/** Where node-pre-gyp puts (and tfjs-node looks for) the addon: lib/napi-v<N>/tfjs_binding.node. */
export function bindingPath(packageDir) {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const napi = Math.max(...pkg.binary.napi_versions.filter((/** @type {number} */ v) => v <= Number(process.versions.napi)));
  return join(packageDir, pkg.binary.module_path.replace('{napi_build_version}', String(napi)), `${pkg.binary.module_name}.node`);
}

const LIBRARIES = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'];
const HEADERS = /^tensorflow\/include\/(tensorflow\/c\/|tensorflow\/core\/platform\/ctstring|tsl\/platform\/ctstring|xla\/tsl\/c\/)/;

/** True when `packageDir` has an addon and deps/lib points at existing libraries. */
export function isSetUp(packageDir) {
  if (!existsSync(bindingPath(packageDir))) return false;
  return LIBRARIES.every((l) => existsSync(join(packageDir, 'deps', 'lib', l)));
}

/** @param {string} cmd @param {string[]} args @param {import('node:child_process').SpawnSyncOptions} [opts] */
function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', ...opts });
}

/** @param {string} cmd @param {string[]} args */
function works(cmd, args) {
  const r = run(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function findPython() {
  for (const py of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
    if (works(/** @type {string} */ (py), ['-m', 'pip', '--version'])) return /** @type {string} */ (py);
  }
  return null;
}

/** The directory holding node_api.h, as node-gyp's --nodedir wants it (its parent's parent). */
function findNodeDir() {
  const candidates = [process.env.npm_config_nodedir, resolve(dirname(process.execPath), '..'), '/usr', '/usr/local'].filter(Boolean);
  return candidates.find((d) => existsSync(join(/** @type {string} */ (d), 'include', 'node', 'node_api.h'))) ?? null;
}

const PIP_PLATFORM = { x64: 'x86_64', arm64: 'aarch64' };

/**
 * Downloads the wheel (unless cached) and extracts libraries, headers and notices into `cacheDir`.
 * @param {string} cacheDir @param {boolean} gpu @param {(line: string) => void} log
 */
function ensureLibraries(cacheDir, gpu, log) {
  const done = LIBRARIES.every((l) => existsSync(join(cacheDir, 'lib', l))) && existsSync(join(cacheDir, 'include', 'tensorflow', 'c', 'c_api.h'));
  if (done) {
    log(`TensorFlow ${TF_VERSION} C API: cached in ${cacheDir}`);
    return;
  }
  const python = findPython();
  if (!python) {
    throw new NativeSetupError(
      `Python's pip was not found (tried $PYTHON, python3, python with -m pip): it downloads the TensorFlow C API from PyPI. Install python3-pip, or keep using the wasm backend.`,
      'pip',
    );
  }
  const { pipPackage } = flavour(gpu);
  const arch = PIP_PLATFORM[/** @type {'x64'|'arm64'} */ (process.arch)];
  if (process.platform !== 'linux' || !arch) {
    throw new NativeSetupError(`the native backend is set up from PyPI's manylinux wheels: ${process.platform}/${process.arch} is not supported here. Keep using the wasm backend.`, 'download');
  }
  const download = join(cacheDir, 'download');
  mkdirSync(download, { recursive: true });
  let wheel = readdirSync(download).find((f) => f.endsWith('.whl'));
  if (!wheel) {
    log(`downloading ${pipPackage}==${TF_VERSION} from PyPI (${gpu ? '~570' : '~275'} MB, only its C libraries are kept) into ${download}`);
    // A fixed interpreter tag makes the download the same whatever Python runs pip: only the C API is used.
    const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--python-version', '3.11', '--implementation', 'cp', '--abi', 'cp311'];
    for (const tag of [`manylinux_2_27_${arch}`, `manylinux2014_${arch}`, `manylinux_2_17_${arch}`]) args.push('--platform', tag);
    args.push(`${pipPackage}==${TF_VERSION}`, '-d', download);
    const r = run(python, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    wheel = readdirSync(download).find((f) => f.endsWith('.whl'));
    if (r.status !== 0 || !wheel) throw new NativeSetupError(`pip could not download ${pipPackage}==${TF_VERSION} (exit ${r.status}); see its output above`, 'download');
  } else {
    log(`using the wheel already downloaded: ${join(download, wheel)}`);
  }
  const tmp = join(cacheDir, '.extract');
  rmSync(tmp, { recursive: true, force: true });
  const script = [
    'import re, sys, zipfile, os, shutil',
    'whl, out = sys.argv[1], sys.argv[2]',
    `libs = ${JSON.stringify(LIBRARIES)}`,
    `hdr = re.compile(${JSON.stringify(HEADERS.source)})`,
    'z = zipfile.ZipFile(whl)',
    'for n in z.namelist():',
    '    b = n.rsplit("/", 1)[-1]',
    '    if n.startswith("tensorflow/") and b in libs and n.count("/") == 1: dest = os.path.join(out, "lib", b)',
    '    elif hdr.match(n) and not n.endswith("/"): dest = os.path.join(out, "include", n[len("tensorflow/include/"):])',
    '    elif n == "tensorflow/THIRD_PARTY_NOTICES.txt" or n.endswith(".dist-info/METADATA"): dest = os.path.join(out, b)',
    '    else: continue',
    '    os.makedirs(os.path.dirname(dest), exist_ok=True)',
    '    with z.open(n) as src, open(dest, "wb") as dst: shutil.copyfileobj(src, dst)',
  ].join('\n');
  log(`extracting ${LIBRARIES.join(', ')}, the C headers and THIRD_PARTY_NOTICES.txt into ${cacheDir}`);
  const r = run(python, ['-c', script, join(download, wheel), tmp], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0 || !existsSync(join(tmp, 'include', 'tensorflow', 'c', 'c_api.h')) || !LIBRARIES.every((l) => existsSync(join(tmp, 'lib', l)))) {
    throw new NativeSetupError(`could not extract the C API from ${join(download, wheel)} (libraries or tensorflow/c/c_api.h missing)`, 'headers');
  }
  for (const part of ['lib', 'include', 'THIRD_PARTY_NOTICES.txt', 'METADATA']) {
    rmSync(join(cacheDir, part), { recursive: true, force: true });
    if (existsSync(join(tmp, part))) renameSync(join(tmp, part), join(cacheDir, part));
  }
  rmSync(tmp, { recursive: true, force: true });
  rmSync(join(download, wheel));
  log(`removed the wheel; kept ${join(cacheDir, 'lib')} (Apache-2.0, notices in ${join(cacheDir, 'THIRD_PARTY_NOTICES.txt')})`);
}

/** @param {string} target @param {string} link */
function forceSymlink(target, link) {
  try {
    if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === target) return;
  } catch {
    /* absent */
  }
  rmSync(link, { recursive: true, force: true });
  symlinkSync(target, link);
}

/**
 * deps/ as tfjs-node's binding.gyp reads it: -ltensorflow -ltensorflow_framework from deps/lib, rpath
 * $ORIGIN/../../deps/lib at run time (where the addon finds the sonames libtensorflow_cc.so.2 and
 * libtensorflow_framework.so.2), headers from deps/include. libtensorflow.so.2.9.1 is the file tfjs-node's
 * install script checks for.
 * @param {string} packageDir @param {string} cacheDir
 */
function stageDeps(packageDir, cacheDir) {
  const lib = join(packageDir, 'deps', 'lib');
  mkdirSync(lib, { recursive: true });
  const cc = join(cacheDir, 'lib', 'libtensorflow_cc.so.2');
  const fw = join(cacheDir, 'lib', 'libtensorflow_framework.so.2');
  for (const name of ['libtensorflow.so', 'libtensorflow.so.2.9.1', 'libtensorflow_cc.so.2']) forceSymlink(cc, join(lib, name));
  for (const name of ['libtensorflow_framework.so', 'libtensorflow_framework.so.2']) forceSymlink(fw, join(lib, name));
  forceSymlink(join(cacheDir, 'include'), join(packageDir, 'deps', 'include'));
}

/** @param {string} packageDir */
function addonCacheName(packageDir) {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  return `${pkg.name.replace('/', '+')}-${pkg.version}-${process.platform}-${process.arch}-${bindingPath(packageDir).split('/').at(-2)}.node`;
}

/** @param {string} packageDir @param {(line: string) => void} log */
function buildAddon(packageDir, log) {
  const cxx = process.env.CXX ?? 'c++';
  if (!works(cxx, ['--version']) || !works('make', ['--version'])) {
    throw new NativeSetupError(`no C++ compiler (${cxx}) or make found: install build-essential (Debian/Ubuntu) or your system's g++ and make`, 'compiler');
  }
  const nodeDir = findNodeDir();
  if (!nodeDir) {
    throw new NativeSetupError(
      `Node's C headers (include/node/node_api.h) were not found next to ${process.execPath}, in /usr or $npm_config_nodedir: install them (Debian: libnode-dev) or point npm_config_nodedir at a Node source/headers directory`,
      'headers',
    );
  }
  const require = createRequire(join(packageDir, 'package.json'));
  const preGyp = require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp');
  log(`building the addon with node-pre-gyp --build-from-source (npm_config_nodedir=${nodeDir}, about 2 minutes)`);
  const r = run(process.execPath, [preGyp, 'install', '--build-from-source'], {
    cwd: packageDir,
    env: { ...process.env, npm_config_nodedir: nodeDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0 || !existsSync(bindingPath(packageDir))) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').slice(-25).join('\n');
    throw new NativeSetupError(`node-pre-gyp failed (exit ${r.status}):\n${tail}`, 'build');
  }
}

/**
 * Loads the package in a child process, runs a matMul and reports the TF version and device.
 * @param {string} packageDir
 */
export function probe(packageDir) {
  const code = `const tf=require(${JSON.stringify(packageDir)});const b=tf.backend();const y=tf.matMul(tf.ones([2,2]),tf.ones([2,2])).dataSync();` +
    `console.log(JSON.stringify({backend:tf.getBackend(),tf:tf.version.tfjs,libtensorflow:b.binding.TF_Version,gpu:b.isUsingGpuDevice,ok:y[0]===2}))`;
  const r = run(process.execPath, ['-e', code], { env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' } });
  const line = (r.stdout ?? '').trim().split('\n').at(-1) ?? '';
  try {
    const out = JSON.parse(line);
    if (out.ok) return out;
  } catch {
    /* fall through */
  }
  throw new NativeSetupError(`the built addon does not load:\n${(r.stderr ?? '').split('\n').slice(-15).join('\n')}`, 'load');
}

/**
 * Sets the native backend up (idempotent). Returns what was done; throws NativeSetupError naming what is
 * missing when a step cannot run.
 * @param {{ gpu?: boolean, packageDir?: string | null, cacheDir?: string, force?: boolean, log?: (line: string) => void }} [options]
 */
export function setupNative(options = {}) {
  const gpu = options.gpu ?? false;
  const log = options.log ?? ((line) => console.log(line));
  const { npmPackage, pipPackage } = flavour(gpu);
  const packageDir = options.packageDir ?? findTfjsNodePackage(gpu);
  if (!packageDir) {
    throw new NativeSetupError(`${npmPackage}@4.22.0 is not installed: add it (its install script may stay off: pnpm keeps it off unless allowed, npm needs --ignore-scripts), then run this again`, 'package');
  }
  const cacheDir = options.cacheDir ?? nativeCacheDir(gpu);
  log(`native backend (${npmPackage} on ${pipPackage}==${TF_VERSION}): package ${packageDir}`);
  if (!options.force && isSetUp(packageDir)) {
    const info = probe(packageDir);
    log(`already set up: ${bindingPath(packageDir)} loads libtensorflow ${info.libtensorflow}${gpu ? (info.gpu ? ' on a GPU' : ' (no GPU found: runs on CPU)') : ''}`);
    return { packageDir, cacheDir, binding: bindingPath(packageDir), built: false, ...info };
  }
  mkdirSync(cacheDir, { recursive: true });
  ensureLibraries(cacheDir, gpu, log);
  stageDeps(packageDir, cacheDir);
  const cachedAddon = join(cacheDir, 'addon', addonCacheName(packageDir));
  let built = false;
  if (!options.force && existsSync(cachedAddon)) {
    mkdirSync(dirname(bindingPath(packageDir)), { recursive: true });
    copyFileSync(cachedAddon, bindingPath(packageDir));
    log(`addon: reused ${cachedAddon}`);
  } else {
    buildAddon(packageDir, log);
    mkdirSync(dirname(cachedAddon), { recursive: true });
    copyFileSync(bindingPath(packageDir), `${cachedAddon}.tmp`);
    renameSync(`${cachedAddon}.tmp`, cachedAddon);
    writeFileSync(join(cacheDir, 'addon', 'README.txt'), `tfjs_binding.node builds of ${npmPackage}, linked against ../lib through deps/lib symlinks (rpath $ORIGIN/../../deps/lib)\n`);
    built = true;
    log(`addon: built ${bindingPath(packageDir)} (a copy is cached in ${cachedAddon})`);
  }
  const info = probe(packageDir);
  log(`ready: backend '${info.backend}', libtensorflow ${info.libtensorflow}${gpu ? (info.gpu ? ', on a GPU' : ', no GPU found (runs on CPU; see @fish-tuning/backend-node-gpu README for the CUDA libraries)') : ''}`);
  return { packageDir, cacheDir, binding: bindingPath(packageDir), built, ...info };
}
